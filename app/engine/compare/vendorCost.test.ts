/**
 * The alternative's cost, counted from the variants' data: the calls, labels and undo
 * paths it adds to VMX and SVM code (the review thread's objection to it, as numbers).
 */
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../edits';
import { VARIANTS } from '../variants';
import { vendorCost } from './vendorCost';

describe('vendorCost', () => {
  it('the v1 series asks nothing of vendor code: kvm_configure_mmu() sets nothing up', () => {
    const c = vendorCost(VARIANTS['seed-p2']);
    expect(c.mmuCalls).toEqual([
      'kvm_mmu_set_ept_masks() in hardware_setup()',
      'kvm_configure_mmu() in hardware_setup()',
      'kvm_configure_mmu() in svm_hardware_setup()',
    ]);
    expect(c.labels).toEqual(['err in svm_hardware_setup()']);
    expect(c).toMatchObject({ configureSetsUp: false, mustUndo: [] });
    expect(vendorCost(VARIANTS['v6.0'])).toEqual(c);
  });
  it('the alternative adds three kvm_unconfigure_mmu() calls, a label, and four paths that must undo kvm_configure_mmu()', () => {
    const c = vendorCost(VARIANTS['alt-configure-mmu']);
    expect(c.mmuCalls.filter((x) => x.startsWith('kvm_unconfigure_mmu()'))).toEqual([
      'kvm_unconfigure_mmu() in hardware_setup() at its err_unconfigure_mmu label',
      'kvm_unconfigure_mmu() in svm_hardware_unsetup()',
      'kvm_unconfigure_mmu() in vmx_hardware_unsetup()',
    ]);
    expect(c.labels).toContain('err_unconfigure_mmu in hardware_setup()');
    expect(c.mustUndo).toEqual([
      { what: 'alloc_kvm_area() failing in hardware_setup()', undoes: true },
      { what: 'svm_cpu_init() failing in svm_hardware_setup()', undoes: true },
      { what: 'vmx_hardware_unsetup() at unload', undoes: true },
      { what: 'svm_hardware_unsetup() at unload', undoes: true },
    ]);
  });
  it('is computed from the data: each kvm_unconfigure_mmu() left out is one path that no longer undoes it', () => {
    const alt = VARIANTS['alt-configure-mmu'];
    const cut = applyEdits(alt, [{ remove: 'vmx_hardware_unsetup/kvm_unconfigure_mmu' }]);
    if (!cut.ok) throw new Error(cut.error);
    const c = vendorCost(cut.value.variant);
    expect(c.mmuCalls).toHaveLength(vendorCost(alt).mmuCalls.length - 1);
    expect(c.mustUndo.filter((u) => !u.undoes).map((u) => u.what)).toEqual([
      'vmx_hardware_unsetup() at unload',
    ]);
    expect(vendorCost(VARIANTS['bad-alt-no-unconfigure']).mustUndo.every((u) => !u.undoes)).toBe(
      true,
    );
  });
});
