/**
 * npm run import:quality — how well tree-sitter parses unpreprocessed kernel C, as markdown
 * for docs/importer.md: ERROR and MISSING nodes per modelled file, and for each modelled
 * function whether it was found, where, and which parse errors lie inside it. Needs the trees
 * from scripts/kernel-source.sh.
 */
import { debianTree, importTree, nodeCParser, type DebianSeries } from '../app/import/node';
import type { TreeImport } from '../app/import/ir';

const parser = await nodeCParser();
const trees: [DebianSeries, TreeImport][] = [];
for (const s of ['6.1', '6.12'] as const) {
  const dir = debianTree(s);
  if (!dir) {
    console.error(`linux-source-${s} is not installed: run bash scripts/kernel-source.sh`);
    process.exitCode = 1;
    continue;
  }
  trees.push([s, importTree(parser, dir)]);
}

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const count = (errors: { kind: string }[], kind: string) =>
  errors.filter((e) => e.kind === kind).length;

for (const [, t] of trees) {
  console.log(`\n### ${t.version}: files\n`);
  console.log(row(['file', 'lines', 'ERROR', 'MISSING', 'modelled found', 'of these with errors']));
  console.log(row(['---', '---:', '---:', '---:', '---:', '---:']));
  for (const f of t.files) {
    const damaged = f.functions.filter((fn) => fn.errors.length).length;
    console.log(
      row([
        f.file,
        f.lines,
        count(f.errors, 'ERROR'),
        count(f.errors, 'MISSING'),
        f.functions.length,
        damaged,
      ]),
    );
  }
  if (t.absent.length) console.log(`\nNot in this tree: ${t.absent.join(', ')}.`);

  console.log(`\n### ${t.version}: modelled functions\n`);
  console.log(row(['function', 'file:line', 'header', 'errors inside (kind@line)']));
  console.log(row(['---', '---', '---', '---']));
  for (const f of t.files)
    for (const fn of f.functions)
      console.log(
        row([
          fn.name,
          `${f.file.replace('arch/x86/kvm/', '')}:${fn.line}`,
          fn.header,
          fn.errors.map((e) => `${e.kind}@${e.line}`).join(' ') || '–',
        ]),
      );
  const missing = t.files.flatMap((f) => f.missing.map((n) => `${n} (${f.file.split('/').pop()})`));
  console.log(`\nNot defined in this tree: ${missing.join(', ') || 'none'}.`);
}
