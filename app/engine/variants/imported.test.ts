/**
 * The built-in variants derived by the importer (v6.1, v6.12) and the trust boundary of
 * imported data. Orderings and unwinds are checked against Debian's trees, read at the
 * cited file:line: linux-source-6.1 6.1.192 and linux-source-6.12 6.12.118 (the committed
 * data is regenerated from those trees by app/import/debian-data.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { FaultPoint, Vendor } from '../ids';
import { runScenario, type RunResult } from '../runner';
import { finalOf, mustRun } from '../testing';
import { ERA_6_12 } from './eras/v6.12';
import { ImportedTreeSchema, variantFromImport, type ImportedTree } from './imported';
import V6_12 from './trees/v6.12.json' with { type: 'json' };

function expectOrder(r: RunResult, ids: string[]): void {
  const at = ids.map((id) => r.trace.events.findIndex((e) => e.stepId === id));
  expect(at, ids.filter((_, k) => at[k]! < 0).join(', ') || 'all present').not.toContain(-1);
  expect(at, ids.join(' < ')).toEqual([...at].sort((a, b) => a - b));
}
const unwindOf = (r: RunResult) =>
  r.trace.events.flatMap((e) => (e.phase === 'unwind' && e.stepId ? [e.stepId] : []));
const failAt = (kernel: 'v6.1' | 'v6.12', vendor: Vendor, at: FaultPoint) =>
  mustRun(kernel, vendor, { fail: [{ at }] });

describe('v6.1 (Debian 6.1.192): the stable hybrid', () => {
  it('VMX: MMU vendor init inside kvm_x86_vendor_init() first, then the L1D flush, then kvm_init() runs hardware_setup() and exposes /dev/kvm', () => {
    const r = mustRun('v6.1', 'intel');
    expectOrder(r, [
      'vmx_init/kvm_x86_vendor_init', // vmx.c:8640
      'kvm_x86_vendor_init/vendor_exclusive_check', // x86.c:9454
      'kvm_x86_vendor_init/kvm_mmu_vendor_module_init', // x86.c:9512
      'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks', // mmu.c:6757
      'kvm_mmu_vendor_module_init/kmem_cache_create:pte_list_desc', // mmu.c:6759
      'kvm_mmu_vendor_module_init/register_shrinker', // mmu.c:6774
      'vmx_init/vmx_setup_l1d_flush', // vmx.c:8651
      'vmx_init/kvm_init', // vmx.c:8679
      'kvm_init/kvm_arch_init', // kvm_main.c:5916, the empty stub at x86.c:9439
      'kvm_init/kvm_arch_hardware_setup', // kvm_main.c:5936
      'kvm_arch_hardware_setup/ops->hardware_setup', // x86.c:12446
      'hardware_setup/kvm_mmu_set_ept_masks', // vmx.c:8482
      'hardware_setup/kvm_configure_mmu', // vmx.c:8491
      'hardware_setup/hardware_setup_tail', // vmx.c:8555 alloc_kvm_area()
      'kvm_arch_hardware_setup/ops_update', // x86.c:12450
      'kvm_init/misc_register', // kvm_main.c:5998
    ]);
    expect(r.findings).toEqual([]);
  });
  it('SVM: svm_init() runs kvm_x86_vendor_init() then kvm_init(); NPT is decided before kvm_configure_mmu(), the MMIO mask before SEV', () => {
    const r = mustRun('v6.1', 'amd');
    expectOrder(r, [
      'svm_init/kvm_x86_vendor_init', // svm.c:5227
      'kvm_mmu_vendor_module_init/kmem_cache_create:pte_list_desc',
      'svm_init/kvm_init', // svm.c:5235
      'svm_hardware_setup/svm_decide_npt', // svm.c:5117
      'svm_hardware_setup/kvm_configure_mmu', // svm.c:5120
      'svm_hardware_setup/kvm_mmu_set_me_spte_mask', // svm.c:5125
      'svm_hardware_setup/svm_adjust_mmio_mask', // svm.c:5127
      'svm_hardware_setup/sev_hardware_setup', // svm.c:5133
      'svm_hardware_setup/hardware_setup_tail', // svm.c:5138 svm_cpu_init()
    ]);
  });
  it('unload: kvm_exit() undoes the vendor setup, then kvm_x86_vendor_exit() the MMU (vmx.c:8596–8599)', () => {
    const r = mustRun('v6.1', 'intel', {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'],
    });
    expectOrder(r, [
      'vmx_exit/kvm_exit',
      'kvm_exit/kvm_arch_hardware_unsetup', // kvm_main.c:6050
      'kvm_arch_hardware_unsetup/ops->hardware_unsetup', // x86.c:12481
      'vmx_exit/kvm_x86_vendor_exit', // vmx.c:8597
      'kvm_x86_vendor_exit/ops_clear', // x86.c:9559
      'kvm_x86_vendor_exit/kvm_mmu_vendor_module_exit', // x86.c:9560
      'vmx_exit/__vmx_exit', // vmx.c:8599
    ]);
  });
  it('a failed register_shrinker() destroys the percpu counter: out_shrinker (mmu.c:6776 → 6780)', () => {
    const r = failAt('v6.1', 'intel', 'register_shrinker');
    expect(unwindOf(r)).toEqual([
      'kvm_mmu_vendor_module_init@out_shrinker/percpu_counter_destroy', // mmu.c:6781
      'kvm_mmu_vendor_module_init@out/mmu_destroy_caches', // mmu.c:6783
      'mmu_destroy_caches/kmem_cache_destroy:pte_list_desc', // mmu.c:6650
      'mmu_destroy_caches/cache_pointer_clear:pte_list_desc', // mmu.c:6651
      'mmu_destroy_caches/kmem_cache_destroy:kvm_mmu_page_header',
      'mmu_destroy_caches/cache_pointer_clear:kvm_mmu_page_header', // mmu.c:6653
      'kvm_x86_vendor_init@out_free_percpu/free_percpu', // x86.c:9514 → 9534
      'kvm_x86_vendor_init@out_free_x86_emulator_cache/kmem_cache_destroy',
    ]);
    expect(r.findings).toEqual([]);
  });
  it('a failed hardware_setup() unwinds kvm_init() (kvm_main.c:5938 → out_free_1) and then vmx_init()’s err_kvm_init (vmx.c:8682 → 8686)', () => {
    const r = failAt('v6.1', 'intel', 'hardware_setup');
    const unwind = unwindOf(r);
    expect(unwind.slice(0, 7)).toEqual([
      'kvm_init@out_free_1/free_cpumask_var', // kvm_main.c:6020
      'kvm_init@out_free_0/kvm_irqfd_exit', // kvm_main.c:6022
      'kvm_init@out_irqfd/kvm_arch_exit', // kvm_main.c:6024, the empty stub at x86.c:9444
      'vmx_init@err_kvm_init/__vmx_exit', // vmx.c:8687
      '__vmx_exit/cpu_emergency_unregister_virt_callback',
      '__vmx_exit/vmx_cleanup_l1d_flush',
      'vmx_init@err_l1d_flush/kvm_x86_vendor_exit', // vmx.c:8689
    ]);
    // kvm_x86_vendor_exit() tears the MMU down (x86.c:9560); the vendor's own setup is not undone.
    expect(unwind).toContain('kvm_x86_vendor_exit/kvm_mmu_vendor_module_exit');
    expect(unwind).not.toContain('kvm_arch_hardware_unsetup/ops->hardware_unsetup');
    expect(r.findings).toEqual([]);
  });
  it('every fault point on both vendors unwinds without a finding', () => {
    for (const vendor of ['intel', 'amd'] as const)
      for (const at of [
        'hardware_setup',
        'kmem_cache_create:pte_list_desc',
        'kmem_cache_create:kvm_mmu_page_header',
        'percpu_counter_init',
        'register_shrinker',
      ] as const) {
        const r = failAt('v6.1', vendor, at);
        expect(r.faults[0]!.firedAt, `${vendor} ${at}`).not.toBeNull();
        expect(r.findings, `${vendor} ${at}`).toEqual([]);
      }
  });
});

describe('v6.12 (Debian 6.12.118): the v6.3+ structure with v6.12’s spellings', () => {
  it('VMX: guard(mutex), the MMU vendor init, then hardware_setup() and the ops, all before kvm_init()', () => {
    const r = mustRun('v6.12', 'intel');
    expectOrder(r, [
      'vmx_init/kvm_x86_vendor_init', // vmx.c:8648
      'kvm_x86_vendor_init/guard', // x86.c:9276
      'kvm_x86_vendor_init/vendor_exclusive_check', // x86.c:9278
      'kvm_x86_vendor_init/kvm_mmu_vendor_module_init', // x86.c:9327
      'kvm_mmu_vendor_module_init/kmem_cache_create:pte_list_desc', // mmu.c:7418 KMEM_CACHE
      'kvm_mmu_vendor_module_init/register_shrinker', // mmu.c:7431 shrinker_alloc
      'kvm_x86_vendor_init/ops->hardware_setup', // x86.c:9354
      'vmx_hardware_setup/setup_vmcs_config', // vmx.c:8412
      'vmx_hardware_setup/kvm_configure_mmu', // vmx.c:8515
      'kvm_x86_vendor_init/ops_update', // x86.c:9361
      'vmx_init/vmx_setup_l1d_flush', // vmx.c:8659
      'vmx_init/kvm_init', // vmx.c:8683
      'kvm_init/kvm_init_virtualization', // kvm_main.c:6571
      'kvm_init/misc_register', // kvm_main.c:6579
    ]);
    const create = r.trace.events.find((e) =>
      e.stepId?.endsWith('kmem_cache_create:pte_list_desc'),
    );
    expect(create?.title).toBe('pte_list_desc_cache = KMEM_CACHE(pte_list_desc, SLAB_ACCOUNT)');
    expect(create?.src).toEqual({
      kind: 'kernel',
      tree: 'v6.12.118',
      file: 'arch/x86/kvm/mmu/mmu.c',
      line: 7418,
    });
  });
  it('unload: __vmx_exit() runs before kvm_x86_vendor_exit() (vmx.c:8629–8630), and the ops are cleared last (x86.c:9458)', () => {
    const r = mustRun('v6.12', 'intel', {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'],
    });
    expectOrder(r, [
      'vmx_exit/kvm_exit',
      'vmx_exit/__vmx_exit',
      'vmx_exit/kvm_x86_vendor_exit',
      'kvm_x86_vendor_exit/ops->hardware_unsetup', // x86.c:9449
      'kvm_x86_vendor_exit/kvm_mmu_vendor_module_exit', // x86.c:9450
      'kvm_mmu_vendor_module_exit/unregister_shrinker', // mmu.c:7462 shrinker_free
      'kvm_x86_vendor_exit/ops_clear', // x86.c:9458
    ]);
  });
  it('a failed hardware_setup() goes to out_mmu_exit (x86.c:9356 → 9419): the MMU exit, the percpu MSRs, the emulator cache', () => {
    const r = failAt('v6.12', 'intel', 'hardware_setup');
    expect(unwindOf(r).filter((id) => id.startsWith('kvm_x86_vendor_init@'))).toEqual([
      'kvm_x86_vendor_init@out_mmu_exit/kvm_mmu_vendor_module_exit', // x86.c:9420
      'kvm_x86_vendor_init@out_free_percpu/free_percpu', // x86.c:9422
      'kvm_x86_vendor_init@out_free_x86_emulator_cache/kmem_cache_destroy', // x86.c:9424
    ]);
    expect(r.trace.events.at(-1)!.title).toBe('insmod kvm_intel: -ENOMEM');
    expect(r.findings).toEqual([]);
  });
  it('a failed shrinker_alloc() goes to out_shrinker (mmu.c:7433 → 7443)', () => {
    const r = failAt('v6.12', 'amd', 'register_shrinker');
    expect(unwindOf(r).slice(0, 2)).toEqual([
      'kvm_mmu_vendor_module_init@out_shrinker/percpu_counter_destroy', // mmu.c:7444
      'kvm_mmu_vendor_module_init@out/mmu_destroy_caches', // mmu.c:7446
    ]);
    expect(r.findings).toEqual([]);
  });
  it('has v6.12’s masks: memtype and suppress-#VE in EPT entries, A/D off without hardware A/D', () => {
    const m = finalOf(mustRun('v6.12', 'intel', { params: { eptAD: false } })).masks;
    expect(m.shadow_present_mask).toBe(1n << 63n); // spte.c:440
    expect(m.shadow_memtype_mask).toBe(0x78n); // spte.c:447
    expect(m.shadow_accessed_mask).toBe(0n);
  });
});

describe('imported data is input: strict, bounded, and every name must resolve', () => {
  const good = ImportedTreeSchema.parse(V6_12);
  const build = (d: ImportedTree) =>
    variantFromImport(
      ERA_6_12,
      { id: 'v6.12', title: 't', kind: 'shipped', summary: '', sources: [] },
      d,
    );
  const edit = (f: (d: ImportedTree) => void): ImportedTree => {
    const d = structuredClone(good);
    f(d);
    return d;
  };
  const fnNamed = (d: ImportedTree, name: string) => d.functions.find((x) => x.name === name)!;

  it('the committed data builds', () => {
    expect(build(good).ok).toBe(true);
  });
  it.each([
    ['an unknown field', { ...good, extra: 1 }],
    [
      'a step that is two kinds',
      edit((d) => Object.assign(fnNamed(d, 'vmx_init').body[0]!, { op: 'hardware_setup' })),
    ],
    [
      'an effect the model does not have',
      edit((d) => Object.assign(fnNamed(d, 'mmu_destroy_caches').body[0]!, { effect: 'rm_rf' })),
    ],
    [
      'markup in a plain call',
      edit((d) => fnNamed(d, 'vmx_init').body.unshift({ line: 1, plain: '<script>x()</script>' })),
    ],
    ['a path outside the kernel', edit((d) => (d.functions[0]!.file = '../../etc/passwd.c'))],
    ['too many functions', { ...good, functions: Array(200).fill(good.functions[0]) }],
  ])('rejects %s', (_, data) => {
    expect(ImportedTreeSchema.safeParse(data).success).toBe(false);
  });
  it.each([
    [
      'a call of a function not imported',
      (d: ImportedTree) => fnNamed(d, 'vmx_init').body.push({ line: 1, call: 'nowhere' }),
      'calls nowhere',
    ],
    [
      'an edge to a missing label',
      (d: ImportedTree) => (fnNamed(d, 'vmx_init').body[0]!.onError = 'nope'),
      'no label "nope"',
    ],
    [
      'a guard on something not a config global',
      (d: ImportedTree) => (fnNamed(d, 'vmx_init').body[0]!.when = 'nested'),
      '"nested" is not a config global',
    ],
    [
      'a function defined twice',
      (d: ImportedTree) => d.functions.push(d.functions[0]!),
      'defined twice',
    ],
    [
      'a call cycle',
      (d: ImportedTree) => fnNamed(d, 'kvm_init').body.push({ line: 1, call: 'vmx_init' }),
      'calls itself',
    ],
    ['a missing module entry', (d: ImportedTree) => (d.amd.init = 'kvm_init_xyz'), 'kvm_init_xyz'],
  ])('refuses %s with a message', (_, f, message) => {
    const r = build(edit(f));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});

describe('a scenario may carry an imported tree (docs/scenario.md, "Imported trees")', () => {
  it('runs it with the era of its kernel, like the built-in variant made from the same data', () => {
    const r = runScenario({ v: 1, kernel: 'v6.12', vendor: 'intel', imported: V6_12 });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.variant.title).toBe('6.12.118 (imported, as v6.12)');
    const built = mustRun('v6.12', 'intel');
    expect(r.value.trace.events.map((e) => e.title)).toEqual(
      built.trace.events.map((e) => e.title),
    );
  });
  it('refuses a kernel without an era, and data that does not build, with the reason', () => {
    expect(runScenario({ v: 1, kernel: 'seed-p2', vendor: 'intel', imported: V6_12 })).toEqual({
      ok: false,
      error: expect.stringContaining('seed-p2 is not one'),
    });
    const broken = structuredClone(V6_12) as ImportedTree;
    broken.intel.init = 'nowhere';
    expect(runScenario({ v: 1, kernel: 'v6.12', vendor: 'intel', imported: broken })).toEqual({
      ok: false,
      error: expect.stringContaining('invalid scenario: imported: the module entries name nowhere'),
    });
    expect(
      runScenario({ v: 1, kernel: 'v6.12', vendor: 'intel', imported: { version: 'x' } }),
    ).toEqual({ ok: false, error: expect.stringContaining('invalid scenario: imported.') });
  });
});
