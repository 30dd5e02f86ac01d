/**
 * Call order per variant (kernel-facts.md §2): where the mask reset, the vendor's
 * mask writes, kvm_configure_mmu() and the cache creation sit relative to each
 * other. Golden traces in __golden__/ show every step and read like a kernel trace.
 */
import { describe, expect, it } from 'vitest';
import { hex } from './bits';
import type { RunResult } from './index';
import { VARIANT_IDS, VENDORS, type Vendor, type VariantId } from './ids';
import { eventIndex, mustRun } from './testing';

const at = (r: RunResult, step: string) => eventIndex(r, step);

function expectOrder(r: RunResult, steps: string[]): void {
  const idx = steps.map((s) => at(r, s));
  expect(idx, steps.join(' < ')).toEqual([...idx].sort((a, b) => a - b));
}

describe('VMX load order', () => {
  it('v5.19 and v6.0: reset, full MMU setup, then hardware_setup edits masks before kvm_configure_mmu [kvm_main.c kvm_init, x86.c kvm_arch_init]', () => {
    for (const kernel of ['v5.19', 'v6.0'] as const)
      expectOrder(mustRun(kernel, 'intel'), [
        'kvm_arch_init/kvm_mmu_vendor_module_init',
        'kvm_mmu_reset_all_pte_masks/reset_default_masks',
        'kmem_cache_create:pte_list_desc',
        'kmem_cache_create:kvm_mmu_page_header',
        'percpu_counter_init',
        'register_shrinker',
        'kvm_mmu_set_ept_masks/set_ept_masks',
        'vmx_setup_me_spte_mask/kvm_mmu_set_me_spte_mask',
        'kvm_configure_mmu/configure_mmu',
        'ops_update',
        'misc_register',
        'vmx_setup_l1d_flush',
      ]);
  });
  it('seed-p2: the reset stays before hardware_setup, the caches come after kvm_ops_update [PATCH 2/4]', () => {
    expectOrder(mustRun('seed-p2', 'intel'), [
      'kvm_mmu_reset_all_pte_masks/reset_default_masks',
      'kvm_mmu_set_ept_masks/set_ept_masks',
      'kvm_configure_mmu/configure_mmu',
      'ops_update',
      'kvm_arch_hardware_setup/kvm_mmu_hardware_setup',
      'kmem_cache_create:pte_list_desc',
      'register_shrinker',
    ]);
  });
  it('seed-p3: nr_sptes_per_pte_list is checked after kvm_configure_mmu set it [PATCH 3/4]', () => {
    expectOrder(mustRun('seed-p3', 'intel'), [
      'kvm_configure_mmu/configure_mmu',
      'nr_sptes_check',
      'kmem_cache_create:pte_list_desc',
    ]);
  });
  it('alt-configure-mmu: caches are created inside kvm_configure_mmu, after the EPT masks', () => {
    const r = mustRun('alt-configure-mmu', 'intel');
    expectOrder(r, [
      'kvm_mmu_set_ept_masks/set_ept_masks',
      'kvm_configure_mmu/configure_mmu',
      'kvm_configure_mmu/kmem_cache_create:pte_list_desc',
    ]);
    expect(
      r.trace.events[at(r, 'kvm_configure_mmu/kmem_cache_create:pte_list_desc')]!.stack,
    ).toContain('hardware_setup');
  });
  it('v6.6: kvm_x86_vendor_init() does MMU init and hardware_setup; kvm_init() and /dev/kvm come last [x86.c __kvm_x86_vendor_init, vmx.c vmx_init]', () => {
    const r = mustRun('v6.6', 'intel');
    expectOrder(r, [
      '__kvm_x86_vendor_init/kvm_mmu_vendor_module_init',
      'kmem_cache_create:pte_list_desc',
      'kvm_mmu_set_ept_masks/set_ept_masks',
      'kvm_configure_mmu/configure_mmu',
      'ops_update',
      'vmx_setup_l1d_flush',
      'vmx_init/kvm_init',
      'misc_register',
    ]);
    expect(r.trace.events[at(r, 'kvm_mmu_reset_all_pte_masks/reset_default_masks')]!.stack).toEqual(
      [
        'vmx_init',
        'kvm_x86_vendor_init',
        '__kvm_x86_vendor_init',
        'kvm_mmu_vendor_module_init',
        'kvm_mmu_reset_all_pte_masks',
      ],
    );
  });
  it('latest: vt_init → vmx_init → kvm_x86_vendor_init, TDX bring-up after the MMU is configured, no shrinker [main.c vt_init]', () => {
    const r = mustRun('latest', 'intel');
    expectOrder(r, [
      'setup_vmcs_config',
      'kvm_x86_vendor_init/kvm_mmu_vendor_module_init',
      'kvm_configure_mmu/configure_mmu',
      'vt_init/tdx_bringup',
      'vt_init/kvm_init',
    ]);
    expect(r.trace.events.some((e) => e.stepId?.endsWith('register_shrinker'))).toBe(false);
    expect(
      r.trace.events[at(r, 'kvm_mmu_reset_all_pte_masks/reset_default_masks')]!.stack.slice(0, 3),
    ).toEqual(['vt_init', 'vmx_init', 'kvm_x86_vendor_init']);
  });
  it('v7.1: the caches still come before hardware_setup(); the TDX gate moved from vt_init into the hardware_setup op, after kvm_configure_mmu() and before the ops are installed [main.c vt_init, vt_hardware_setup; x86.c kvm_x86_vendor_init, v7.1.3]', () => {
    const r = mustRun('v7.1', 'intel', { params: { tdx: true } });
    expectOrder(r, [
      'kmem_cache_create:pte_list_desc',
      'kvm_mmu_set_ept_masks/set_ept_masks',
      'kvm_configure_mmu/configure_mmu',
      'tdx_hardware_setup/tdx_gate',
      'kvm_setup_efer_caps',
      'ops_update',
      'vt_init/kvm_init',
    ]);
    expect(r.trace.events[at(r, 'tdx_hardware_setup/tdx_gate')]!.stack).toEqual([
      'vt_init',
      'vmx_init',
      'kvm_x86_vendor_init',
      'vt_hardware_setup',
      'tdx_hardware_setup',
    ]);
    expect(r.trace.events.some((e) => e.stepId?.startsWith('vt_init/tdx_'))).toBe(false);
    // Without TDX the op returns after vmx_hardware_setup(): the gate is skipped.
    const off = mustRun('v7.1', 'intel');
    expect(off.trace.events[at(off, 'vt_hardware_setup/tdx_hardware_setup')]!.kind).toBe('skip');
  });
  it('v7.1: unload runs vt_hardware_unsetup(), TDX before VMX, and no tdx_cleanup() [main.c vt_exit, vt_hardware_unsetup]', () => {
    const r = mustRun('v7.1', 'intel', {
      params: { tdx: true },
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'],
    });
    expectOrder(r, [
      'vt_exit/kvm_exit',
      'vt_exit/vmx_exit',
      'vt_hardware_unsetup/tdx_hardware_unsetup',
      'vt_hardware_unsetup/vmx_hardware_unsetup',
    ]);
    expect(r.trace.events[at(r, 'vt_hardware_unsetup/tdx_hardware_unsetup')]!.stack).toEqual([
      'vt_exit',
      'vmx_exit',
      'kvm_x86_vendor_exit',
      'vt_hardware_unsetup',
    ]);
    expect(r.trace.events.some((e) => e.stepId?.includes('tdx_cleanup'))).toBe(false);
  });
});

