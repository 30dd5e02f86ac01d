/**
 * stale-read: a step consumes a global that does not hold this load's value yet:
 *  - read before anything set it: the load's own code sets it, but later (or on a
 *    path it never reached) — e.g. nr_sptes_per_pte_list before kvm_configure_mmu();
 *  - read before its final value: another step of the same load writes it afterwards;
 *  - read a value an earlier vendor load left behind that a fresh load would not see.
 * A step that reads and writes the same global (read-modify-write) is judged only by
 * the last rule. Module params are inputs: their load-time value is never "unset",
 * but one the load itself rewrites later (enable_ept, enable_mmio_caching) is read
 * before its final value like any other global.
 */
import type { CellValue } from '../model/state';
import type { TraceEvent } from '../run/trace';
import { stepPhrase } from '../words';
import { pushUnique, type CheckContext, type Finding } from './context';

const show = (v: CellValue | undefined): string =>
  typeof v === 'bigint' ? `0x${v.toString(16)}` : v === undefined ? 'unset' : JSON.stringify(v);

function valueBefore(ctx: CheckContext, i: number, g: string): CellValue | undefined {
  const s = ctx.before(i);
  for (const table of [s.config, s.masks, s.pointers, s.lifecycle] as Record<string, CellValue>[])
    if (g in table) return table[g];
  return undefined;
}

const writes = (e: TraceEvent) =>
  e.kind === 'effect' || e.kind === 'vm' || e.kind === 'workload' ? e.writes : [];

export function checkStaleRead(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const { events } = ctx;
  const phrase = (id: string | null) => stepPhrase(ctx.variant, id);
  /** Module op → global → indices of events writing it. */
  const writers = new Map<number, Map<string, number[]>>();
  for (const e of events)
    for (const g of writes(e)) {
      const byGlobal = writers.get(e.moduleOp) ?? new Map<string, number[]>();
      writers.set(e.moduleOp, byGlobal);
      byGlobal.set(g, [...(byGlobal.get(g) ?? []), e.index]);
    }
  const lastWrite = new Map<string, { at: number; op: number }>();
  for (const e of events) {
    if (e.kind === 'module') {
      for (const c of e.changes) lastWrite.delete(c.key);
      continue;
    }
    const opWriters = writers.get(e.moduleOp);
    for (const g of e.reads) {
      const idx = opWriters?.get(g) ?? [];
      const earlier = idx.some((i) => i < e.index);
      const later = idx
        .map((i) => events[i]!)
        .find((x) => x.index > e.index && x.stepId !== e.stepId);
      const selfWrite = e.writes.includes(g);
      const value = valueBefore(ctx, e.index, g);
      const prior = lastWrite.get(g);
      const op = ctx.op(e);
      if (earlier || (later && ctx.isParam(g))) {
        if (later && !selfWrite)
          pushUnique(out, {
            kind: 'stale-read',
            steps: [e.stepId ?? e.title, later.stepId!],
            events: [e.index, later.index],
            message: `${phrase(e.stepId)} reads ${g} = ${show(value)}, but ${g} gets its final value later in the same load, from ${phrase(later.stepId)}.`,
          });
        continue;
      }
      const staticWriter =
        op?.action === 'load' && !selfWrite
          ? [...(ctx.staticWriters(op.module, 'init').get(g) ?? [])].find((id) => id !== e.stepId)
          : undefined;
      if (!prior && staticWriter && !ctx.isParam(g) && value === ctx.pristine(g)) {
        pushUnique(out, {
          kind: 'stale-read',
          steps: [e.stepId ?? e.title, staticWriter],
          events: later ? [e.index, later.index] : [e.index],
          message: `${phrase(e.stepId)} reads ${g} before anything set it (still ${show(value)}); it is set by ${phrase(staticWriter)}, but only ${later ? 'later in this load' : 'on a path this load had not reached'}.`,
        });
        continue;
      }
      const from = prior ? ctx.scenario.modules[prior.op] : undefined;
      if (
        prior &&
        from &&
        from.module !== 'kvm' &&
        prior.op !== e.moduleOp &&
        value !== ctx.pristine(g)
      ) {
        const writer = events[prior.at]!;
        pushUnique(out, {
          kind: 'stale-read',
          steps: [e.stepId ?? e.title, writer.stepId ?? writer.title],
          events: [e.index, prior.at],
          message: `${phrase(e.stepId)} reads ${g} = ${show(value)}, left over from the earlier ${from.action} of ${from.module} (${phrase(writer.stepId)}); a fresh load would read ${show(ctx.pristine(g))}.`,
        });
      }
    }
    for (const g of writes(e)) lastWrite.set(g, { at: e.index, op: e.moduleOp });
  }
  return out;
}
