/**
 * The engine's public surface. Pure and deterministic: the same scenario always
 * gives the same trace. Runs in the worker, in Node (CLI, tests), never needs a DOM.
 */
import { check, type Finding } from './checker';
import { applyEdits } from './edits';
import { initialState } from './model/globals';
import { Machine, type FaultReport } from './run/machine';
import type { Trace } from './run/trace';
import { chainAt } from './run/workload';
import { validateScenario, type Result, type Scenario } from './scenario';
import { VARIANTS } from './variants';
import type { VariantDef } from './variants/types';

export interface RunResult {
  scenario: Scenario;
  /** The variant as run: the built-in one with the scenario's edits applied. */
  variant: VariantDef;
  trace: Trace;
  findings: Finding[];
  faults: FaultReport[];
  /** Readable lines, one per edit. */
  edits: string[];
  /** Things worth knowing that are not findings (unreached faults, skipped workload, edit consequences). */
  notes: string[];
  /** Descriptor capacity the VM used, when the workload ran. */
  rmapCapacity: number | null;
}

export function runValidated(scenario: Scenario): Result<RunResult> {
  const applied = applyEdits(VARIANTS[scenario.kernel], scenario.edits);
  if (!applied.ok) return { ok: false, error: `invalid scenario: ${applied.error}` };
  const variant = applied.value.variant;
  const machine = new Machine(variant, scenario, initialState(variant.shape, scenario.params));
  const m = machine.run();
  return {
    ok: true,
    value: {
      scenario,
      variant,
      trace: m.trace,
      findings: check(variant, scenario, m.trace),
      faults: m.faults,
      edits: applied.value.descriptions,
      notes: [...applied.value.warnings, ...m.notes],
      rmapCapacity: m.rmapCapacity,
    },
  };
}

/** Validates then runs; never throws for bad input. */
export function runScenario(input: unknown): Result<RunResult> {
  const v = validateScenario(input);
  return v.ok ? runValidated(v.value) : v;
}

/** A gfn's rmap chain as it stood after trace event `eventIndex`. */
export function chainAtEvent(result: RunResult, gfn: number, eventIndex: number) {
  const events = result.trace.events;
  let tick = 0;
  for (let i = Math.min(eventIndex, events.length - 1); i >= 0; i--) {
    const t = events[i]!.tick;
    if (t !== undefined) {
      tick = t;
      break;
    }
    if (events[i]!.fn === 'kvm_destroy_vm') return { form: 'empty' as const };
  }
  if (result.rmapCapacity === null || tick === 0) return { form: 'empty' as const };
  return chainAt(
    result.scenario.workload,
    result.variant.rmap.algorithm,
    result.rmapCapacity,
    gfn,
    tick,
  );
}

export { VARIANTS } from './variants';
export { validateScenario, DEFAULT_SCENARIO_INPUT, DEFAULT_PARAMS, LIMITS } from './scenario';
export type { Scenario, ScenarioInput, Result, Edit, WorkloadOp, Params } from './scenario';
export type { Finding } from './checker';
export type { TraceEvent, Origin } from './run/trace';
export { Trace } from './run/trace';
export type { MmuState, KmemCache, RmapSummary, Change } from './model/state';
export type { ChainView, DescView } from './model/rmap';
export type { VariantDef, FunctionDef, StepDef, Source } from './variants/types';
export { sourceUrl, sourceLabel } from './variants/sources';
export * from './ids';
export { hex } from './bits';
