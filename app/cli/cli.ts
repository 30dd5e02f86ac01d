/**
 * The headless CLI as a pure function (argv + input → output + exit code), so
 * tests exercise exactly what `npm run mmu` runs. See mmu.ts for the process glue.
 */
import { parseArgs } from 'node:util';
// The engine's own modules, not its index, and compare's and trace-check's code only
// when those commands run: a run loads less (docs/performance.md, "CLI start").
import { VARIANT_IDS } from '../engine/ids';
import { LIMITS } from '../engine/limits';
import { loadScenarioVariant } from '../engine/loading';
import { toJsonReport, toTextReport } from '../engine/report';
import { DEFAULT_BUDGET, type Budget } from '../engine/run/budget';
import { runScenario, type RunResult } from '../engine/runner';
import type { Result } from '../engine/scenario';
import { variantMeta } from '../engine/variants';

export const USAGE = `usage: mmu run <scenario.json|-> [--format json|text] [--fail-on-findings] [--budget <n>]
       mmu compare <left.json|-> <right.json|-> [--format text|markdown|mail|json] [--budget <n>]
       mmu trace-check <trace.txt|-> --kernel <id> --vendor <intel|amd> [--params k=v,...]
                       [--fail <point>[:<nth>]] [--forced <function>] [--format text|json]
       mmu variants [--format json|text]
--budget <n>: allow n times the default work and memory a run may take (${DEFAULT_BUDGET.us / 1e6} s, ${DEFAULT_BUDGET.bytes / 2 ** 30} GB)`;

export interface CliIo {
  /**
   * Reads a path, or stdin for "-", stopping as soon as it passes `limit` bytes;
   * throws a NodeJS.ErrnoException on failure (EFBIG: over the limit).
   */
  read(path: string, limit: number): string;
}

export interface CliOutput {
  stdout: string;
  stderr: string;
  code: number;
}

/** Output formats per command, the default first (variants takes run's). */
const FORMATS = {
  run: ['json', 'text'],
  compare: ['text', 'markdown', 'mail', 'json'],
  'trace-check': ['text', 'json'],
} as const;

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

