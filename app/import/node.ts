/**
 * Node-only glue: loads the parser's wasm from node_modules, finds the kernel trees that
 * scripts/kernel-source.sh installs, and imports a tree's modelled files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import type { TreeImport } from './ir';
import { MODELLED, OPS_FIELDS, WATCHED_GLOBALS } from './modelled';
import { createCParser, parseAndExtract, type GrammarWasm } from './parser';

const require = createRequire(import.meta.url);

export function nodeGrammarWasm(): GrammarWasm {
  return {
    runtime: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
    grammar: readFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm')),
  };
}

export const nodeCParser = (): Promise<Parser> => createCParser(nodeGrammarWasm());

/** Where scripts/kernel-source.sh puts the trees (keep the two in step). */
export function kernelCacheDir(): string {
  const env = process.env;
  return (
    env.KVM_MMU_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kvm-mmu-visualizer')
  );
}

export type DebianSeries = '6.1' | '6.12';

/** The installed tree of Debian's linux-source-<series>, or null when it is not installed. */
export function debianTree(series: DebianSeries): string | null {
  const dir = join(kernelCacheDir(), 'trees', `linux-source-${series}`);
  return existsSync(join(dir, '.debian-version')) ? dir : null;
}

/** Input that is not a kernel tree the importer can read: the message says why. */
export class TreeInputError extends Error {}

/** `make kernelversion` without make: VERSION.PATCHLEVEL.SUBLEVEL plus EXTRAVERSION. */
export function kernelVersion(treeDir: string): string {
  const path = join(treeDir, 'Makefile');
  if (!existsSync(path)) throw new TreeInputError(`${treeDir} has no Makefile: not a kernel tree`);
  const makefile = readFileSync(path, 'utf8');
  const v = (key: string) =>
    new RegExp(`^${key}[ \\t]*=[ \\t]*(.*)$`, 'm').exec(makefile)?.[1]?.trim() ?? '';
  if (!v('VERSION'))
    throw new TreeInputError(`${treeDir}/Makefile has no VERSION line: not a kernel tree`);
  return `${v('VERSION')}.${v('PATCHLEVEL')}.${v('SUBLEVEL')}${v('EXTRAVERSION')}`;
}

/**
 * A kernel tree from a directory, or from a linux-source tarball (any compression tar
 * reads): then only the Makefile and the modelled files are extracted, into a temporary
 * directory that `dispose()` removes.
 */
export function openTree(path: string): { dir: string; dispose(): void } {
  let kind: 'dir' | 'file';
  try {
    kind = statSync(path).isDirectory() ? 'dir' : 'file';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TreeInputError(
      `${path}: cannot read (${code === 'ENOENT' ? 'no such file or directory' : code})`,
    );
  }
  if (kind === 'dir') return { dir: path, dispose: () => {} };
  const tmp = mkdtempSync(join(tmpdir(), 'mmu-tree-'));
  const dispose = () => rmSync(tmp, { recursive: true, force: true });
  const members = ['Makefile', ...Object.keys(MODELLED)].flatMap((f) => [f, `*/${f}`]);
  try {
    execFileSync(
      'tar',
      ['-x', '-f', path, '-C', tmp, '--wildcards', '--no-wildcards-match-slash', ...members],
      { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 },
    );
  } catch (e) {
    // Files a tree does not have (vmx/main.c before v6.10) are "not found": that is fine.
    const stderr = String((e as { stderr?: Buffer }).stderr ?? '');
    const other = stderr
      .split('\n')
      .find((l) => l && !/Not found in archive|Exiting with failure/.test(l));
    if (other || !readdirSync(tmp).length) {
      dispose();
      throw new TreeInputError(
        `${path}: not a readable kernel source tarball (${(other ?? 'no kernel files in it').replace(/^tar: /, '')})`,
      );
    }
  }
  const top = readdirSync(tmp);
  const dir = existsSync(join(tmp, 'Makefile')) ? tmp : top.length === 1 ? join(tmp, top[0]!) : tmp;
  return { dir, dispose };
}

/** Parses every modelled file the tree has and extracts the modelled functions. */
export function importTree(parser: Parser, treeDir: string): TreeImport {
  const result: TreeImport = { version: kernelVersion(treeDir), files: [], absent: [] };
  for (const [file, names] of Object.entries(MODELLED)) {
    const path = join(treeDir, file);
    if (!existsSync(path)) {
      result.absent.push(file);
      continue;
    }
    const source = readFileSync(path, 'utf8');
    result.files.push(
      parseAndExtract(parser, source, file, names, {
        globals: WATCHED_GLOBALS,
        opsFields: OPS_FIELDS,
      }),
    );
  }
  if (!result.files.length)
    throw new TreeInputError(
      `${treeDir} has none of the files the model reads (${Object.keys(MODELLED).join(', ')})`,
    );
  return result;
}
