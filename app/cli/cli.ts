/**
 * The headless CLI as a pure function (argv + input → output + exit code), so
 * tests exercise exactly what `npm run mmu` runs. See mmu.ts for the process glue.
 */
import { parseArgs } from 'node:util';
import { compareJson, compareReport, runScenario, VARIANTS, VARIANT_IDS } from '../engine';
import type { RunResult } from '../engine';
import { toJsonReport, toTextReport } from '../engine/report';

export const USAGE = `usage: mmu run <scenario.json|-> [--format json|text] [--fail-on-findings]
       mmu compare <left.json|-> <right.json|-> [--format text|markdown|json]
       mmu variants [--format json|text]`;

export interface CliIo {
  /** Reads a path, or stdin for "-"; throws a NodeJS.ErrnoException on failure. */
  read(path: string): string;
}

export interface CliOutput {
  stdout: string;
  stderr: string;
  code: number;
}

/** Output formats per command, the default first (variants takes run's). */
const FORMATS = { run: ['json', 'text'], compare: ['text', 'markdown', 'json'] } as const;

class CliError extends Error {}

/** "… at position 8" → "… at position 8 (line 1, column 9)", so people can find it. */
function locateJsonError(message: string, text: string): string {
  const m = /at position (\d+)/.exec(message);
  if (!m || /line \d+/.test(message)) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

function readScenario(io: CliIo, path: string): unknown {
  let text: string;
  try {
    text = io.read(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(
      `${path}: cannot read (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})`,
    );
  }
  const name = path === '-' ? 'stdin' : path;
  if (!text.trim()) throw new CliError(`${name}: empty input, expected a scenario JSON object`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${name}: not valid JSON: ${locateJsonError((e as Error).message, text)}`);
  }
}

/** The format asked for, or the command's default (its first). */
function formatFor<C extends keyof typeof FORMATS>(
  command: C,
  given: string | undefined,
): (typeof FORMATS)[C][number] {
  const allowed: readonly string[] = FORMATS[command];
  const format = given ?? allowed[0]!;
  if (!allowed.includes(format))
    throw new CliError(
      `--format must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, not ${JSON.stringify(format)}`,
    );
  return format as (typeof FORMATS)[C][number];
}

/** Two scenarios side by side: a review to paste into a reply (see docs/compare.md). */
function compare(io: CliIo, files: string[], given: string | undefined) {
  if (files.length !== 2) throw new CliError(USAGE);
  const format = formatFor('compare', given);
  const [left, right] = files.map((path) => {
    const result = runScenario(readScenario(io, path));
    // Say which of the two is wrong (read and parse errors already do).
    if (!result.ok) throw new CliError(`${path === '-' ? 'stdin' : path}: ${result.error}`);
    return result.value;
  }) as [RunResult, RunResult];
  return {
    out:
      format === 'json'
        ? JSON.stringify(compareJson(left, right))
        : compareReport(left, right, { format }),
    code: 0,
  };
}

function execute(argv: string[], io: CliIo): { out: string; code: number } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { format: { type: 'string' }, 'fail-on-findings': { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new CliError(`${(e as Error).message.split('. ')[0]}\n${USAGE}`);
  }
  const [command, ...files] = parsed.positionals;
  if (command === 'compare') {
    if (parsed.values['fail-on-findings']) throw new CliError('--fail-on-findings is for mmu run');
    return compare(io, files, parsed.values.format);
  }
  const format = formatFor('run', parsed.values.format);
  const [file, ...extra] = files;
  if (command === 'variants' && !file) {
    const list = VARIANT_IDS.map((id) => ({
      id,
      kind: VARIANTS[id].kind,
      title: VARIANTS[id].title,
      summary: VARIANTS[id].summary,
    }));
    return {
      out:
        format === 'json'
          ? JSON.stringify({ ok: true, variants: list })
          : list.map((v) => `${v.id.padEnd(28)} ${v.kind.padEnd(9)} ${v.title}`).join('\n'),
      code: 0,
    };
  }
  if (command !== 'run' || !file || extra.length) throw new CliError(USAGE);
  const result = runScenario(readScenario(io, file));
  if (!result.ok) throw new CliError(result.error);
  const code = parsed.values['fail-on-findings'] && result.value.findings.length ? 1 : 0;
  return {
    out:
      format === 'json' ? JSON.stringify(toJsonReport(result.value)) : toTextReport(result.value),
    code,
  };
}

export function runCli(argv: string[], io: CliIo): CliOutput {
  // Errors are JSON unless a format for people was asked for.
  const text = ['text', 'markdown'].some((f) => argv.includes(f) || argv.includes(`--format=${f}`));
  try {
    const { out, code } = execute(argv, io);
    return { stdout: out + '\n', stderr: '', code };
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    return text
      ? { stdout: '', stderr: `error: ${e.message}\n`, code: 2 }
      : { stdout: JSON.stringify({ ok: false, error: e.message }) + '\n', stderr: '', code: 2 };
  }
}
