/**
 * Which ordering edit produced each finding. A finding present with all the edits
 * and gone when one edit is dropped comes from that edit (from each such edit, when
 * it needs several); one present without any edit is the kernel's own. That takes
 * one run per edit plus one without edits, each only the bring-up: a finding does
 * not depend on what the workload does, only on whether it creates a VM
 * (attribution.test.ts pins that), so a one-spte workload stands in for it.
 */
import type { Finding } from './checker';
import { findingKey } from './compare/diff';
import { runValidated, type RunResult } from './runner';
import type { Scenario, WorkloadOp } from './scenario';
import { VARIANTS } from './variants';
import type { VariantDef } from './variants/types';

export type FindingSource =
  /** Indices into the scenario's edits: dropping any one of them makes the finding go away. */
  | { from: 'edits'; edits: number[] }
  /** The kernel has it without any edit. */
  | { from: 'kernel' }
  /** The edits cause it, but no single one: it stays whichever one is dropped. */
  | { from: 'edits-together' };

export interface EditAttribution {
  /** One per finding of the run, in the run's order. */
  sources: FindingSource[];
  /** Edits that cannot be dropped alone (a later edit needs the place they made), with why. */
  untestable: { edit: number; reason: string }[];
}

/** Creates the VM as any workload does, at the cost of one fault. */
export const STAND_IN_WORKLOAD: WorkloadOp[] = [{ op: 'map', gfn: 0, sptes: 1 }];

/** The scenario with only these edits, and the stand-in for its workload. */
export const withOnlyEdits = (s: Scenario, edits: Scenario['edits']): Scenario => ({
  ...s,
  edits,
  workload: s.workload.length ? STAND_IN_WORKLOAD : [],
});

/** applyEdits()' error for the edits without edit `dropped`, with the edits numbered as the user knows them (from 1). */
const renumbered = (error: string, dropped: number): string =>
  error
    .replace(/^invalid scenario: /, '')
    .replace(
      /^edits\[(\d+)\]/,
      (_, k: string) => `edit ${Number(k) + (Number(k) >= dropped ? 2 : 1)}`,
    );

/** How many findings of each kind-and-steps a run has. */
function countKeys(findings: readonly Finding[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of findings) out.set(findingKey(f), (out.get(findingKey(f)) ?? 0) + 1);
  return out;
}

/**
 * Attributes `result`'s findings to its scenario's edits. A generator that yields
 * after each run, so the worker can slice the work and drop it for a newer run.
 */
export function* attributeFindings(
  result: RunResult,
  base: VariantDef = VARIANTS[result.scenario.kernel],
): Generator<void, EditAttribution> {
  const { scenario, findings } = result;
  const edits = scenario.edits;
  // The nth finding with a key is in another run if that run has at least n of that key.
  const seen = new Map<string, number>();
  const wanted = findings.map((f) => {
    const key = findingKey(f);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return { key, n };
  });
  const presentIn = (counts: Map<string, number>) =>
    wanted.map(({ key, n }) => (counts.get(key) ?? 0) >= n);

  if (edits.length === 0 || findings.length === 0)
    return { sources: findings.map(() => ({ from: 'kernel' })), untestable: [] };
  const bare = runValidated(withOnlyEdits(scenario, []), base);
  if (!bare.ok) throw new Error(`${scenario.kernel} does not run without edits: ${bare.error}`);
  const inKernel = presentIn(countKeys(bare.value.findings));
  yield;
  const causes: number[][] = findings.map(() => []);
  const untestable: EditAttribution['untestable'] = [];
  for (let i = 0; i < edits.length; i++) {
    const r = runValidated(
      withOnlyEdits(
        scenario,
        edits.filter((_, k) => k !== i),
      ),
      base,
    );
    if (!r.ok) untestable.push({ edit: i, reason: renumbered(r.error, i) });
    else presentIn(countKeys(r.value.findings)).forEach((p, f) => p || causes[f]!.push(i));
    yield;
  }
  return {
    sources: causes.map((c, f): FindingSource =>
      c.length
        ? { from: 'edits', edits: c }
        : inKernel[f]
          ? { from: 'kernel' }
          : { from: 'edits-together' },
    ),
    untestable,
  };
}
