/**
 * Running a scenario: the edited variant, the machine that executes it, and the
 * checker over its trace. Pure and deterministic: the same scenario always gives
 * the same trace.
 */
import { check, type Finding } from './checker';
import { applyEdits } from './edits';
import { initialState } from './model/globals';
import { Machine, type FaultReport, type MachineResult } from './run/interpreter';
import type { Trace } from './run/trace';
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
  /** Gfns with the longest rmaps when the workload finished. */
  longestChains: number[];
}

/** A run in progress: the worker advances it a little at a time and streams the trace. */
export interface RunStream {
  readonly scenario: Scenario;
  readonly variant: VariantDef;
  readonly edits: string[];
  /** Grows as the run advances. */
  readonly trace: Trace;
  /** Runs one module operation or workload event; false once the run is over. */
  advance(): boolean;
  /** Runs to the end (if needed) and checks the trace. */
  finish(): RunResult;
}

/** `base`: the variant to run instead of the built-in one the scenario names (e.g. an imported kernel). */
export function startRun(
  scenario: Scenario,
  base: VariantDef = VARIANTS[scenario.kernel],
): Result<RunStream> {
  const applied = applyEdits(base, scenario.edits);
  if (!applied.ok) return { ok: false, error: `invalid scenario: ${applied.error}` };
  const variant = applied.value.variant;
  const machine = new Machine(variant, scenario, initialState(variant.shape, scenario.params));
  const steps = machine.steps();
  let done: MachineResult | null = null;
  const stream: RunStream = {
    scenario,
    variant,
    edits: applied.value.descriptions,
    trace: machine.trace,
    advance() {
      if (done) return false;
      const r = steps.next();
      if (r.done) done = r.value;
      return !r.done;
    },
    finish() {
      while (stream.advance());
      const m = done!;
      return {
        scenario,
        variant,
        trace: m.trace,
        findings: check(variant, scenario, m.trace),
        faults: m.faults,
        edits: applied.value.descriptions,
        notes: [...applied.value.warnings, ...m.notes],
        rmapCapacity: m.rmapCapacity,
        longestChains: m.longestChains,
      };
    },
  };
  return { ok: true, value: stream };
}

export function runValidated(scenario: Scenario, base?: VariantDef): Result<RunResult> {
  const stream = startRun(scenario, base);
  return stream.ok ? { ok: true, value: stream.value.finish() } : stream;
}

/** Validates then runs; never throws for bad input. */
export function runScenario(input: unknown): Result<RunResult> {
  const v = validateScenario(input);
  return v.ok ? runValidated(v.value) : v;
}
