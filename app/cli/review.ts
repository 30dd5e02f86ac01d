/**
 * `mmu review --tree DIR --patch FILE`: apply a patch to a copy of the files the model
 * reads (`git apply --check`, then `git apply`: all or nothing), import the tree before
 * and after, and print the comparison review of the two (compareReport / compareJson),
 * with a scenario file and a link that open the same comparison in the app.
 *
 * The patched side is said as ordering edits of the unpatched variant when it can be
 * (patchEdits.ts), so the link stays short and the app's ordering editor works on it;
 * otherwise the scenario carries the patched tree as imported data.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  compareJson,
  compareReport,
  runScenario,
  type RunResult,
  type ScenarioInput,
} from '../engine';
import { MODELLED } from '../import/modelled';
import { importTree, nodeCParser, openTree, TreeInputError } from '../import/node';
import { parsePatch, touches, type PatchedFile } from '../import/patch';
import { editsBetween } from '../import/patchEdits';
import { builtInOf, importedVariant } from '../import/pipeline';
import { encodeLink, LINK_LIMITS } from '../share/codec';
import { parse, TreeCliError } from './treeArgs';

export const REVIEW_USAGE = `       mmu review --tree <tree-dir | tarball> --patch <file> [--format text|markdown|json] [--vendor intel|amd] [--scenario <out.json>] [--app-url <url>]`;

/** Larger than any real KVM patch series by far. */
const MAX_PATCH_BYTES = 4 * 1024 * 1024;

/** A comparison the app opens from a file ("Open scenario") or a link: the two sides. */
export interface ComparisonFile {
  left: ScenarioInput;
  right: ScenarioInput;
}

function readPatch(path: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TreeCliError(`${path}: cannot read (${code === 'ENOENT' ? 'no such file' : code})`);
  }
  if (size > MAX_PATCH_BYTES)
    throw new TreeCliError(`${path}: ${size} bytes; a patch is at most ${MAX_PATCH_BYTES}`);
  return readFileSync(path, 'utf8');
}

/**
 * git apply in `dir`, all or nothing: --check first, then the same command. Only the
 * modelled files are applied (--include); each must then differ from before, so a path
 * git skipped is an error, not a silent partial application.
 */
function gitApply(dir: string, patch: string, files: PatchedFile[]): void {
  const strip = files.every((f) => f.prefixed) ? '-p1' : '-p0';
  const run = (check: boolean) =>
    execFileSync(
      'git',
      [
        'apply',
        strip,
        ...(check ? ['--check'] : []),
        ...files.map((f) => `--include=${f.path}`),
        patch,
      ],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, GIT_DIR: '/nonexistent' },
      },
    );
  const before = files.map((f) => readFileSync(join(dir, f.path), 'utf8'));
  try {
    run(true);
    run(false);
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? e);
    const lines = stderr.split('\n').filter(Boolean).slice(0, 4).join('; ');
    throw new TreeCliError(`the patch does not apply to this tree (nothing was applied): ${lines}`);
  }
  const unchanged = files.filter((f, k) => readFileSync(join(dir, f.path), 'utf8') === before[k]);
  if (unchanged.length)
    throw new TreeCliError(
      `the patch was not applied to ${unchanged.map((f) => f.path).join(', ')}: its paths do not name the tree's files`,
    );
}

/** Copies the Makefile and the modelled files of `tree` to a new directory. */
function copyModelled(tree: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmu-review-'));
  for (const file of ['Makefile', ...Object.keys(MODELLED)]) {
    const from = join(tree, file);
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(from, join(dir, file));
  }
  return dir;
}

function mustRun(s: ScenarioInput, side: string): RunResult {
  const r = runScenario(s);
  if (!r.ok) throw new TreeCliError(`the ${side} side does not run: ${r.error}`);
  return r.value;
}

