/** Test helpers: run a scenario or fail loudly, and read the state at interesting points. */
import { hex } from './bits';
import { runScenario, type RunResult } from './runner';
import type { Vendor, VariantId } from './ids';
import type { MmuState } from './model/state';
import type { ScenarioInput } from './scenario';

export function mustRun(
  kernel: VariantId,
  vendor: Vendor,
  extra: Partial<ScenarioInput> = {},
): RunResult {
  const r = runScenario({ v: 1, kernel, vendor, ...extra });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

export const finalOf = (r: RunResult): MmuState => r.trace.stateAt(r.trace.length - 1);

export const hexMasks = (s: MmuState): Record<string, string> =>
  Object.fromEntries(Object.entries(s.masks).map(([k, v]) => [k, hex(v)]));

/** Index of the first event of step `what`: a full step id, or its part after the last "/". */
export function eventIndex(r: RunResult, what: string): number {
  const i = r.trace.events.findIndex(
    (e) => e.stepId === what || (e.stepId ?? '').endsWith(`/${what}`),
  );
  if (i < 0) throw new Error(`no event for step ${what}`);
  return i;
}

/** State right after the first event of step `what`. */
export const stateAfter = (r: RunResult, what: string): MmuState =>
  r.trace.stateAt(eventIndex(r, what));
