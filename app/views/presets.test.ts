import { describe, expect, it } from 'vitest';
import { align, orderingChanges } from '../engine/compare/align';
import { mustRun } from '../engine/testing';
import type { ScenarioInput, VariantId, Vendor } from '../engine/view';
import { rightSideOf } from '../state/compare';
import { THREAD_ARGUMENTS } from './presets';

const run = (s: ScenarioInput) =>
  mustRun(s.kernel as VariantId, s.vendor as Vendor, { ...s, v: 1 });

describe('the thread’s arguments', () => {
  it.each(THREAD_ARGUMENTS.map((a) => [a.label, a] as const))(
    '%s: both sides run and differ in their ordering',
    (_, a) => {
      const left = run(a.left);
      const right = run(rightSideOf(a.left, a.right));
      expect(orderingChanges(align(left, right), left, right).length).toBeGreaterThan(0);
    },
  );
  it('what shipped instead: v7.1 creates both caches in kvm_mmu_vendor_module_init(), where seed-p2 deferred them', () => {
    const a = THREAD_ARGUMENTS.find((x) => x.id === 'never-merged')!;
    const left = run(a.left);
    const right = run(rightSideOf(a.left, a.right));
    const moved = orderingChanges(align(left, right), left, right).filter(
      (c) => c.kind === 'moved' && c.what.startsWith('kmem_cache_create'),
    );
    expect(moved.map((c) => [c.from, c.to])).toEqual([
      ['kvm_mmu_hardware_setup', 'kvm_mmu_vendor_module_init'],
      ['kvm_mmu_hardware_setup', 'kvm_mmu_vendor_module_init'],
    ]);
  });
});
