/**
 * leak and double-free: resources the MMU sets up per vendor load (kmem caches,
 * the percpu counter, the shrinker) must be released when that load fails and
 * when the module unloads, exactly once.
 */
import { effectFootprint } from '../effects';
import type { ModuleName } from '../ids';
import { PERCPU_COUNTER, SHRINKER } from '../model/globals';
import type { Change } from '../model/state';
import type { TraceEvent } from '../run/trace';
import { moduleEntry, reachable } from '../variants/graph';
import { stepPhrase } from '../words';
import { pushUnique, type CheckContext, type Finding } from './context';

interface Live {
  key: string;
  what: string;
  created: TraceEvent;
  module: ModuleName;
}

/** The resource a change creates or releases, if any. */
function resourceChange(c: Change): { key: string; what: string; live: boolean } | null {
  if (c.section === 'caches' && c.after && typeof c.after === 'object' && 'live' in c.after) {
    const what = `the "${c.after.name}" kmem cache`;
    if (c.after.live && !c.before) return { key: `cache:${c.key}`, what, live: true };
    if (!c.after.live) return { key: `cache:${c.key}`, what, live: false };
    return null;
  }
  if (c.section === 'lifecycle' && c.key === PERCPU_COUNTER)
    return {
      key: c.key,
      what: 'the kvm_total_used_mmu_pages percpu counter',
      live: c.after === 'initialized',
    };
  if (c.section === 'lifecycle' && c.key === SHRINKER)
    return { key: c.key, what: 'the MMU shrinker registration', live: c.after === 'registered' };
  return null;
}

/** Resource keys released by anything a module's exit reaches (error labels excluded). */
function releasedOnExit(ctx: CheckContext, module: ModuleName): Set<string> {
  const v = ctx.variant;
  const vendor = module === 'kvm_amd' ? 'svm' : 'vmx';
  const out = new Set<string>();
  for (const f of reachable(v, [moduleEntry(v, module).exit], { module, withLabels: false }))
    for (const s of f.body) {
      if ('call' in s.op) continue;
      if (s.op.effect.kind === 'kmem_cache_destroy') out.add(`cache:${s.op.effect.cache}`);
      else
        for (const g of effectFootprint(s.op.effect, { vendor, physSource: v.shape.physSource })
          .writes)
          out.add(g);
    }
  return out;
}

export function checkLifecycle(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const live = new Map<string, Live>();
  const released = new Map<string, TraceEvent>();
  const { events } = ctx;
  const phrase = (id: string | null) => stepPhrase(ctx.variant, id);
  for (const e of events) {
    const op = ctx.op(e);
    for (const c of e.changes) {
      const r = resourceChange(c);
      if (!r) continue;
      if (r.live)
        live.set(r.key, { key: r.key, what: r.what, created: e, module: op?.module ?? 'kvm' });
      else if (live.has(r.key)) {
        live.delete(r.key);
        released.set(r.key, e);
      }
    }
    if (e.overwrote)
      pushUnique(out, {
        kind: 'leak',
        steps: [e.stepId ?? e.title],
        events: [e.index],
        message: `${phrase(e.stepId)} runs again while the previous one is still set up: ${e.overwrote}.`,
      });
    if (e.doubleFree) {
      const first = [...released.values()].find((r) => r.stepId !== e.stepId && r.index < e.index);
      pushUnique(out, {
        kind: 'double-free',
        steps: [e.stepId ?? e.title, ...(first?.stepId ? [first.stepId] : [])],
        events: [e.index, ...(first ? [first.index] : [])],
        message: `${phrase(e.stepId)} releases something already released: ${e.doubleFree}. Nothing cleared the pointer after kmem_cache_destroy(), so this is a use-after-free.`,
      });
    }
    const endOfOp = e.kind === 'module' && (events[e.index + 1]?.moduleOp ?? -99) !== e.moduleOp;
    if (!endOfOp || !op || op.module === 'kvm') continue;
    if (op.action === 'load' && e.errno) {
      for (const r of live.values())
        if (r.created.moduleOp === e.moduleOp) {
          live.delete(r.key);
          pushUnique(out, {
            kind: 'leak',
            steps: [r.created.stepId ?? r.created.title],
            events: [r.created.index, e.index],
            message: `${r.what}, set up by ${phrase(r.created.stepId)}, is still allocated after insmod ${op.module} failed with -${e.errno}: nothing on the error path releases it.`,
          });
        }
    }
    if (op.action === 'unload')
      for (const r of live.values())
        if (r.module === op.module) {
          live.delete(r.key);
          pushUnique(out, {
            kind: 'leak',
            steps: [r.created.stepId ?? r.created.title],
            events: [r.created.index, e.index],
            message: `${r.what}, set up by ${phrase(r.created.stepId)}, is still allocated after ${op.module} was unloaded: its exit path never releases it.`,
          });
        }
  }
  const final = ctx.after(events.length - 1);
  for (const r of live.values()) {
    if (r.module === 'kvm' || !final.modules[r.module]) continue;
    const kind = r.key.startsWith('cache:') ? `cache:${final.caches[r.key.slice(6)]?.name}` : r.key;
    if (releasedOnExit(ctx, r.module).has(kind)) continue;
    const exit = moduleEntry(ctx.variant, r.module).exit;
    pushUnique(out, {
      kind: 'leak',
      steps: [r.created.stepId ?? r.created.title],
      events: [r.created.index],
      message: `${r.what}, set up by ${phrase(r.created.stepId)}, will leak when ${r.module} unloads: nothing called from ${exit}() releases it.`,
    });
  }
  return out;
}
