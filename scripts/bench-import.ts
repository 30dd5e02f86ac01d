/**
 * npm run bench:import — how long importing a Debian kernel tree takes: read, parse and
 * extract every modelled file (app/import), median of 5 runs per tree, plus the one-time
 * parser load (both wasm modules) and each file's share. Needs the trees from
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
import { percentile } from './percentile';

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
  let version = '';
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    version = importTree(parser, dir).version;
    runs.push(performance.now() - start);
  }
  const ms = runs.map((x) => x.toFixed(0)).join(', ');
  console.log(
    `\n${version}: whole import median ${percentile(runs, 50).toFixed(0)} ms (runs: ${ms}; target < 2000 ms)`,
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
