/**
 * The engine's public surface. Pure and deterministic: the same scenario always
 * gives the same trace. Runs in the worker, in Node (CLI, tests), never needs a DOM.
 */
import { check, type Finding } from './checker';
import { applyEdits } from './edits';
import { initialState } from './model/globals';
import { Machine, type FaultReport, type MachineResult } from './run/machine';
import type { Trace } from './run/trace';
import { ChainReplay, gfnHistory, type HistoryEntry } from './run/workload';
import type { ChainView } from './model/rmap';
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

export function startRun(scenario: Scenario): Result<RunStream> {
  const applied = applyEdits(VARIANTS[scenario.kernel], scenario.edits);
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

export function runValidated(scenario: Scenario): Result<RunResult> {
  const stream = startRun(scenario);
  return stream.ok ? { ok: true, value: stream.value.finish() } : stream;
}

/** Validates then runs; never throws for bad input. */
export function runScenario(input: unknown): Result<RunResult> {
  const v = validateScenario(input);
  return v.ok ? runValidated(v.value) : v;
}

/** Replays kept at once: each holds an rmap store (a few MB once it has descriptors). */
const KEPT_REPLAYS = 4;

/**
 * Answers chain queries for one run. Each gfn's history is computed once; the
 * last few gfns asked about keep their replay, so stepping on through the
 * workload only applies what happened since the previous step.
 */
export class ChainIndex {
  private readonly histories = new Map<number, HistoryEntry[]>();
  private readonly replays = new Map<number, ChainReplay>();
  constructor(private readonly result: RunResult) {}

  chainAt(gfn: number, eventIndex: number): ChainView {
    const r = this.result;
    const tick = r.trace.tickAt(eventIndex);
    if (tick === null || r.rmapCapacity === null) return { form: 'empty' };
    const alg = r.variant.rmap.algorithm;
    let replay = this.replays.get(gfn);
    if (!replay) {
      let h = this.histories.get(gfn);
      if (!h)
        this.histories.set(gfn, (h = gfnHistory(r.scenario.workload, alg, r.rmapCapacity, gfn)));
      replay = new ChainReplay(h, alg, r.rmapCapacity, gfn);
      this.replays.set(gfn, replay);
      if (this.replays.size > KEPT_REPLAYS) this.replays.delete(this.replays.keys().next().value!);
    }
    return replay.at(tick);
  }
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
export type { Advice, Link } from './checker';
export { align, alignEvents, orderingChanges, signature } from './compare/align';
export type { AlignedRow, OrderingChange, RowKind } from './compare/align';
export { compareFindings, compareRuns, diffStates, stateDiffs } from './compare/diff';
export type { CellDiff, Comparison, FindingsComparison, StateDiff } from './compare/diff';
export { compareJson, compareReport } from './compare/report';
export type { CompareFormat, CompareJson } from './compare/report';
