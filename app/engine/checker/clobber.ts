/**
 * clobber: a reset to defaults overwrites what the vendor wrote earlier in the same
 * load (kernel-facts.md invariant 1: the reset must precede every vendor mask write).
 */
import { hex } from '../bits';
import { eventName, placeWords, stepPhrase } from '../words';
import { pushUnique, type CheckContext, type Finding } from './context';

const VENDOR = { vmx: 'VMX', svm: 'SVM' } as const;

export function checkClobber(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  let op = -2;
  let lastVendorWrite = new Map<string, number>();
  for (const e of ctx.events) {
    if (e.moduleOp !== op) {
      op = e.moduleOp;
      lastVendorWrite = new Map();
    }
    if (e.kind !== 'effect') continue;
    if (e.resetsDefaults) {
      const hits = new Map<number, string[]>();
      for (const g of e.writes) {
        const w = lastVendorWrite.get(g);
        if (w === undefined) continue;
        hits.set(w, [...(hits.get(w) ?? []), g]);
        lastVendorWrite.delete(g);
      }
      for (const [w, globals] of hits) {
        const vendorEvent = ctx.events[w]!;
        const after = ctx.after(e.index).masks;
        const vendorValues = ctx.after(w).masks;
        const changed = globals.filter((g) => g in after && after[g] !== vendorValues[g]);
        const who =
          vendorEvent.origin === 'vmx' || vendorEvent.origin === 'svm'
            ? VENDOR[vendorEvent.origin]
            : 'the vendor';
        pushUnique(out, {
          kind: 'clobber',
          steps: [e.stepId!, vendorEvent.stepId!],
          events: [e.index, w],
          message:
            `${placeWords(e.fn!, e.label)} resets ${globals.join(', ')} (${eventName(e, ctx.variant)}) after ${who} set ${globals.length > 1 ? 'them' : 'it'} (${stepPhrase(ctx.variant, vendorEvent.stepId)})` +
            (changed.length
              ? `: ${changed.map((g) => `${g} ${hex(vendorValues[g]!)} → ${hex(after[g]!)}`).join(', ')}. SPTEs would be built with the wrong bits.`
              : ' (the values happen to match here, but the order is wrong).'),
        });
      }
      continue;
    }
    if (e.origin === 'vmx' || e.origin === 'svm')
      for (const g of e.writes) lastVendorWrite.set(g, e.index);
  }
  return out;
}