/** The text of a file or stdin, read as far as `limit` bytes; `what` names it when it is larger. */
function readText(io: CliIo, path: string, limit: number, what: string): string {
  try {
    // A UTF-8 byte order mark is not part of the text (the app's file reader drops it too).
    return io.read(path, limit).replace(/^\uFEFF/, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EFBIG')
      throw new CliError(
        `${path === '-' ? 'stdin' : path}: too large: ${what} is at most ${limit} bytes (${limit / 1024} KiB)`,
      );
    throw new CliError(
      `${path}: cannot read (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})`,
    );
  }
}

/** The scenario at `path`, with the data of the kernel it names loaded (loadScenarioVariant). */
async function readScenario(io: CliIo, path: string): Promise<unknown> {
  const text = readText(io, path, LIMITS.maxScenarioBytes, 'a scenario');
  const name = path === '-' ? 'stdin' : path;
  if (!text.trim()) throw new CliError(`${name}: empty input, expected a scenario JSON object`);
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${name}: not valid JSON: ${locateJsonError((e as Error).message, text)}`);
  }
  await loadScenarioVariant(input);
  return input;
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

/** `--budget <n>`: n times the default budget. */
function budgetFor(given: string | undefined): Budget {
  if (given === undefined) return DEFAULT_BUDGET;
  const n = Number(given);
  if (!(n > 0) || !Number.isFinite(n))
    throw new CliError(`--budget must be a positive number, not ${JSON.stringify(given)}`);
  return { us: DEFAULT_BUDGET.us * n, bytes: DEFAULT_BUDGET.bytes * n };
}

/** A run's result, or the CliError that says why it did not run (and how to let it). */
function ran(result: Result<RunResult>, name = ''): RunResult {
  if (result.ok) return result.value;
  const raise =
    result.overBudget === undefined
      ? ''
      : ` (--budget ${Math.ceil(result.overBudget * 10) / 10} or more lets it run)`;
  throw new CliError(`${name}${result.error}${raise}`);
}

/** Two scenarios side by side: a review to paste into a reply (see docs/compare.md). */
async function compare(io: CliIo, files: string[], given: string | undefined, budget: Budget) {
  if (files.length !== 2) throw new CliError(USAGE);
  const format = formatFor('compare', given);
  const runs: RunResult[] = [];
  for (const path of files)
    // Say which of the two is wrong (read and parse errors already do).
    runs.push(
      ran(runScenario(await readScenario(io, path), budget), `${path === '-' ? 'stdin' : path}: `),
    );
  const [left, right] = runs as [RunResult, RunResult];
  const { compareJson, compareReport } = await import('../engine/compare/report');
  return {
    out:
      format === 'json'
        ? JSON.stringify(compareJson(left, right))
        : compareReport(left, right, { format }),
    code: 0,
  };
}

/** "tdp=false,hostCpus=1" → { tdp: false, hostCpus: 1 } (the scenario check says what is wrong). */
function parseParams(given: string | undefined): Record<string, unknown> {
  if (!given) return {};
  return Object.fromEntries(
    given.split(',').map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new CliError(`--params: expected key=value, got ${JSON.stringify(pair)}`);
      const value = pair.slice(eq + 1).trim();
      let parsed: unknown = value;
      try {
        parsed = JSON.parse(value);
      } catch {
        // A bare word ("1G") is a string.
      }
      return [pair.slice(0, eq).trim(), parsed];
    }),
  );
}

interface TraceCheckOptions {
  kernel?: string | undefined;
  vendor?: string | undefined;
  params?: string | undefined;
  fail?: string | undefined;
  forced?: string | undefined;
  format?: string | undefined;
}

/** A real function_graph capture against the model's run (docs/ground-truth.md). */
async function traceCheck(io: CliIo, files: string[], o: TraceCheckOptions) {
  if (files.length !== 1 || !o.kernel || !o.vendor)
    throw new CliError(`trace-check needs a trace, --kernel and --vendor\n${USAGE}`);
  const format = formatFor('trace-check', o.format);
  const [at, nth] = (o.fail ?? '').split(':');
  const path = files[0]!;
  const name = path === '-' ? 'stdin' : path;
  const scenario = {
    v: 1,
    kernel: o.kernel,
    vendor: o.vendor,
    params: parseParams(o.params),
    fail: at ? [{ at, ...(nth ? { nth: Number(nth) } : {}) }] : [],
  };
  await loadScenarioVariant(scenario);
  const { checkCapture } = await import('../engine/ftrace/capture');
  const { traceCheckJson, traceCheckText } = await import('../engine/ftrace/report');
  const checked = checkCapture(
    name,
    readText(io, path, LIMITS.maxCaptureBytes, 'a trace'),
    scenario,
    {
      skippedBodies: o.forced ? [o.forced] : [],
    },
  );
  if (!checked.ok)
    throw new CliError(checked.of === 'capture' ? `${name}: ${checked.error}` : checked.error);
  const { check, meta } = checked;
  return {
    out:
      format === 'json' ? JSON.stringify(traceCheckJson(check, meta)) : traceCheckText(check, meta),
    code: check.agrees ? 0 : 1,
  };
}

async function execute(argv: string[], io: CliIo): Promise<{ out: string; code: number }> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        format: { type: 'string' },
        'fail-on-findings': { type: 'boolean' },
        kernel: { type: 'string' },
        vendor: { type: 'string' },
        params: { type: 'string' },
        fail: { type: 'string' },
        forced: { type: 'string' },
        budget: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new CliError(`${(e as Error).message.split('. ')[0]}\n${USAGE}`);
  }
  const [command, ...files] = parsed.positionals;
  const v = parsed.values;
  const traceOnly = (['kernel', 'vendor', 'params', 'fail', 'forced'] as const).filter(
    (k) => v[k] !== undefined,
  );
  if (command === 'trace-check') {
    if (v['fail-on-findings']) throw new CliError('--fail-on-findings is for mmu run');
    return traceCheck(io, files, v);
  }
  if (traceOnly.length) throw new CliError(`--${traceOnly[0]} is for mmu trace-check`);
  if (command === 'compare') {
    if (parsed.values['fail-on-findings']) throw new CliError('--fail-on-findings is for mmu run');
    return compare(io, files, parsed.values.format, budgetFor(parsed.values.budget));
  }
  const format = formatFor('run', parsed.values.format);
  const [file, ...extra] = files;
  if (command === 'variants' && !file) {
    const list = VARIANT_IDS.map((id) => {
      const { kind, title, summary } = variantMeta(id);
      return { id, kind, title, summary };
    });
    return {
      out:
        format === 'json'
          ? JSON.stringify({ ok: true, variants: list })
          : list.map((v) => `${v.id.padEnd(28)} ${v.kind.padEnd(9)} ${v.title}`).join('\n'),
      code: 0,
    };
  }
  if (command !== 'run' || !file || extra.length) throw new CliError(USAGE);
  const budget = budgetFor(parsed.values.budget);
  const result = ran(runScenario(await readScenario(io, file), budget));
  const code = parsed.values['fail-on-findings'] && result.findings.length ? 1 : 0;
  return {
    out: format === 'json' ? JSON.stringify(toJsonReport(result)) : toTextReport(result),
    code,
  };
}

export async function runCli(argv: string[], io: CliIo): Promise<CliOutput> {
  // Errors are JSON unless a format for people was asked for.
  const text = ['text', 'markdown', 'mail'].some(
    (f) => argv.includes(f) || argv.includes(`--format=${f}`),
  );
  try {
    const { out, code } = await execute(argv, io);
    return { stdout: out + '\n', stderr: '', code };
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    return text
      ? { stdout: '', stderr: `error: ${e.message}\n`, code: 2 }
      : { stdout: JSON.stringify({ ok: false, error: e.message }) + '\n', stderr: '', code: 2 };
  }
}
