/**
 * npm run bench:import — how long importing a Debian kernel tree takes: read, parse and
 * extract every modelled file, synthesize the variant data and build the variant
 * (app/import/pipeline.ts), median of 5 runs per tree, plus the one-time parser load (both
 * wasm modules), the synthesis's share, the drift against the nearest hand-written variant
 * (what `mmu import` adds), and each file's parse. Needs the trees from
 * scripts/kernel-source.sh. Target (issue #14): a whole import under 2 s.
 *
 *   npm run bench:import            both trees
 *   npm run bench:import -- 6.12    one tree
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianTree, importTree, nodeCParser, type DebianSeries } from '../app/import/node';
import { MODELLED, WATCHED_GLOBALS } from '../app/import/modelled';
import { parseAndExtract } from '../app/import/parser';
import { drift } from '../app/import/drift';
import { importedVariant, nearestHandWritten } from '../app/import/pipeline';
import { loadAllVariants, VARIANTS } from '../app/engine/variants/index';
import { percentile } from './percentile';

// The eras and the kernels' data load on demand, as in the worker (variants/index.ts, loadVariant).
await loadAllVariants();

const RUNS = 5;
const args = process.argv.slice(2);
const series = (args.length ? args : ['6.1', '6.12']) as DebianSeries[];

const t0 = performance.now();
const parser = await nodeCParser();
const loadMs = performance.now() - t0;
console.log(
  `node ${process.version}; parser load (runtime + C grammar wasm): ${loadMs.toFixed(0)} ms`,
);

for (const s of series) {
  const dir = debianTree(s);
  if (!dir) {
    console.error(`linux-source-${s} is not installed: run bash scripts/kernel-source.sh`);
    process.exitCode = 1;
    continue;
  }
  const runs: number[] = [];
  const synthesis: number[] = [];
  let version = '';
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const tree = importTree(parser, dir);
    const parsed = performance.now();
    version = importedVariant(tree).version;
    const end = performance.now();
    runs.push(end - start);
    synthesis.push(end - parsed);
  }
  const ms = runs.map((x) => x.toFixed(0)).join(', ');
  console.log(
    `\n${version}: whole import (parse + extract + synthesis) median ${percentile(runs, 50).toFixed(0)} ms (runs: ${ms}; target < 2000 ms); synthesis and variant alone ${percentile(synthesis, 50).toFixed(1)} ms`,
  );
  const imported = importedVariant(importTree(parser, dir));
  const driftRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    drift(imported.variant, VARIANTS[nearestHandWritten(version)], {
      version,
      facts: imported.facts.disagree,
      report: imported.report,
    });
    driftRuns.push(performance.now() - start);
  }
  console.log(
    `drift against ${nearestHandWritten(version)} (24 runs of both variants, aligned): median ${percentile(driftRuns, 50).toFixed(0)} ms`,
  );
  console.log(['file', 'lines', 'median ms'].join('\t'));
  for (const [file, names] of Object.entries(MODELLED)) {
    let source: string;
    try {
      source = readFileSync(join(dir, file), 'utf8');
    } catch {
      continue; // not in this tree
    }
    const fileRuns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      parseAndExtract(parser, source, file, names, { globals: WATCHED_GLOBALS });
      fileRuns.push(performance.now() - start);
    }
    console.log([file, source.split('\n').length, percentile(fileRuns, 50).toFixed(0)].join('\t'));
  }
}
