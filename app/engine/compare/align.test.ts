/**
 * Alignment: the same kernel action sits on the same row whatever function it ran
 * in; what one side lacks is an insertion or removal, and a step both sides run in
 * different places is a move.
 */
import { describe, expect, it } from 'vitest';
import { VARIANT_IDS, VENDORS, type Vendor, type VariantId } from '../ids';
import type { TraceEvent } from '../run/trace';
import { mustRun } from '../testing';
import { align, alignEvents, orderingChanges, signature, type AlignedRow } from './align';

const RELOAD = (v: Vendor) => ({
  modules: ['load kvm', `load kvm_${v}`, `unload kvm_${v}`, `load kvm_${v}`, `unload kvm_${v}`],
});
const RESET = 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks';

/** An event with only what alignment looks at. */
function ev(kind: TraceEvent['kind'], name: string): TraceEvent {
  const stepped = kind === 'call' || kind === 'effect' || kind === 'skip';
  return {
    index: 0,
    kind,
    stepId: stepped ? name : null,
    fn: null,
    label: null,
    stack: [],
    frameLabels: [],
    phase: 'vendor-init',
    origin: 'common',
    moduleOp: 0,
    title: name,
    text: '',
    detail: null,
    src: null,
    reads: [],
    writes: [],
    probes: [],
    changes: [],
    errno: null,
    injected: false,
    warn: null,
    doubleFree: null,
    overwrote: null,
    resetsDefaults: false,
  };
}
const steps = (...ids: string[]) => ids.map((id) => ev('effect', id));
const shape = (rows: AlignedRow[]) =>
  rows.map(
    (r) => `${r.kind === 'same' ? '=' : r.kind === 'left-only' ? '<' : '>'}${r.moved ? 'm' : ''}`,
  );

describe('signature', () => {
  it('names a step by what it does, not by the function it sits in', () => {
    expect(signature(ev('effect', 'kvm_mmu_hardware_setup/kmem_cache_create:pte_list_desc'))).toBe(
      signature(ev('effect', 'kvm_mmu_vendor_module_init/kmem_cache_create:pte_list_desc#2')),
    );
    expect(signature(ev('skip', 'hardware_setup/kvm_mmu_set_ept_masks'))).toBe(
      signature(ev('call', 'vmx_hardware_setup/kvm_mmu_set_ept_masks')),
    );
    expect(signature(ev('module', 'insmod kvm'))).toBe('module:insmod kvm');
  });
});

describe('alignEvents on hand-made traces', () => {
  it('matches the longest common order and marks insertions and removals', () => {
    const rows = alignEvents(steps('f/a', 'f/b', 'f/c', 'f/d'), steps('f/a', 'f/c', 'f/x', 'f/d'));
    expect(shape(rows)).toEqual(['=', '<', '=', '>', '=']);
  });
  it('pairs an unmatched step with its twin on the other side as a move, both ways', () => {
    const rows = alignEvents(steps('f/a', 'f/m', 'f/b', 'f/c'), steps('f/a', 'f/b', 'f/c', 'g/m'));
    expect(shape(rows)).toEqual(['=', '<m', '=', '=', '>m']);
    expect(rows[1]!.partner).toBe(4);
    expect(rows[4]!.partner).toBe(1);
  });
  it('pairs repeated signatures in order: the k-th left with the k-th right', () => {
    const rows = alignEvents(
      steps('f/d', 'f/a', 'f/b', 'f/c', 'f/d'),
      steps('f/a', 'f/b', 'f/d', 'f/c', 'f/d'),
    );
    // The first d moves after b; the second stays in place.
    expect(shape(rows)).toEqual(['<m', '=', '=', '>m', '=', '=']);
    expect(rows.filter((r) => r.moved).map((r) => [r.left, r.right])).toEqual([
      [0, null],
      [null, 2],
    ]);
  });
  it('aligns workload events by order, never as moves', () => {
    const w = (title: string) => ev('workload', title);
    const rows = alignEvents(
      [ev('vm', 'create'), w('map gfn 1'), w('map gfn 1'), w('map gfn 2')],
      [ev('vm', 'create'), w('map gfn 1'), w('map gfn 2'), w('map gfn 2'), w('map gfn 2')],
    );
    expect(shape(rows)).toEqual(['=', '=', '<', '>', '=', '>']);
  });
  it('handles empty traces', () => {
    expect(alignEvents([], [])).toEqual([]);
    expect(shape(alignEvents(steps('f/a'), []))).toEqual(['<']);
  });
});

