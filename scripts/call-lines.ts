/**
 * npx tsx scripts/call-lines.ts <tree tag> <kernel tree dir> — (re)writes
 * app/engine/variants/trees/<tag>.calls.json: for each step of the hand-written variants
 * written from that tree, the line of its own call in its caller (app/import/callLines.ts).
 * The tree is a directory (or a linux-source tarball) with at least the Makefile and the
 * modelled files; copies exported from a git mirror to /tmp do (docs/kernel-model.md,
 * "Source lines"). Only step ids and line numbers are written.
 */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { DEFINITIONS, type KernelTree } from '../app/engine/variants/sources';
import { loadAllVariants, VARIANTS } from '../app/engine/variants/index';
import { callLines } from '../app/import/callLines';
import { importTree, nodeCParser, openTree } from '../app/import/node';
import { lineTable } from '../app/import/synthesize';

// The eras and the kernels' data load on demand, as in the worker (variants/index.ts, loadVariant).
await loadAllVariants();

const [tag, path] = process.argv.slice(2);
if (!tag || !path || !Object.hasOwn(DEFINITIONS, tag)) {
  console.error(`usage: call-lines.ts <${Object.keys(DEFINITIONS).join('|')}> <kernel tree>`);
  process.exit(2);
}
const tree = tag as KernelTree;
const opened = openTree(path);
try {
  const t = importTree(await nodeCParser(), opened.dir);
  if (`v${t.version}` !== tree && `v${t.version}` !== `${tree}.0`)
    throw new Error(`${path} is Linux ${t.version}, not ${tree}`);
  // The tree must be the one the definition lines were read from: every one of them agrees.
  const found = lineTable(t);
  for (const [name, [file, line]] of Object.entries(DEFINITIONS[tree])) {
    const at = found[name];
    if (!at || at[0] !== file || at[1] !== line)
      throw new Error(`${name}: ${file}:${line} in the model, ${at?.join(':') ?? 'absent'} here`);
  }
  const handWritten = Object.values(VARIANTS).filter(
    (v) => v.tree === tree && v.kind !== 'teaching',
  );
  const { lines, unmatched } = callLines(t, handWritten);
  const file = new URL(`../app/engine/variants/trees/${tree}.calls.json`, import.meta.url);
  const options = (await resolveConfig(file.pathname)) ?? {};
  writeFileSync(file, await format(JSON.stringify(lines), { ...options, parser: 'json' }));
  console.log(`${file.pathname}: ${Object.keys(lines).length} steps (Linux ${t.version})`);
  for (const u of unmatched) console.log(`  no line: ${u.id} (${u.why})`);
} finally {
  opened.dispose();
}
