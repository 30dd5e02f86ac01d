/**
 * npm run import:debian — (re)writes the committed data of the built-in v6.1 and v6.12
 * variants from Debian's trees (scripts/kernel-source.sh installs them):
 * app/engine/variants/trees/v<series>.json (the imported function tree: names, order,
 * line numbers) and v<series>.lines.json (the tree's line table). Run it when
 * app/import/debian-data.test.ts says that Debian's point release moved the lines.
 */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { debianTree, importTree, nodeCParser, type DebianSeries } from '../app/import/node';
import { lineTable, synthesize } from '../app/import/synthesize';

const OUT = new URL('../app/engine/variants/trees/', import.meta.url);
const parser = await nodeCParser();
for (const series of ['6.1', '6.12'] as DebianSeries[]) {
  const dir = debianTree(series);
  if (!dir) {
    console.error(`linux-source-${series} is not installed: run bash scripts/kernel-source.sh`);
    process.exitCode = 1;
    continue;
  }
  const tree = importTree(parser, dir);
  const { data } = synthesize(tree);
  for (const [name, value] of [
    [`v${series}.json`, data],
    [`v${series}.lines.json`, lineTable(tree)],
  ] as const) {
    const file = new URL(name, OUT);
    const options = (await resolveConfig(file.pathname)) ?? {};
    writeFileSync(file, await format(JSON.stringify(value), { ...options, parser: 'json' }));
    console.log(`${file.pathname}: ${tree.version}`);
  }
}
