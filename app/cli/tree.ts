/**
 * The CLI commands that read kernel trees: `mmu import` (a tree or a linux-source tarball →
 * the imported variant and its drift from the nearest hand-written one) and `mmu review`
 * (a patch applied to a tree → the comparison review). They need Node and the parser, so
 * they live apart from cli.ts; mmu.ts sends them here. Bad input is a message and exit 2,
 * never a stack trace.
 */
import { loadAllVariants, VARIANTS, type VariantId } from '../engine';
import { drift, failableUnknownCalls, type DriftItem, type DriftReport } from '../import/drift';
import { importTree, nodeCParser, openTree, TreeInputError } from '../import/node';
import {
  importedVariant,
  nearestHandWritten,
  HAND_WRITTEN,
  type Imported,
} from '../import/pipeline';
import { ImportError } from '../import/synthesize';
import type { CliOutput } from './cli';
import { reviewCommand, REVIEW_USAGE } from './review';
import { parse, TreeCliError } from './treeArgs';

export const TREE_USAGE = `usage: mmu import <tree-dir | linux-source tarball> [--check] [--format text|json] [--against <variant>]
${REVIEW_USAGE}`;

export interface DriftJson {
  against: VariantId;
  aligned: DriftReport['aligned'];
  notes: number;
  unexplained: number;
  items: DriftItem[];
}

async function importFrom(path: string): Promise<Imported> {
  const tree = openTree(path);
  try {
    return importedVariant(importTree(await nodeCParser(), tree.dir));
  } finally {
    tree.dispose();
  }
}

const sideLine = (label: string, s: DriftItem['model']) =>
  s ? `    ${label} ${s.where}, ${s.src}` : `    ${label} —`;

export function driftText(d: DriftReport): string[] {
  const unexplained = d.items.filter((i) => !i.explained).length;
  const out = [
    `Drift against ${d.against} (${VARIANTS[d.against].title}): ${d.aligned.intel} steps line up on Intel, ${d.aligned.amd} on AMD; ${d.items.length} difference${d.items.length === 1 ? '' : 's'} in MMU steps and calls (${unexplained ? `${unexplained} NOT EXPLAINED` : 'all explained'}), ${d.notes} in steps that touch no MMU state.`,
  ];
  // Each explanation once, as a numbered note.
  const notes: string[] = [];
  const noteOf = (e: NonNullable<DriftItem['explained']>) => {
    const text = `${e.reason} (${e.source})`;
    const k = notes.indexOf(text);
    return k >= 0 ? k + 1 : notes.push(text);
  };
  for (const i of d.items)
    out.push(
      '',
      `  ${i.explained ? '' : '! '}${i.kind} ${i.what} [${i.vendors.join(', ')}]: ${i.detail}${i.explained ? ` — explained [${noteOf(i.explained)}]` : ' — NOT EXPLAINED (app/import/explained.ts)'}`,
      sideLine('model:', i.model),
      sideLine('tree: ', i.tree),
    );
  if (notes.length) out.push('', ...notes.map((n, k) => `[${k + 1}] ${n}`));
  return out;
}

function importText(r: Imported, d: DriftReport): string {
  const steps = r.data.functions.reduce(
    (n, f) => n + f.body.length + f.labels.reduce((m, l) => m + l.steps.length, 0),
    0,
  );
  const failable = failableUnknownCalls(r.report);
  const lines = [
    `Imported Linux ${r.version}: ${r.data.functions.length} bring-up functions, ${steps} steps; runs as ${r.id} with the era of ${r.era.tree}${r.facts.disagree.length ? ` and ${r.facts.disagree.length} fact(s) read in the tree` : ''}. The variant as data: --format json.`,
    '',
    ...driftText(d),
    '',
    `Era facts the tree shows: ${r.facts.agree.length + r.facts.disagree.length}, ${r.facts.disagree.length ? `${r.facts.disagree.length} differ from ${r.era.tree}’s` : 'all as the era says'}.`,
    '',
    `Guards the model does not know (their steps always run here): ${r.report.unknownGuards.length}`,
    ...r.report.unknownGuards.map(
      (g) => `  ${g.file}:${g.line} ${g.cond} (in ${g.fn}): ${g.steps.join(', ')}`,
    ),
    '',
    `Host checks the model's host always passes: ${r.report.hostChecks.length}`,
    ...r.report.hostChecks.map(
      (c) => `  ${c.file}:${c.line} ${c.exit} when ${c.cond} (in ${c.fn})`,
    ),
    '',
    `Unmodelled calls that can fail (shown as plain steps, never failed): ${failable.length}`,
    ...failable.map((c) => `  ${c.file}:${c.line} ${c.call} → ${c.onError} (in ${c.fn})`),
  ];
  for (const f of r.report.fallThrough)
    lines.push(
      `Note: ${f.fn} (${f.file}:${f.line}) runs into its label ${f.label} on success; the model runs label steps only on errors.`,
    );
  return lines.join('\n');
}

async function importCommand(
  argv: string[],
): Promise<{ out: string; code: number; text: boolean }> {
  const { values, positionals } = parse(
    argv,
    {
      check: { type: 'boolean' },
      format: { type: 'string' },
      against: { type: 'string' },
    },
    TREE_USAGE,
  );
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new TreeCliError(`--format must be text or json, not ${JSON.stringify(format)}`);
  if (positionals.length !== 1) throw new TreeCliError(TREE_USAGE);
  const against = values.against;
  if (against !== undefined && !HAND_WRITTEN.includes(against as VariantId))
    throw new TreeCliError(`--against must be one of ${HAND_WRITTEN.join(', ')}`);
  const r = await importFrom(positionals[0]!);
  const model = (against as VariantId | undefined) ?? nearestHandWritten(r.version);
  const d = drift(r.variant, VARIANTS[model], {
    version: r.version,
    facts: r.facts.disagree,
    report: r.report,
  });
  const unexplained = d.items.filter((i) => !i.explained).length;
  const code = values.check && unexplained ? 1 : 0;
  if (format === 'text') return { out: importText(r, d), code, text: true };
  const json = {
    ok: true,
    version: r.version,
    runsAs: r.id,
    era: r.era.tree,
    variant: r.data,
    drift: {
      against: d.against,
      aligned: d.aligned,
      notes: d.notes,
      unexplained,
      items: d.items,
    } satisfies DriftJson,
    facts: r.facts,
    report: r.report,
  };
  return { out: JSON.stringify(json), code, text: false };
}

/** `mmu import …` and `mmu review …`: output and exit code, never a throw for bad input. */
export async function runTreeCli(argv: string[]): Promise<CliOutput> {
  const [command, ...rest] = argv;
  const text = !rest.some(
    (a, k) => a === '--format=json' || (a === 'json' && rest[k - 1] === '--format'),
  );
  // A tree is compared with any built-in variant, the imported kernels' included.
  await loadAllVariants();
  try {
    const r = command === 'import' ? await importCommand(rest) : await reviewCommand(rest);
    return { stdout: r.out + '\n', stderr: '', code: r.code };
  } catch (e) {
    if (!(e instanceof TreeCliError || e instanceof TreeInputError || e instanceof ImportError))
      throw e;
    return text
      ? { stdout: '', stderr: `error: ${e.message}\n`, code: 2 }
      : { stdout: JSON.stringify({ ok: false, error: e.message }) + '\n', stderr: '', code: 2 };
  }
}
