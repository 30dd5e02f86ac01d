/** The ordering checker: reads a finished trace and names the hazards in it. */
import type { Scenario } from '../scenario';
import type { Trace } from '../run/trace';
import type { VariantDef } from '../variants/types';
import { adviseFinding, type Advice } from './advice';
import { checkClobber } from './clobber';
import { makeContext, type Finding as CheckFinding, type Reference } from './context';
import { checkEndState, checkVmSetup } from './endState';
import { checkErrorReturn, checkWarn } from './errors';
import { checkLifecycle } from './lifecycle';
import { checkStaleRead } from './staleRead';

/** A hazard as the engine reports it: what a check found, plus what the kernel does about it. */
export type Finding = CheckFinding & Advice;
export type { Advice, Link } from './advice';
export type { Invariant, Reference } from './context';

/** `reference`: the same scenario on the unedited ordering, for the end-state check. */
export function check(
  variant: VariantDef,
  scenario: Scenario,
  trace: Trace,
  reference: Reference | null = null,
): Finding[] {
  const ctx = makeContext(variant, scenario, trace, reference);
  const ordering = [
    ...checkClobber(ctx),
    ...checkStaleRead(ctx),
    ...checkLifecycle(ctx),
    ...checkWarn(ctx),
    ...checkErrorReturn(ctx),
  ];
  const findings = [...ordering, ...checkEndState(ctx, ordering), ...checkVmSetup(ctx)];
  return findings
    .sort((a, b) => a.events[0]! - b.events[0]!)
    .map((f) => ({ ...f, ...adviseFinding(f, ctx) }));
}
