import { describe, expect, it } from 'vitest';
import { VARIANTS } from './index';
import { sourceUrl } from './sources';

describe('links to the kernel source', () => {
  it('every function of every variant that comes from a kernel tree links to its definition line', () => {
    for (const v of Object.values(VARIANTS))
      for (const f of Object.values(v.functions))
        if (f.src.kind === 'kernel') expect(f.src.line, `${v.id}: ${f.name}`).toBeGreaterThan(0);
  });
  // Definition lines read in rikudousennin22/linux-7.1.3 @ 037c6bf47ba7 (docs/kernel-model.md, "v7.1").
  it.each([
    ['vt_hardware_setup', 'arch/x86/kvm/vmx/main.c#L24'],
    ['vt_hardware_unsetup', 'arch/x86/kvm/vmx/main.c#L35'],
    ['tdx_hardware_setup', 'arch/x86/kvm/vmx/tdx.c#L3360'],
    ['kvm_mmu_vendor_module_init', 'arch/x86/kvm/mmu/mmu.c#L7619'],
    ['kvm_x86_vendor_init', 'arch/x86/kvm/x86.c#L10094'],
  ])('v7.1: %s links to elixir v7.1.3 %s', (name, where) => {
    expect(sourceUrl(VARIANTS['v7.1'].functions[name]!.src)).toBe(
      `https://elixir.bootlin.com/linux/v7.1.3/source/${where}`,
    );
  });
});
