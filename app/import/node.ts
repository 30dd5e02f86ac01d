/**
 * Node-only glue: loads the parser's wasm from node_modules, finds the kernel trees that
 * scripts/kernel-source.sh installs, and imports a tree's modelled files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
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

/** `make kernelversion` without make: VERSION.PATCHLEVEL.SUBLEVEL plus EXTRAVERSION. */
export function kernelVersion(treeDir: string): string {
  const makefile = readFileSync(join(treeDir, 'Makefile'), 'utf8');
  const v = (key: string) =>
    new RegExp(`^${key}[ \\t]*=[ \\t]*(.*)$`, 'm').exec(makefile)?.[1]?.trim() ?? '';
  if (!v('VERSION')) throw new Error(`${treeDir}/Makefile has no VERSION line: not a kernel tree`);
  return `${v('VERSION')}.${v('PATCHLEVEL')}.${v('SUBLEVEL')}${v('EXTRAVERSION')}`;
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
  return result;
}
