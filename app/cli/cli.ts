/**
 * The headless CLI as a pure function (argv + input → output + exit code), so
 * tests exercise exactly what `npm run mmu` runs. See mmu.ts for the process glue.
 */
import { parseArgs } from 'node:util';
import { runScenario, VARIANTS, VARIANT_IDS } from '../engine';
import { toJsonReport, toTextReport } from '../engine/report';

export const USAGE = `usage: mmu run <scenario.json|-> [--format json|text] [--fail-on-findings]
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

type Format = 'json' | 'text';

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
  const format = (parsed.values.format ?? 'json') as Format;
  if (format !== 'json' && format !== 'text')
    throw new CliError(`--format must be json or text, not ${JSON.stringify(format)}`);
  const [command, file, ...extra] = parsed.positionals;
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
  const text = argv.includes('text') || argv.includes('--format=text');
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
