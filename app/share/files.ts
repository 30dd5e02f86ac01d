/**
 * Scenario files (the CLI's JSON contract) and ftrace captures. Opening one checks it in
 * the engine first, so a bad file is explained and the current view is left alone.
 */
import {
  captureTooLarge,
  clipped,
  LIMITS,
  migrateScenario,
  type ScenarioInput,
} from '../engine/view';
import { notOpened, openLinkState, showNotice } from '../state/actions';
import { validateInWorker } from '../state/runner';
import { openTrace } from '../state/traceCheck';
import { minimalScenario, parseJson } from './codec';

/** Larger than any real scenario by far; anything bigger is not one (the CLI's limit too). */
export const MAX_FILE_BYTES = LIMITS.maxScenarioBytes;

/**
 * A file's text as the scenario it holds, migrated, not yet checked by the engine;
 * or why it is not one ("it …"). Never throws.
 */
export function scenarioFromText(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  // Characters never outnumber a UTF-8 file's bytes: within the byte limit is within this one.
  const parsed = parseJson(text, 'it', MAX_FILE_BYTES);
  // A file carries no format number: it gets every scenario migration (renamed step ids).
  return parsed.ok ? { ok: true, value: migrateScenario(parsed.value) } : parsed;
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

/** Reads, checks and opens a scenario file; returns the message shown to the user. */
export async function openScenarioFile(file: File): Promise<string> {
  const fail = (why: string) => {
    const message = notOpened(file.name, why);
    showNotice(message);
    return message;
  };
  if (file.size > MAX_FILE_BYTES)
    return fail(`it is ${file.size} bytes; a scenario is at most ${MAX_FILE_BYTES}`);
  const read = scenarioFromText(await file.text());
  if (!read.ok) return fail(read.error.replace(/^it /, ''));
  const scenario = read.value;
  const checked = await validateInWorker(scenario);
  if (!checked.ok) return fail(checked.error);
  openLinkState(
    { scenario: scenario as ScenarioInput, step: 0, view: 'single', gfn: null, compare: null },
    false,
  );
  const message = `Opened ${clipped(file.name, 80)}.`;
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