export async function reviewCommand(argv: string[]): Promise<{ out: string; code: number }> {
  const { values, positionals } = parse(
    argv,
    {
      tree: { type: 'string' },
      patch: { type: 'string' },
      format: { type: 'string' },
      vendor: { type: 'string' },
      scenario: { type: 'string' },
      'app-url': { type: 'string' },
    },
    `usage: ${REVIEW_USAGE.trim()}`,
  );
  if (positionals.length || !values.tree || !values.patch)
    throw new TreeCliError(`mmu review needs --tree and --patch\n${REVIEW_USAGE.trim()}`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'markdown' && format !== 'json')
    throw new TreeCliError(
      `--format must be text, markdown or json, not ${JSON.stringify(format)}`,
    );
  const vendor = values.vendor ?? 'intel';
  if (vendor !== 'intel' && vendor !== 'amd')
    throw new TreeCliError(`--vendor must be intel or amd, not ${JSON.stringify(vendor)}`);

  const text = readPatch(values.patch);
  const files = parsePatch(text);
  if (!files) throw new TreeCliError(`${values.patch}: not a patch (no unified diff in it)`);
  const modelled = files.filter((f) => Object.hasOwn(MODELLED, f.path));
  const others = files.filter((f) => !Object.hasOwn(MODELLED, f.path)).map((f) => f.path);
  if (!modelled.length)
    throw new TreeCliError(
      `the patch touches none of the files the model reads (it changes ${files.map((f) => f.path).join(', ')})`,
    );

  const tree = openTree(values.tree);
  const work = copyModelled(tree.dir);
  try {
    const parser = await nodeCParser();
    const beforeTree = importTree(parser, tree.dir);
    const before = importedVariant(beforeTree);
    const extracted = beforeTree.files.flatMap((f) => f.functions);
    const bringUp = new Set(before.data.functions.map((f) => f.name));
    const changed = extracted.filter(
      (f) =>
        bringUp.has(f.name) &&
        modelled.some((p) => p.path === f.file && touches(p, f.line, f.endLine)),
    );
    if (!changed.length)
      throw new TreeCliError(
        `the patch changes no function of the bring-up the model reads (it changes ${modelled.map((f) => f.path).join(', ')} outside ${[...bringUp].length} modelled functions)`,
      );
    const patchFile = join(work, '.review.patch');
    writeFileSync(patchFile, text);
    const missing = modelled.filter((f) => !existsSync(join(work, f.path)));
    if (missing.length)
      throw new TreeCliError(
        `the patch changes ${missing.map((f) => f.path).join(', ')}, which this tree does not have`,
      );
    gitApply(work, patchFile, modelled);
    const after = importedVariant(importTree(parser, work));

    const situation = {
      v: 1 as const,
      vendor: vendor as 'intel' | 'amd',
      modules: ['load kvm', `load kvm_${vendor}`, `unload kvm_${vendor}`],
    };
    const base = builtInOf(before);
    const left: ScenarioInput = base
      ? { ...situation, kernel: base }
      : { ...situation, kernel: before.id, imported: before.data };
    const edits = base ? editsBetween(before.variant, after.variant) : null;
    const right: ScenarioInput = edits
      ? { ...left, edits }
      : { ...situation, kernel: after.id, imported: after.data };
    const l = mustRun(left, 'unpatched');
    const r = mustRun(right, 'patched');

    const comparison: ComparisonFile = { left, right };
    const link = encodeLink({
      scenario: left,
      compare: right,
      view: 'compare',
      step: 0,
      gfn: null,
    });
    const linkFits = link.length - 1 <= LINK_LIMITS.hashChars;
    if (values.scenario) writeFileSync(values.scenario, JSON.stringify(comparison, null, 2) + '\n');
    const where = {
      changed: changed.map((f) => `${f.name} (${f.file}:${f.line})`),
      notApplied: others,
      patchedAs: edits ? 'edits' : 'imported',
      scenario: values.scenario ?? null,
      link: linkFits ? `${values['app-url'] ?? ''}${link}` : null,
    };
    if (format === 'json')
      return {
        out: JSON.stringify({ ...compareJson(l, r), review: where, comparison }),
        code: 0,
      };
    const review = compareReport(l, r, { format });
    const md = format === 'markdown';
    const tail = [
      '',
      md ? '#### In the app' : 'In the app',
      '',
      `The patch changes ${where.changed.join(', ')}. The patched side is ${edits ? (edits.length ? `${edits.length} ordering edit${edits.length === 1 ? '' : 's'} of ${base}` : `${base} itself (the patch changes no step)`) : `the patched tree itself, carried as imported data (${base ? 'its change is not only a reordering' : 'the tree is not a built-in one'})`}.`,
      ...(others.length
        ? ['', `Not applied (files the model does not read): ${others.join(', ')}.`]
        : []),
      '',
      values.scenario
        ? `Scenario file (Open scenario in the app): ${values.scenario}`
        : 'Scenario file: pass --scenario <out.json> to write one (Open scenario in the app opens it).',
      linkFits
        ? `Link: ${values['app-url'] ?? '<the app’s address>'}${link}`
        : `Link: the comparison is too large for a link (${link.length} characters; the limit is ${LINK_LIMITS.hashChars}); open the scenario file instead.`,
    ];
    return { out: review + '\n' + tail.join('\n'), code: 0 };
  } catch (e) {
    if (e instanceof TreeInputError) throw new TreeCliError(e.message);
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
    tree.dispose();
  }
}
