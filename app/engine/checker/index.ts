/** The ordering checker: reads a finished trace and names the hazards in it. */
import type { Scenario } from '../scenario';
import type { Trace } from '../run/trace';
import type { VariantDef } from '../variants/types';
import { adviseFinding, type Advice } from './advice';
import { checkClobber } from './clobber';
import { makeContext, type Finding as CheckFinding } from './context';
import { checkErrorReturn, checkWarn } from './errors';
import { checkLifecycle } from './lifecycle';
import { checkStaleRead } from './staleRead';

/** A hazard as the engine reports it: what a check found, plus what the kernel does about it. */
export type Finding = CheckFinding & Advice;
export type { Advice, Link } from './advice';

export function check(variant: VariantDef, scenario: Scenario, trace: Trace): Finding[] {
  const ctx = makeContext(variant, scenario, trace);
  const findings = [
    ...checkClobber(ctx),
    ...checkStaleRead(ctx),
    ...checkLifecycle(ctx),
    ...checkWarn(ctx),
    ...checkErrorReturn(ctx),
  ];
  return findings
    .sort((a, b) => a.events[0]! - b.events[0]!)
    .map((f) => ({ ...f, ...adviseFinding(f, ctx) }));
}
