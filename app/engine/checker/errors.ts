/** warn: a kernel WARN fires. error-return: a load fails for a reason other than an injected fault. */
import { stepPhrase } from '../words';
import { pushUnique, type CheckContext, type Finding } from './context';

export function checkWarn(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const e of ctx.events)
    if (e.warn)
      pushUnique(out, {
        kind: 'warn',
        steps: [e.stepId ?? e.title],
        events: [e.index],
        message: `${stepPhrase(ctx.variant, e.stepId)}: ${e.warn}.`,
      });
  return out;
}

export function checkErrorReturn(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const e of ctx.events) {
    if (e.kind !== 'module' || !e.errno) continue;
    const op = ctx.op(e);
    const origin = ctx.events.find(
      (x) => x.moduleOp === e.moduleOp && x.kind === 'effect' && x.errno,
    );
    if (!origin || origin.injected) continue;
    pushUnique(out, {
      kind: 'error-return',
      steps: [origin.stepId ?? origin.title],
      events: [origin.index, e.index],
      message: `insmod ${op?.module} fails with -${e.errno}, returned by ${stepPhrase(ctx.variant, origin.stepId)}${origin.detail ? ` (${origin.detail})` : ''}; no fault was injected there.`,
    });
  }
  return out;
}
