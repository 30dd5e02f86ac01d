/** What `mmu import` and `mmu review` share: their bad-input error and their argument parser. */
import { parseArgs } from 'node:util';

/** Bad input: printed as a message, exit 2. */
export class TreeCliError extends Error {}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** The command's arguments; an unknown or malformed option is a TreeCliError with `usage`. */
export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new TreeCliError(`${(e as Error).message.split('. ')[0]}\n${usage}`);
  }
}

/** `mmu import` and `mmu review`: the commands that read kernel trees (tree.ts). */
export const isTreeCommand = (argv: string[]): boolean =>
  argv[0] === 'import' || argv[0] === 'review';
