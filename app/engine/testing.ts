/**
 * Test helpers: run a scenario or fail loudly, read the state at interesting points,
 * and the fault matrix (every variant × vendor × fault point) the checker, advice and
 * footprint tests share.
 */
import { hex } from './bits';
import { runScenario, type RunResult } from './runner';
import {
  FAULT_POINTS,
  VARIANT_IDS,
  VENDORS,
  type FaultPoint,
  type FindingKind,
  type Vendor,
  type VariantId,
} from './ids';
import { EFFECTS } from './effects';
import type { MmuState } from './model/state';
import { stepsOf } from './variants/graph';
import type { VariantDef } from './variants/types';
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

/** Why a fault case ends as it does: each rule is one fact about the kernels or the proposals. */
export type FaultRule =
  | 'cleans-up'
  | 'never-reached'
  | 'percpu-leak'
  | 'alt-svm-double-free'
  | 'alt-no-unconfigure'
  | 'reset-never-ran'
  | 'fails-before-vendor'
  | 'nr-sptes-warn';

export interface FaultCase {
  kernel: VariantId;
  vendor: Vendor;
  at: FaultPoint;
  rule: FaultRule;
  /** The finding kinds the checker must report, each once, in trace order. */
  kinds: FindingKind[];
  why: string;
}

/** Before v6.1 (and in the v1 series and the alternative, of the 6.0 cycle) a failed register_shrinker() leaks the percpu counter. */
const LEAK_PERCPU_ON_SHRINKER_FAILURE: readonly VariantId[] = [
  'v5.19',
  'seed-p2',
  'seed-p3',
  'alt-configure-mmu',
  'v6.0',
  'bad-reset-after-setup',
  'bad-alt-no-unconfigure',
];
/** v6.13 removed the percpu counter and the shrinker (fe140e611d34). */
const NO_SHRINKER: readonly VariantId[] = ['latest', 'v7.1'];

function faultOutcome(
  kernel: VariantId,
  vendor: Vendor,
  at: FaultPoint,
): Omit<FaultCase, 'kernel' | 'vendor' | 'at'> {
  if (kernel === 'bad-create-before-configure')
    return {
      rule: 'nr-sptes-warn',
      kinds: ['stale-read', 'warn', 'error-return'],
      why: 'kvm_mmu_hardware_setup() runs before kvm_configure_mmu(): its WARN and -EIO end the load before any fault point',
    };
  if (NO_SHRINKER.includes(kernel) && (at === 'percpu_counter_init' || at === 'register_shrinker'))
    return {
      rule: 'never-reached',
      kinds: [],
      why: 'there is no percpu counter or shrinker since v6.13, so the fault never fires',
    };
  if (
    kernel === 'alt-configure-mmu' &&
    vendor === 'amd' &&
    at !== 'hardware_setup' &&
    at !== 'kmem_cache_create:pte_list_desc'
  )
    return {
      rule: 'alt-svm-double-free',
      kinds: ['double-free'],
      why: 'svm_hardware_setup()’s err: label reaches kvm_unconfigure_mmu() after the failed kvm_configure_mmu() destroyed its caches, whose pointers are never cleared',
    };
  if (at === 'register_shrinker' && LEAK_PERCPU_ON_SHRINKER_FAILURE.includes(kernel))
    return {
      rule: 'percpu-leak',
      kinds: ['leak'],
      why: 'before v6.1 a failed register_shrinker() returns without destroying the percpu counter',
    };
  if (kernel === 'bad-alt-no-unconfigure' && at === 'hardware_setup')
    return {
      rule: 'alt-no-unconfigure',
      kinds: ['leak'],
      why: 'nothing undoes kvm_configure_mmu()’s caches, counter and shrinker when hardware_setup() fails after it',
    };
  if (kernel === 'bad-reset-after-setup' && at === 'hardware_setup')
    return {
      rule: 'reset-never-ran',
      kinds: ['stale-read'],
      why: 'the reset, moved after hardware_setup(), never runs: the vendor’s mask writes read masks this load did not reset',
    };
  if (kernel === 'bad-reset-after-setup')
    return {
      rule: 'fails-before-vendor',
      kinds: [],
      why: 'the load fails in kvm_mmu_vendor_module_init(), before the vendor writes a mask, and unwinds completely',
    };
  return {
    rule: 'cleans-up',
    kinds: [],
    why: 'the error path releases everything the load set up',
  };
}

/** Every variant × vendor × fault point, with what the checker must find and why. */
export const FAULT_CASES: readonly FaultCase[] = VARIANT_IDS.flatMap((kernel) =>
  VENDORS.flatMap((vendor) =>
    FAULT_POINTS.map((at) => ({ kernel, vendor, at, ...faultOutcome(kernel, vendor, at) })),
  ),
);

const faultRuns = new Map<FaultCase, RunResult>();
/** The run of a fault case (once per test file). */
export function runFaultCase(c: FaultCase): RunResult {
  let r = faultRuns.get(c);
  if (!r) faultRuns.set(c, (r = mustRun(c.kernel, c.vendor, { fail: [{ at: c.at }] })));
  return r;
}

/** Finding kinds in trace order, each once. */
export const kindsOf = (r: RunResult): FindingKind[] => [...new Set(r.findings.map((f) => f.kind))];

/**
 * Model ids in text written for people: step ids, the places edits name ("fn@label"),
 * effect kinds (unless called, as the kernel functions some of them are named after),
 * step slugs ("kmem_cache_create:pte_list_desc"), event numbers and cache ids. URLs and
 * Message-IDs are left out first: their "@" and "/" are the archive's.
 */
export function modelIdsIn(text: string, variants: readonly VariantDef[]): string[] {
  const t = text.replace(/https?:\/\/\S+/g, ' ').replace(/<[^<>\s]+@[^<>\s]+>/g, ' ');
  const found: string[] = [];
  for (const v of variants)
    for (const f of Object.values(v.functions))
      for (const s of stepsOf(f, true)) if (t.includes(s.id)) found.push(s.id);
  for (const kind of Object.keys(EFFECTS))
    if (kind !== 'note' && new RegExp(`\\b${kind}\\b(?!\\()`).test(t)) found.push(kind);
  const patterns = [
    /\b\w+@\w+/g,
    /\b\w+:(?:pte_list_desc|kvm_mmu_page_header|reset|ept|svm)\b/g,
    /\bevents? \d+/gi,
    /#\d+/g,
  ];
  for (const re of patterns) found.push(...(t.match(re) ?? []));
  return [...new Set(found)];
}
