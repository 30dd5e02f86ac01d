/**
 * Running a scenario: the edited variant, the machine that executes it, and the
 * checker over its trace. Pure and deterministic: the same scenario always gives
 * the same trace.
 */
import { check, type Finding, type Reference } from './checker';
import { applyEdits } from './edits';
import { PTE_LIST_EXT } from './constants';
import { initialState } from './model/globals';
import {
  COST_US,
  DEFAULT_BUDGET,
  EVENT_BYTES,
  metered,
  OverBudget,
  WorkMeter,
  type Budget,
} from './run/budget';
import { estimateCost, overBudget } from './run/cost';
import { Machine, type FaultReport, type MachineResult } from './run/interpreter';
import type { Trace } from './run/trace';
import { validateScenario, type Result, type Scenario } from './scenario';
import { SHIPPED, shippedEra, VARIANTS } from './variants';
import { importedSource, variantFromImport } from './variants/imported';
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
  /**
   * Runs one module operation or workload event, or a turn's worth of a long one;
   * false once the run is over. Throws OverBudget when the run goes over its budget.
   */
  advance(): boolean;
  /** The share of the estimated work done, 0 to 1 (1 once the run is over). */
  progress(): number;
  /** Runs to the end (if needed) and checks the trace. */
  finish(): RunResult;
}

/** A run refused or stopped for its cost, as a failed Result. */
const refusal = (e: OverBudget) => ({ ok: false as const, error: e.message, overBudget: e.factor });

/** The variant a scenario runs: the built-in one, or its imported tree with that kernel's era. */
export function scenarioVariant(scenario: Scenario): Result<VariantDef> {
  const data = scenario.imported;
  if (!data) return { ok: true, value: VARIANTS[scenario.kernel] };
  if (!SHIPPED.includes(scenario.kernel))
    return {
      ok: false,
      error: `invalid scenario: an imported tree runs with a shipped kernel's era, and ${scenario.kernel} is not one (${SHIPPED.join(', ')})`,
    };
  const era = shippedEra(scenario.kernel);
  const built = variantFromImport(
    era,
    {
      id: scenario.kernel,
      title: `${data.version} (imported, as ${scenario.kernel})`,
      kind: 'shipped',
      summary: `Linux ${data.version} as the importer read it (docs/importer.md), run with the facts of ${scenario.kernel}.`,
      sources: [importedSource(data.version, 'arch/x86/kvm/mmu/mmu.c')],
    },
    data,
  );
  return built.ok ? built : { ok: false, error: `invalid scenario: imported: ${built.error}` };
}

/** Each unedited variant's last reference run (the checker only reads it), by its inputs. */
const referenceTraces = new WeakMap<VariantDef, { key: string; trace: Trace }>();

/**
 * The ordering the edits started from — the run's base without the scenario's edits, or
 * a teaching variant's own base — run on the same scenario without its workload, so the
 * checker can say which step the edits left out (checker/endState.ts). Null: no edits.
 */
function referenceRun(scenario: Scenario, base: VariantDef): Reference | null {
  const unedited = base.edits && base.base ? VARIANTS[base.base] : base;
  if (unedited === base && scenario.edits.length === 0) return null;
  // Without its workload and edits a run reads only these: successive edits share one reference.
  const key = JSON.stringify([scenario.modules, scenario.params, scenario.fail]);
  const kept = referenceTraces.get(unedited);
  if (kept?.key === key) return { variant: unedited, trace: kept.trace };
  const s: Scenario = { ...scenario, workload: [], edits: [] };
  const trace = new Machine(unedited, s, initialState(unedited.shape, s.params)).run().trace;
  referenceTraces.set(unedited, { key, trace });
  return { variant: unedited, trace };
}

/**
 * Starts a run within `budget`: refused at once when its estimated cost is over
 * it, metered while it runs (see run/budget.ts). `base`: the variant to run
 * instead of the one the scenario names (tests build their own).
 */
export function startRun(
  scenario: Scenario,
  base?: VariantDef,
  budget: Budget = DEFAULT_BUDGET,
): Result<RunStream> {
  const named = base ? { ok: true as const, value: base } : scenarioVariant(scenario);
  if (!named.ok) return named;
  const applied = applyEdits(named.value, scenario.edits);
  if (!applied.ok) return { ok: false, error: `invalid scenario: ${applied.error}` };
  const variant = applied.value.variant;
  // nr_sptes_per_pte_list can be as small as 2 (with TDP): the costliest the variant can be.
  const capacity = variant.rmap.capacity === 'PTE_LIST_EXT' ? PTE_LIST_EXT : 2;
  const cost = estimateCost(scenario, variant.rmap.algorithm, capacity);
  const refused = overBudget(cost, budget);
  if (refused) return refusal(refused);
  const meter = new WorkMeter(budget, cost.us);
  const machine = new Machine(variant, scenario, initialState(variant.shape, scenario.params));
  const steps = machine.steps();
  let done: MachineResult | null = null;
  let traced = 0;
  const stream: RunStream = {
    scenario,
    variant,
    edits: applied.value.descriptions,
    trace: machine.trace,
    advance() {
      if (done) return false;
      const r = metered(meter, () => steps.next());
      if (r.done) done = r.value;
      const events = machine.trace.length - traced;
      traced += events;
      meter.charge(events * COST_US.event);
      meter.grow(events * EVENT_BYTES);
      return !r.done;
    },
    progress: () => (done ? 1 : meter.progress()),
    finish() {
      while (stream.advance());
      const m = done!;
      return {
        scenario,
        variant,
        trace: m.trace,
        findings: check(variant, scenario, m.trace, referenceRun(scenario, named.value)),
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

export function runValidated(
  scenario: Scenario,
  base?: VariantDef,
  budget?: Budget,
): Result<RunResult> {
  const stream = startRun(scenario, base, budget);
  if (!stream.ok) return stream;
  try {
    return { ok: true, value: stream.value.finish() };
  } catch (e) {
    if (e instanceof OverBudget) return refusal(e);
    throw e;
  }
}

/** Validates then runs within `budget`; never throws for bad input. */
export function runScenario(input: unknown, budget?: Budget): Result<RunResult> {
  const v = validateScenario(input);
  return v.ok ? runValidated(v.value, undefined, budget) : v;
}
