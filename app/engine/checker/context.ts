/** What every check needs: the trace, the state before each event, and which module op ran it. */
import { effectFootprint } from '../effects';
import type { FindingKind, ModuleName, VendorOps } from '../ids';
import { CONFIG } from '../model/globals';
import { applyChange, cloneState, type CellValue, type MmuState } from '../model/state';
import type { ModuleOp, Scenario } from '../scenario';
import type { Trace, TraceEvent } from '../run/trace';
import { moduleEntry, reachable, stepsOf } from '../variants/graph';
import type { VariantDef } from '../variants/types';

/** Kernel invariants an end state can break (end-state.ts); the advice answers each. */
export type Invariant = 'tdp' | 'ops' | 'masks' | 'caches';

/** A hazard as a check reports it; check() adds the advice (see index.ts). */
export interface Finding {
  kind: FindingKind;
  /** Step ids involved, most relevant first (the UI jumps to the first event). */
  steps: string[];
  events: number[];
  message: string;
  /** For missing-step, end-state and vm-setup: the invariants the end state breaks. */
  invariants?: Invariant[];
}

/** The same scenario on the ordering the edits started from, without its workload. */
export interface Reference {
  variant: VariantDef;
  trace: Trace;
}

export interface CheckContext {
  variant: VariantDef;
  /** What the unedited ordering does (null when the run has no edits): end-state.ts compares with it. */
  reference: Reference | null;
  scenario: Scenario;
  trace: Trace;
  events: readonly TraceEvent[];
  /** before[i]: the state just before event i. */
  before(i: number): MmuState;
  /** The state just after event i, without a copy (trace.stateAt() makes one). */
  after(i: number): MmuState;
  op(e: TraceEvent): ModuleOp | null;
  /** Value a fresh module load gives a global. */
  pristine(name: string): CellValue | undefined;
  /** Globals that are module params (their load-time value is the user's input, not "unset"). */
  isParam(name: string): boolean;
  /** Everything a step reachable from the module's init or exit may write, by global. */
  staticWriters(module: ModuleName, entry: 'init' | 'exit'): Map<string, Set<string>>;
}

export function makeContext(
  variant: VariantDef,
  scenario: Scenario,
  trace: Trace,
  reference: Reference | null = null,
): CheckContext {
  const events = trace.events;
  const states: MmuState[] = [];
  const running = cloneState(trace.initial);
  for (const e of events) {
    states.push(cloneState(running));
    for (const c of e.changes) applyChange(running, c);
  }
  const writerCache = new Map<string, Map<string, Set<string>>>();
  return {
    variant,
    reference,
    scenario,
    trace,
    events,
    before: (i) => states[i]!,
    after: (i) => states[i + 1] ?? running,
    op: (e) => (e.moduleOp >= 0 ? (scenario.modules[e.moduleOp] ?? null) : null),
    pristine(name) {
      if (name in trace.initial.masks) return 0n;
      if (name in trace.initial.pointers) return null;
      const spec = CONFIG[name];
      return spec ? spec.initial(scenario.params) : trace.initial.lifecycle[name];
    },
    isParam: (name) => CONFIG[name]?.param === true,
    staticWriters(module, entry) {
      const key = `${module}:${entry}`;
      let m = writerCache.get(key);
      if (!m) writerCache.set(key, (m = collectWriters(variant, module, entry)));
      return m;
    },
  };
}

function collectWriters(
  v: VariantDef,
  module: ModuleName,
  entry: 'init' | 'exit',
): Map<string, Set<string>> {
  const vendor: VendorOps = module === 'kvm_amd' ? 'svm' : 'vmx';
  const out = new Map<string, Set<string>>();
  for (const f of reachable(v, [moduleEntry(v, module)[entry]], { module, withLabels: true }))
    for (const s of stepsOf(f, true)) {
      if ('call' in s.op) continue;
      for (const g of effectFootprint(s.op.effect, { vendor, physSource: v.shape.physSource })
        .writes) {
        if (!out.has(g)) out.set(g, new Set());
        out.get(g)!.add(s.id);
      }
    }
  return out;
}

/** Adds a finding unless one of the same kind already names the same steps. */
export function pushUnique(out: Finding[], f: Finding): void {
  const key = `${f.kind}|${f.steps.join(',')}`;
  if (!out.some((g) => `${g.kind}|${g.steps.join(',')}` === key)) out.push(f);
}

/** "kvm_arch_init@out/kmem_cache_destroy#2" → what "kmem_cache_destroy", where "kvm_arch_init@out". */
export function splitStepId(stepId: string): { what: string; where: string } {
  const slash = stepId.lastIndexOf('/');
  return { what: stepId.slice(slash + 1).replace(/#\d+$/, ''), where: stepId.slice(0, slash) };
}
