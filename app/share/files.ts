/**
 * Scenario files (the CLI's JSON contract) and ftrace captures. Opening one checks it in
 * the engine first, so a bad file is explained and the current view is left alone.
 */
import { clipped, LIMITS, migrateScenario, type ScenarioInput } from '../engine/view';
import { captureTooLarge } from '../engine/viewDetails';
import { notOpened, openLinkState, showNotice } from '../state/actions';
import { validateInWorker } from '../state/runner';
import { openTrace } from '../state/traceCheck';
import { minimalScenario, parseJson } from './codec';

/** Larger than any real scenario by far; anything bigger is not one (the CLI's limit too). */
export const MAX_FILE_BYTES = LIMITS.maxScenarioBytes;

/** A scenario a file holds: the whole file, or one side of a comparison file. */
export interface FileScenario {
  side: 'left' | 'right' | null;
  scenario: ScenarioInput;
}

/**
 * A file's text as the scenarios it holds (one, or a comparison's two), each migrated and
 * not yet checked by the engine; or why it holds none ("it …"). Never throws.
 */
export function scenariosFromText(
  text: string,
): { ok: true; value: FileScenario[] } | { ok: false; error: string } {
  // Characters never outnumber a UTF-8 file's bytes: within the byte limit is within this one.
  const parsed = parseJson(text, 'it', MAX_FILE_BYTES);
  if (!parsed.ok) return parsed;
  // A file carries no format number: each scenario in it gets every scenario migration
  // (renamed step ids).
  const migrated = (x: unknown) => migrateScenario(x) as ScenarioInput;
  const pair = comparisonOf(parsed.value);
  return {
    ok: true,
    value: pair
      ? [
          { side: 'left', scenario: migrated(pair.left) },
          { side: 'right', scenario: migrated(pair.right) },
        ]
      : [{ side: null, scenario: migrated(parsed.value) }],
  };
}

export function scenarioFileName(s: ScenarioInput): string {
  return `kvm-mmu-${s.kernel}-${s.vendor}.json`.replace(/[^A-Za-z0-9._-]/g, '_');
}

export const scenarioFileText = (s: ScenarioInput): string =>
  JSON.stringify(minimalScenario(s), null, 2) + '\n';

/** Saves `text` as a download (no server involved). */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * A comparison file, as `mmu review --scenario` writes it: exactly `{ left, right }`, two
 * scenarios that open side by side in compare mode (docs/scenario.md, "Comparison files").
 */
function comparisonOf(value: unknown): { left: ScenarioInput; right: ScenarioInput } | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value).sort().join();
  if (keys !== 'left,right') return null;
  const { left, right } = value as Record<string, unknown>;
  const isObject = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x);
  return isObject(left) && isObject(right)
    ? { left: left as ScenarioInput, right: right as ScenarioInput }
    : null;
}

/** Reads, checks and opens a scenario (or comparison) file; returns the message shown to the user. */
export async function openScenarioFile(file: File): Promise<string> {
  const fail = (why: string) => {
    const message = notOpened(file.name, why);
    showNotice(message);
    return message;
  };
  if (file.size > MAX_FILE_BYTES)
    return fail(`it is ${file.size} bytes; a scenario is at most ${MAX_FILE_BYTES}`);
  const read = scenariosFromText(await file.text());
  if (!read.ok) return fail(read.error.replace(/^it /, ''));
  for (const { side, scenario } of read.value) {
    const checked = await validateInWorker(scenario);
    if (!checked.ok) return fail(side ? `its ${side} side: ${checked.error}` : checked.error);
  }
  const [first, second] = read.value.map((x) => x.scenario);
  openLinkState(
    second
      ? { scenario: first!, compare: second, step: 0, view: 'compare', gfn: null }
      : { scenario: first!, step: 0, view: 'single', gfn: null, compare: null },
    false,
  );
  const imported = read.value.map((x) => x.scenario.imported).find(Boolean);
  const name = clipped(file.name, 80);
  const message = imported
    ? `Opened ${name}: Linux ${imported.version} as the importer read it.`
    : `Opened ${name}${second ? ' side by side' : ''}.`;
  showNotice(message);
  return message;
}

/** Reads a function_graph capture; the trace view opens it once the worker has read it. */
export async function openTraceFile(file: File): Promise<void> {
  const tooLarge = captureTooLarge(file.size);
  if (tooLarge) return showNotice(notOpened(file.name, tooLarge));
  openTrace({ name: file.name, text: await file.text() });
}

/** A dropped file is a scenario if it is JSON, else a capture (whose reader says what it is not). */
export async function openDroppedFile(file: File): Promise<void> {
  const head = (await file.slice(0, 256).text()).trimStart();
  if (head.startsWith('{')) await openScenarioFile(file);
  else await openTraceFile(file);
}
