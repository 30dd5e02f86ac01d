/** The open value's history as the panel, the timeline and [ / ] read it from the store. */
import { describe, expect, it } from 'vitest';
import { mustRun } from '../engine/testing';
import { createAppStore, emptyRun, type AppState } from './store';
import { sameValue, selectValueHistory, writeFrom } from './valueHistory';

const { trace } = mustRun('v6.6', 'intel', {
  modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_intel'],
});

function stateWith(update: Partial<AppState>): AppState {
  const store = createAppStore();
  store.setState({ run: { ...emptyRun(1), status: 'done', trace }, ...update });
  return store.getState();
}
const MMIO = { kind: 'global', name: 'shadow_mmio_mask' } as const;
const writes = trace.events
  .filter((e) => e.changes.some((c) => c.key === 'shadow_mmio_mask'))
  .map((e) => e.index);

describe('the open value’s history', () => {
  it('is the trace’s, and the same object while neither the trace nor the value changes', () => {
    const s = stateWith({ history: MMIO, step: 3 });
    const h = selectValueHistory(s)!;
    expect(h.accesses!.map((a) => a.event)).toEqual(writes);
    expect(selectValueHistory({ ...s, step: 40 })!.accesses).toBe(h.accesses);
  });

  it('none is open, or compare mode: nothing', () => {
    expect(selectValueHistory(stateWith({}))).toBeNull();
    expect(selectValueHistory(stateWith({ history: MMIO, view: 'compare' }))).toBeNull();
  });

  it('an rmap head’s is the worker’s answer for the run shown, and pending until then', () => {
    const key = { kind: 'rmap', gfn: 7 } as const;
    const accesses = [{ event: 3, fn: null, caller: null, title: 'x', access: 'read' as const }];
    expect(selectValueHistory(stateWith({ history: key }))!.accesses).toBeNull();
    const old = stateWith({ history: key, rmapHistory: { runId: 0, gfn: 7, value: accesses } });
    expect(selectValueHistory(old)!.accesses).toBeNull();
    const now = stateWith({ history: key, rmapHistory: { runId: 1, gfn: 7, value: accesses } });
    expect(selectValueHistory(now)!.accesses).toBe(accesses);
  });

  it('[ and ] find the write before and after the current step', () => {
    expect(writes.length).toBe(4);
    const at = (step: number) => stateWith({ history: MMIO, step });
    expect(writeFrom(at(0), 1)!.event).toBe(writes[0]);
    expect(writeFrom(at(0), -1)).toBeNull();
    // On a write's own step, the next one is the one after it.
    expect(writeFrom(at(writes[1]! + 1), 1)!.event).toBe(writes[2]);
    expect(writeFrom(at(writes[1]! + 1), -1)!.event).toBe(writes[0]);
    expect(writeFrom(at(trace.length), 1)).toBeNull();
    expect(writeFrom(at(trace.length), -1)!.event).toBe(writes[3]);
  });

  it('values are the same by kind and name or gfn', () => {
    expect(sameValue(MMIO, { kind: 'global', name: 'shadow_mmio_mask' })).toBe(true);
    expect(sameValue(MMIO, { kind: 'cache', name: 'shadow_mmio_mask' })).toBe(false);
    expect(sameValue({ kind: 'rmap', gfn: 1 }, { kind: 'rmap', gfn: 2 })).toBe(false);
    expect(sameValue(null, MMIO)).toBe(false);
  });
});
