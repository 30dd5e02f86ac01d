/**
 * Value histories on real runs: who wrote a mask, a config value, a cache pointer,
 * the percpu counter or the shrinker, a kmem cache, and one gfn's rmap head, with
 * the values before and after. The mask facts are kernel-facts.md §3:
 * arch/x86/kvm/mmu/spte.c kvm_mmu_reset_all_pte_masks() [v6.6.87 L461] gives
 * shadow_mmio_mask BIT_ULL(51) | present; kvm_mmu_set_ept_masks() (VMX with EPT)
 * then calls kvm_mmu_set_mmio_spte_mask(VMX_EPT_MISCONFIG_WX_VALUE,
 * VMX_EPT_RWX_MASK = 0x7, 0) [v5.19..v6.9].
 */
import { describe, expect, it } from 'vitest';
import { ChainIndex, valueHistory, type ValueAccess, type WorkloadOp } from './index';
import { mustRun } from './testing';

const writes = (h: ValueAccess[]) => h.filter((a) => a.access === 'write');
const hexOf = (v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v);
const steps = (h: ValueAccess[]) =>
  h.map((a) => ({
    access: a.access,
    fn: a.fn,
    caller: a.caller,
    ...(a.access === 'write' && { before: hexOf(a.before), after: hexOf(a.after) }),
  }));

describe('a global’s history', () => {
  it('shadow_mmio_mask on v6.6/Intel: the reset, then VMX’s EPT masks [spte.c v6.6.87 L461; kvm_mmu_set_ept_masks]', () => {
    const r = mustRun('v6.6', 'intel');
    const h = valueHistory(r.trace, { kind: 'global', name: 'shadow_mmio_mask' });
    expect(steps(h)).toEqual([
      {
        access: 'write',
        fn: 'kvm_mmu_reset_all_pte_masks',
        caller: 'kvm_mmu_vendor_module_init',
        before: '0x0',
        after: '0x8000000000001',
      },
      {
        access: 'write',
        fn: 'kvm_mmu_set_ept_masks',
        caller: 'hardware_setup',
        before: '0x8000000000001',
        after: '0x7',
      },
    ]);
    // Each is the event of kvm_mmu_set_mmio_spte_mask() itself.
    for (const a of h)
      expect(r.trace.events[a.event]!.title).toMatch(/^kvm_mmu_set_mmio_spte_mask\(/);
  });

  it('lists exactly the events that change it or declare writing it, and those that read it', () => {
    const r = mustRun('v6.6', 'intel', { workload: [{ op: 'map', gfn: 1, sptes: 2 }] });
    for (const name of ['shadow_mmio_mask', 'tdp_enabled', 'pte_list_desc_cache', 'mmu_shrinker']) {
      const h = valueHistory(r.trace, { kind: 'global', name });
      const written = r.trace.events.filter(
        (e) => e.writes.includes(name) || e.changes.some((c) => c.key === name),
      );
      const read = r.trace.events.filter(
        (e) => !written.includes(e) && (e.reads.includes(name) || e.probes.includes(name)),
      );
      expect(writes(h).map((a) => a.event)).toEqual(written.map((e) => e.index));
      expect(h.filter((a) => a.access === 'read').map((a) => a.event)).toEqual(
        read.map((e) => e.index),
      );
      expect(h.map((a) => a.event)).toEqual([...h.map((a) => a.event)].sort((a, b) => a - b));
    }
  });

  it('tdp_enabled: kvm_configure_mmu() writes it, KVM_CREATE_VM reads it', () => {
    const r = mustRun('v6.6', 'intel', { workload: [{ op: 'map', gfn: 1, sptes: 2 }] });
    expect(steps(valueHistory(r.trace, { kind: 'global', name: 'tdp_enabled' }))).toEqual([
      {
        access: 'write',
        fn: 'kvm_configure_mmu',
        caller: 'hardware_setup',
        before: false,
        after: true,
      },
      { access: 'read', fn: 'kvm_create_vm', caller: null },
    ]);
  });

  it('a vendor reload writes tdp_enabled again with the value it already has', () => {
    const r = mustRun('v6.6', 'intel', {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_intel'],
    });
    const w = writes(valueHistory(r.trace, { kind: 'global', name: 'tdp_enabled' }));
    expect(w.map((a) => a.access === 'write' && [a.before, a.after])).toEqual([
      [false, true],
      [true, true],
    ]);
  });

  it('reloading kvm.ko gives the masks their load-time zero: the module load is a writer', () => {
    const r = mustRun('v6.6', 'intel', {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'unload kvm', 'load kvm'],
    });
    const h = valueHistory(r.trace, { kind: 'global', name: 'shadow_mmio_mask' });
    expect(steps(h).at(-1)).toEqual({
      access: 'write',
      fn: null,
      caller: null,
      before: '0x7',
      after: '0x0',
    });
    expect(r.trace.events[h.at(-1)!.event]!.title).toBe('insmod kvm');
  });

  it('the percpu counter and the shrinker: set up by kvm_mmu_vendor_module_init(), torn down at unload (v6.6)', () => {
    const r = mustRun('v6.6', 'intel', {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'],
    });
    const of = (name: string) =>
      writes(valueHistory(r.trace, { kind: 'global', name })).map(
        (a) => a.access === 'write' && `${a.fn}: ${String(a.before)} → ${String(a.after)}`,
      );
    expect(of('kvm_total_used_mmu_pages')).toEqual([
      'kvm_mmu_vendor_module_init: uninitialized → initialized',
      'kvm_mmu_vendor_module_exit: initialized → destroyed',
    ]);
    expect(of('mmu_shrinker')).toEqual([
      'kvm_mmu_vendor_module_init: unregistered → registered',
      'kvm_mmu_vendor_module_exit: registered → unregistered',
    ]);
  });

  it('a name no step touches has an empty history', () => {
    const r = mustRun('v6.6', 'intel');
    expect(valueHistory(r.trace, { kind: 'global', name: 'no_such_global' })).toEqual([]);
  });
});

