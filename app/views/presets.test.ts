import { describe, expect, it } from 'vitest';
import { align, orderingChanges } from '../engine/compare/align';
import { compareReport } from '../engine/compare/report';
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
  it.each(['alternative-teardown', 'alternative-error-path'])(
    '%s: the alternative’s cost reads as numbers, counted from the two variants',
    (id) => {
      const a = THREAD_ARGUMENTS.find((x) => x.id === id)!;
      const review = compareReport(run(a.left), run(rightSideOf(a.left, a.right)));
      const words = review.replace(/\s+/g, ' ');
      expect(words).toContain('calls into MMU code: seed-p2 3, alt-configure-mmu 6');
      expect(words).toContain('error labels: seed-p2 1, alt-configure-mmu 2');
      expect(words).toContain(
        'must undo kvm_configure_mmu(): seed-p2 none (its kvm_configure_mmu() sets nothing up); alt-configure-mmu 4, all of which do',
      );
      expect(words).not.toContain('The checker finds nothing in either run.');
      expect(words).toContain('what sets them apart is the vendor code above');
    },
  );
  it('a forgotten kvm_unconfigure_mmu(): none of the four paths undoes it', () => {
    const a = THREAD_ARGUMENTS.find((x) => x.id === 'alternative-forgotten')!;
    const review = compareReport(run(a.left), run(rightSideOf(a.left, a.right)));
    expect(review.replace(/\s+/g, ' ')).toContain('bad-alt-no-unconfigure 4, none of which does');
  });
});
