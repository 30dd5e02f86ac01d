/**
 * The C parser: web-tree-sitter with tree-sitter-c's grammar, from wasm bytes the caller
 * loads (node.ts reads them from node_modules; a worker would fetch them), so this module
 * runs anywhere.
 */
import type { Parser } from 'web-tree-sitter';
import { extractFile, type ExtractOptions } from './extract';
import type { FileExtraction } from './ir';

export interface GrammarWasm {
  /** web-tree-sitter's runtime, web-tree-sitter.wasm. */
  runtime: Uint8Array;
  /** The C grammar, tree-sitter-c.wasm. */
  grammar: Uint8Array;
}

let runtime: Promise<void> | null = null;

export async function createCParser(wasm: GrammarWasm): Promise<Parser> {
  // Loaded on first use: the built CLI's other commands run where web-tree-sitter is not
  // installed (dist-cli/mmu.js keeps it an import resolved at run time).
  const { Language, Parser } = await import('web-tree-sitter');
  // The runtime is one wasm instance per JS realm: initialise it once.
  runtime ??= Parser.init({ wasmBinary: wasm.runtime });
  await runtime;
  const parser = new Parser();
  parser.setLanguage(await Language.load(wasm.grammar));
  return parser;
}

/** Parses one C file and extracts the named functions; the syntax tree is freed afterwards. */
export function parseAndExtract(
  parser: Parser,
  source: string,
  file: string,
  names: readonly string[],
  o: ExtractOptions = {},
): FileExtraction {
  const tree = parser.parse(source);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${file}`);
  try {
    return extractFile(tree.rootNode, source, file, names, o);
  } finally {
    tree.delete();
  }
}