describe('align on runs', () => {
  const cases = VARIANT_IDS.flatMap((k) => VENDORS.map((v) => [k, v] as [VariantId, Vendor]));
  it.each(cases)('identical runs of %s on %s: every row is shared', (kernel, vendor) => {
    const r = mustRun(kernel, vendor, {
      ...RELOAD(vendor),
      workload: [{ op: 'map', gfn: 7, sptes: 20 }],
    });
    const rows = align(r, r);
    expect(rows).toHaveLength(r.trace.length);
    expect(rows.every((row, i) => row.kind === 'same' && row.left === i && row.right === i)).toBe(
      true,
    );
    expect(orderingChanges(rows, r, r)).toEqual([]);
  });

  it.each(VENDORS)(
    'v6.0 vs bad-reset-after-setup (%s): one move, the reset with the steps it runs',
    (vendor) => {
      const l = mustRun('v6.0', vendor);
      const r = mustRun('bad-reset-after-setup', vendor);
      const changes = orderingChanges(align(l, r), l, r);
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({
        kind: 'moved',
        what: 'kvm_mmu_reset_all_pte_masks()',
        from: 'kvm_mmu_vendor_module_init',
        to: 'kvm_arch_hardware_setup',
        afterLeft: 'BUILD_BUG_ON(role sizes)',
        afterRight: 'ops->hardware_setup()',
        later: true,
        significant: true,
      });
      // The call and the four effects it runs, each with its partner.
      expect(changes[0]!.rows).toHaveLength(10);
    },
  );

  it('the same move written as a scenario edit aligns the same way as the teaching variant', () => {
    const l = mustRun('v6.0', 'intel');
    const edited = mustRun('v6.0', 'intel', {
      edits: [{ move: RESET, to: 'kvm_arch_hardware_setup', index: 2 }],
    });
    const teaching = mustRun('bad-reset-after-setup', 'intel');
    expect(align(l, edited)).toEqual(align(l, teaching));
  });

  it('a removed step is a removal on the left, an inserted one an insertion on the right', () => {
    const full = mustRun('v6.0', 'intel');
    const cut = mustRun('v6.0', 'intel', {
      edits: [{ remove: 'kvm_mmu_vendor_module_init/register_shrinker' }],
    });
    const removed = orderingChanges(align(full, cut), full, cut);
    expect(removed).toEqual([
      expect.objectContaining({
        kind: 'left-only',
        what: 'register_shrinker(&mmu_shrinker)',
        step: 'kvm_mmu_vendor_module_init/register_shrinker',
        from: 'kvm_mmu_vendor_module_init',
        afterLeft: 'percpu_counter_init(&kvm_total_used_mmu_pages)',
      }),
    ]);
    const inserted = orderingChanges(align(cut, full), cut, full);
    expect(inserted).toEqual([
      expect.objectContaining({ kind: 'right-only', what: 'register_shrinker(&mmu_shrinker)' }),
    ]);
  });

  it('removing a call removes the steps it runs with it', () => {
    const full = mustRun('v6.0', 'intel');
    const cut = mustRun('v6.0', 'intel', { edits: [{ remove: RESET }] });
    const changes = orderingChanges(align(full, cut), full, cut);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: 'left-only', what: 'kvm_mmu_reset_all_pte_masks()' });
    expect(changes[0]!.rows).toHaveLength(5);
  });

  it('v6.19 vs v7.1 with TDX: the TDX gate is the one move that matters; the rest is bookkeeping', () => {
    const l = mustRun('latest', 'intel', { params: { tdx: true } });
    const r = mustRun('v7.1', 'intel', { params: { tdx: true } });
    const changes = orderingChanges(align(l, r), l, r);
    expect(changes.filter((c) => c.significant)).toEqual([
      expect.objectContaining({
        kind: 'moved',
        what: 'the enable_tdx check',
        step: 'tdx_bringup/tdx_gate',
        from: 'tdx_bringup',
        to: 'tdx_hardware_setup',
      }),
    ]);
    // Steps that change no MMU state: listed, not significant. v6.19's tdx_hardware_setup()
    // note and v7.1's call share a row, as the failable tail of hardware_setup() does.
    expect(changes.filter((c) => !c.significant).map((c) => [c.kind, c.what])).toEqual([
      ['left-only', 'nested_vmx_hardware_setup()'],
      ['right-only', 'TD sizes and S-EPT ops'],
      ['right-only', 'kvm_setup_efer_caps()'],
      ['left-only', 'tdx_bringup()'],
    ]);
  });

  it('seed-p2 vs v5.19: the MMU setup moves back into kvm_mmu_vendor_module_init', () => {
    const l = mustRun('seed-p2', 'intel', RELOAD('intel'));
    const r = mustRun('v5.19', 'intel', RELOAD('intel'));
    const changes = orderingChanges(align(l, r), l, r);
    const moves = changes.filter((c) => c.kind === 'moved' && c.significant);
    expect(moves.filter((c) => c.from === 'kvm_mmu_hardware_setup').map((c) => c.what)).toEqual([
      'kmem_cache_create("pte_list_desc")',
      'kmem_cache_create("kvm_mmu_page_header")',
      'percpu_counter_init(&kvm_total_used_mmu_pages)',
      'register_shrinker(&mmu_shrinker)',
      // the second load
      'kmem_cache_create("pte_list_desc")',
      'kmem_cache_create("kvm_mmu_page_header")',
      'percpu_counter_init(&kvm_total_used_mmu_pages)',
      'register_shrinker(&mmu_shrinker)',
    ]);
    for (const c of moves.filter((x) => x.from === 'kvm_mmu_hardware_setup'))
      expect(c.to).toBe('kvm_mmu_vendor_module_init');
    expect(
      changes.filter((c) => c.kind !== 'moved' && c.significant).map((c) => [c.kind, c.what]),
    ).toEqual([
      ['left-only', 'kvm_mmu_hardware_setup()'],
      ['left-only', 'kvm_mmu_hardware_unsetup()'],
      ['right-only', 'kvm_mmu_vendor_module_exit()'],
      ['left-only', 'kvm_mmu_hardware_setup()'],
      ['left-only', 'kvm_mmu_hardware_unsetup()'],
      ['right-only', 'kvm_mmu_vendor_module_exit()'],
    ]);
  });

  it('repeated signatures: with two loads, each moved reset pairs with its own load', () => {
    const l = mustRun('v6.0', 'amd', RELOAD('amd'));
    const r = mustRun('bad-reset-after-setup', 'amd', RELOAD('amd'));
    const rows = align(l, r);
    const resets = rows.filter((row) => row.moved && row.left !== null);
    expect(resets.length).toBeGreaterThanOrEqual(10);
    for (const row of resets) {
      const partner = rows[row.partner!]!;
      expect(r.trace.events[partner.right!]!.moduleOp).toBe(l.trace.events[row.left!]!.moduleOp);
    }
    // kmem_cache_destroy runs once per unload on both sides and stays shared.
    const destroys = rows.filter(
      (row) =>
        row.left !== null && signature(l.trace.events[row.left]!).includes('kmem_cache_destroy:'),
    );
    expect(destroys).toHaveLength(4);
    expect(destroys.every((row) => row.kind === 'same')).toBe(true);
  });

  it('a step skipped on one side and run on the other stays on one row', () => {
    const l = mustRun('v6.0', 'intel', { params: { tdp: false } });
    const r = mustRun('v6.0', 'intel');
    const rows = align(l, r);
    const row = rows.find(
      (x) =>
        x.left !== null &&
        l.trace.events[x.left]!.stepId === 'hardware_setup/kvm_mmu_set_ept_masks',
    )!;
    expect(row.kind).toBe('same');
    expect(l.trace.events[row.left!]!.kind).toBe('skip');
    expect(r.trace.events[row.right!]!.kind).toBe('call');
  });

  it('workload events pair by order; extra ones are insertions', () => {
    const l = mustRun('v6.6', 'intel', { workload: [{ op: 'map', gfn: 1, sptes: 20 }] });
    const r = mustRun('latest', 'intel', { workload: [{ op: 'map', gfn: 1, sptes: 25 }] });
    const rows = align(l, r);
    const work = rows.filter(
      (x) =>
        (x.right !== null && r.trace.events[x.right]!.kind === 'workload') ||
        (x.left !== null && l.trace.events[x.left]!.kind === 'workload'),
    );
    expect(work.filter((x) => x.kind === 'same')).toHaveLength(20);
    expect(work.filter((x) => x.kind === 'right-only')).toHaveLength(5);
    expect(work.some((x) => x.moved)).toBe(false);
  });
});