describe('a kmem cache’s history', () => {
  it('pte_list_desc: created, its objects counted by the workload, destroyed at unload', () => {
    const r = mustRun('v6.6', 'intel', {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'],
      workload: [{ op: 'map', gfn: 5, sptes: 3 }],
    });
    const h = valueHistory(r.trace, { kind: 'cache', name: 'pte_list_desc' });
    const shown = h.map((a) =>
      a.access === 'write'
        ? {
            fn: a.fn,
            before: a.before === undefined ? 'none' : objects(a.before),
            after: objects(a.after),
          }
        : a.access,
    );
    expect(shown[0]).toEqual({
      fn: 'kvm_mmu_vendor_module_init',
      before: 'none',
      after: 'live, 0',
    });
    // The first fault tops up the vCPU's descriptor cache: 40 objects allocated.
    expect(shown).toContainEqual({ fn: 'pte_list_add', before: 'live, 0', after: 'live, 40' });
    expect(shown.at(-1)).toEqual({
      fn: 'mmu_destroy_caches',
      before: 'live, 0',
      after: 'destroyed, 0',
    });
  });
});

function objects(v: unknown): string {
  const c = v as { live: boolean; objects: number };
  return `${c.live ? 'live' : 'destroyed'}, ${c.objects}`;
}

describe('an rmap head’s history', () => {
  const WORKLOAD: WorkloadOp[] = [
    { op: 'map', gfn: 7, sptes: 3 },
    { op: 'random', seed: 3, gfns: 12, sptes: 3000, removePercent: 40 },
    { op: 'unmap', gfn: 7, sptes: 50 },
    { op: 'unmap', gfn: 9000, sptes: 1 },
  ];
  const r = mustRun('v6.6', 'intel', {
    params: { tdp: false },
    modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'],
    workload: WORKLOAD,
  });
  const index = new ChainIndex(r);
  const lengthAt = (gfn: number, event: number) => {
    const c = index.chainAt(gfn, event);
    return c.form === 'empty'
      ? 0
      : c.form === 'single'
        ? 1
        : c.descs.reduce((n, d) => n + d.count, 0);
  };

  it('the map op: one write per spte, 0 → 1 → 2 → 3', () => {
    const h = index.headHistory(7).slice(0, 3);
    expect(h.map((a) => a.access === 'write' && [a.before, a.after, a.fn])).toEqual([
      [0, 1, 'pte_list_add'],
      [1, 2, 'pte_list_add'],
      [2, 3, 'pte_list_add'],
    ]);
  });

  it('every event after which the chain’s length differs is a write, with the lengths the chain query gives', () => {
    for (const gfn of [7, 3]) {
      const h = index.headHistory(gfn);
      const changed = r.trace.events.filter(
        (e) => e.index > 0 && lengthAt(gfn, e.index) !== lengthAt(gfn, e.index - 1),
      );
      const w = writes(h);
      expect(changed.every((e) => w.some((a) => a.event === e.index))).toBe(true);
      for (const a of w)
        if (a.access === 'write') {
          expect(a.before).toBe(lengthAt(gfn, a.event - 1));
          expect(a.after).toBe(lengthAt(gfn, a.event));
        }
    }
  });

  it('an unmap with nothing left to remove reads the head; the VM’s destruction empties it', () => {
    const h = index.headHistory(9000);
    expect(h.map((a) => a.access)).toEqual(['read']);
    expect(r.trace.events[h[0]!.event]!.title).toBe('unmap gfn 9000');
    const last = index.headHistory(7).at(-1)!;
    expect(last.fn).toBe('kvm_destroy_vm');
    expect(last.access === 'write' && last.after).toBe(0);
  });

  it('a run without a VM has no rmap history', () => {
    expect(new ChainIndex(mustRun('v6.6', 'intel')).headHistory(7)).toEqual([]);
  });
});