describe('VMX error path', () => {
  // A failed alloc_kvm_area() is kept in r: the nested unsetup and the posted-interrupt
  // wakeup handler still run before hardware_setup() returns it (v5.19 vmx.c L8180-L8186,
  // v6.0.19 L8413-L8417, v6.6.87 L8647-L8651, v6.19 L8682-L8686); v7.1 has no
  // alloc_kvm_area() and returns from a failed nested_vmx_hardware_setup() at once (L8778).
  it.each(['v5.19', 'v6.0', 'v6.6', 'latest'] as const)(
    '%s: hardware_setup() runs its tail after alloc_kvm_area() fails, then returns -ENOMEM',
    (kernel) => {
      const r = mustRun(kernel, 'intel', { fail: [{ at: 'hardware_setup' }] });
      const fn = kernel === 'latest' ? 'vmx_hardware_setup' : 'hardware_setup';
      const from = at(r, `${fn}/hardware_setup_tail`);
      const after = r.trace.events.slice(from, from + 4).map((e) => e.title);
      expect(after).toEqual([
        'r = alloc_kvm_area()',
        'nested_vmx_hardware_unsetup()',
        'kvm_set_posted_intr_wakeup_handler()',
        `${fn}() returns -ENOMEM`,
      ]);
      // On success the unsetup does not run.
      const ok = mustRun(kernel, 'intel');
      expect(ok.trace.events.some((e) => e.title === 'nested_vmx_hardware_unsetup()')).toBe(false);
    },
  );
  it('v7.1: a failed nested_vmx_hardware_setup() returns at once', () => {
    const r = mustRun('v7.1', 'intel', { fail: [{ at: 'hardware_setup' }] });
    const from = at(r, 'vmx_hardware_setup/hardware_setup_tail');
    expect(r.trace.events[from + 1]!.title).toBe('vmx_hardware_setup() returns -ENOMEM');
  });
});

describe('SVM load order', () => {
  it('SVM configures the MMU first, then sets the C-bit and the MMIO mask [svm.c svm_hardware_setup]', () => {
    for (const kernel of ['v5.19', 'v6.0', 'v6.6', 'latest', 'v7.1'] as const)
      expectOrder(mustRun(kernel, 'amd'), [
        'kvm_configure_mmu/configure_mmu',
        'svm_hardware_setup/kvm_mmu_set_me_spte_mask',
        'svm_adjust_mmio_mask/kvm_mmu_set_mmio_spte_mask:svm',
      ]);
  });
  it('the IOPM comes first up to v6.12, after svm_adjust_mmio_mask() in v6.19 and v7.1 [svm.c v6.6.87 L5227, v6.19 L5392, v7.1.3 L5636]', () => {
    const titles = (kernel: VariantId) => mustRun(kernel, 'amd').trace.events.map((e) => e.title);
    const v66 = titles('v6.6');
    expect(v66.findIndex((t) => t.includes('IOPM'))).toBeLessThan(
      v66.indexOf('kvm_configure_mmu()'),
    );
    for (const kernel of ['latest', 'v7.1'] as const) {
      const t = titles(kernel);
      const iopm = t.findIndex((x) => x.includes('svm_alloc_permissions_map()'));
      expect(iopm).toBeGreaterThan(t.indexOf('svm_adjust_mmio_mask()'));
      expect(iopm).toBeLessThan(t.indexOf('sev_hardware_setup()'));
      expect(t.filter((x) => x.includes('IOPM'))).toEqual([]);
    }
  });
  it('v5.19: sev_hardware_setup() runs before svm_adjust_mmio_mask(); v6.0 swaps them (0c29397ac1fd)', () => {
    expectOrder(mustRun('v5.19', 'amd'), [
      'sev_hardware_setup/sev_hardware_setup',
      'svm_adjust_mmio_mask/kvm_mmu_set_mmio_spte_mask:svm',
    ]);
    expectOrder(mustRun('v6.0', 'amd'), [
      'svm_adjust_mmio_mask/kvm_mmu_set_mmio_spte_mask:svm',
      'sev_hardware_setup/sev_hardware_setup',
    ]);
  });
});

describe('teardown order', () => {
  const unload = { modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'] };
  it('v5.19: kvm_exit → vendor unsetup, then kvm_arch_exit → kvm_mmu_vendor_module_exit', () => {
    expectOrder(mustRun('v5.19', 'intel', unload), [
      'kvm_exit/kvm_arch_hardware_unsetup',
      'kvm_arch_hardware_unsetup/ops->hardware_unsetup',
      'kvm_exit/kvm_arch_exit',
      'kvm_arch_exit/kvm_mmu_vendor_module_exit',
      'kmem_cache_destroy:pte_list_desc',
      'kvm_mmu_vendor_module_exit/percpu_counter_destroy',
      'kvm_mmu_vendor_module_exit/unregister_shrinker',
    ]);
  });
  it('seed-p2: MMU teardown moves into kvm_arch_hardware_unsetup, before the vendor unsetup', () => {
    expectOrder(mustRun('seed-p2', 'intel', unload), [
      'kvm_arch_hardware_unsetup/kvm_mmu_hardware_unsetup',
      'kmem_cache_destroy:pte_list_desc',
      'kvm_arch_hardware_unsetup/ops->hardware_unsetup',
    ]);
  });
  it('alt-configure-mmu: the vendor unsetup calls kvm_unconfigure_mmu', () => {
    expectOrder(mustRun('alt-configure-mmu', 'intel', unload), [
      'vmx_hardware_unsetup/kvm_unconfigure_mmu',
      'kmem_cache_destroy:pte_list_desc',
    ]);
  });
  it('v6.6: vendor hardware_unsetup, then kvm_mmu_vendor_module_exit, from kvm_x86_vendor_exit', () => {
    expectOrder(mustRun('v6.6', 'intel', unload), [
      'vmx_exit/kvm_exit',
      'kvm_x86_vendor_exit/ops->hardware_unsetup',
      'kvm_x86_vendor_exit/kvm_mmu_vendor_module_exit',
      'vmx_exit/__vmx_exit',
    ]);
  });
});

/** One line per event: phase, nesting, title, and the values it changed. */
function goldenTrace(r: RunResult): string {
  const lines = r.trace.events.map((e) => {
    const changes = e.changes
      .map((c) => {
        const v = c.after;
        if (typeof v === 'bigint') return `${c.key}=${hex(v)}`;
        if (v && typeof v === 'object')
          return 'name' in v ? `cache:${v.name}${v.live ? '' : '(destroyed)'}` : c.key;
        return `${c.key}=${String(v)}`;
      })
      .join(' ');
    const extra = [
      e.kind === 'skip' ? 'skipped' : '',
      e.errno ? `-${e.errno}` : '',
      e.warn ? 'WARN' : '',
      changes,
    ]
      .filter(Boolean)
      .join(' ');
    return `${e.phase.padEnd(14)} ${'  '.repeat(Math.max(0, e.stack.length - 1))}${e.title}${extra ? `  [${extra}]` : ''}`;
  });
  const findings = r.findings.map((f) => `finding ${f.kind}: ${f.steps.join(', ')}`);
  return [...lines, ...findings, ''].join('\n');
}

describe('golden traces', () => {
  const cases = VARIANT_IDS.flatMap((k) => VENDORS.map((v) => [k, v] as [VariantId, Vendor]));
  it.each(cases)('%s on %s', async (kernel, vendor) => {
    const r = mustRun(kernel, vendor, {
      modules: ['load kvm', `load kvm_${vendor}`, `unload kvm_${vendor}`],
    });
    await expect(goldenTrace(r)).toMatchFileSnapshot(`__golden__/${kernel}.${vendor}.txt`);
  });
});
