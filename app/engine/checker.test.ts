/**
 * The ordering checker: every teaching variant yields the hazard it was built to
 * show, every correct ordering yields none, and injected faults unwind cleanly
 * wherever the kernel's error paths are correct (and leak where kernel-facts.md
 * records a real bug).
 */
import { describe, expect, it } from 'vitest';
import { VENDORS, type Vendor, type VariantId } from './ids';
import type { ScenarioInput } from './scenario';
import { FAULT_CASES, kindsOf, mustRun, runFaultCase } from './testing';

const CORRECT: VariantId[] = [
  'v5.19',
  'seed-p2',
  'seed-p3',
  'alt-configure-mmu',
  'v6.0',
  'v6.1',
  'v6.6',
  'v6.12',
  'latest',
  'v7.1',
];
const kinds = (kernel: VariantId, vendor: Vendor, extra = {}) =>
  mustRun(kernel, vendor, extra).findings.map((f) => f.kind);

describe('correct orderings yield no findings', () => {
  const scenarios: Partial<ScenarioInput>[] = [
    {},
    { params: { tdp: false } },
    { params: { tdpMmu: false, eptAD: false } },
    { params: { sme: true, sevEs: true } },
    {
      modules: [
        'load kvm',
        'load kvm_intel',
        'unload kvm_intel',
        'load kvm_amd',
        'unload kvm_amd',
        'unload kvm',
      ],
    },
    {
      workload: [
        { op: 'map', gfn: 4096, sptes: 40 },
        { op: 'unmap', gfn: 4096, sptes: 20 },
      ],
    },
  ];
  for (const kernel of CORRECT)
    for (const vendor of VENDORS)
      it.each(scenarios)(`${kernel} on ${vendor} %j`, (extra) => {
        expect(mustRun(kernel, vendor, extra).findings).toEqual([]);
      });
});

describe('teaching variants yield their finding', () => {
  it.each(VENDORS)(
    'bad-reset-after-setup (%s): clobber — the reset overwrites what the vendor wrote',
    (vendor) => {
      const r = mustRun('bad-reset-after-setup', vendor);
      const clobbers = r.findings.filter((f) => f.kind === 'clobber');
      expect(clobbers.length).toBeGreaterThan(0);
      expect(clobbers[0]!.steps[0]).toMatch(/^kvm_mmu_reset_all_pte_masks\//);
      expect(clobbers[0]!.message).toMatch(vendor === 'intel' ? /VMX/ : /SVM/);
    },
  );
  it('bad-reset-after-setup on VMX names the EPT masks and their clobbered values', () => {
    const f = mustRun('bad-reset-after-setup', 'intel').findings.find(
      (x) => x.kind === 'clobber' && x.steps[1] === 'kvm_mmu_set_ept_masks/set_ept_masks',
    )!;
    expect(f.message).toContain('shadow_present_mask 0x0 → 0x1');
    expect(f.message).toContain('shadow_x_mask 0x4 → 0x0');
  });
  it.each(VENDORS)(
    'bad-create-before-configure (%s): stale-read of nr_sptes_per_pte_list, the WARN, and -EIO',
    (vendor) => {
      const r = mustRun('bad-create-before-configure', vendor);
      expect(r.findings.map((f) => f.kind)).toEqual(['stale-read', 'warn', 'error-return']);
      expect(r.findings[0]!.message).toContain('nr_sptes_per_pte_list');
      expect(r.findings[0]!.steps).toEqual([
        'kvm_mmu_hardware_setup/nr_sptes_check',
        'kvm_configure_mmu/configure_mmu',
      ]);
      expect(r.findings[2]!.message).toContain('-EIO');
    },
  );
  it.each(VENDORS)(
    'bad-alt-no-unconfigure (%s): the caches, counter and shrinker leak at unload',
    (vendor) => {
      expect(kinds('bad-alt-no-unconfigure', vendor)).toEqual(['leak', 'leak', 'leak', 'leak']);
      const unload = { modules: ['load kvm', `load kvm_${vendor}`, `unload kvm_${vendor}`] };
      const r = mustRun('bad-alt-no-unconfigure', vendor, unload);
      expect(r.findings).toHaveLength(4);
      expect(r.findings[0]!.message).toMatch(/still allocated after kvm_\w+ was unloaded/);
    },
  );
  it('bad-alt-no-unconfigure: hardware_setup failing after kvm_configure_mmu leaks everything', () => {
    const r = mustRun('bad-alt-no-unconfigure', 'intel', { fail: [{ at: 'hardware_setup' }] });
    expect(r.findings.map((f) => f.kind)).toEqual(['leak', 'leak', 'leak', 'leak']);
    expect(r.findings[0]!.message).toMatch(/failed with -ENOMEM: nothing on the error path/);
  });
});

describe('invariants: end states the kernel never reaches', () => {
  const only = (kernel: VariantId, vendor: Vendor, extra: Partial<ScenarioInput>) =>
    mustRun(kernel, vendor, extra).findings;
  it.each([
    ['v6.0', 'intel', 'hardware_setup/kvm_configure_mmu', 'VMX decided enable_ept = 1'],
    ['v6.0', 'amd', 'svm_hardware_setup/kvm_configure_mmu', 'SVM decided npt_enabled = 1'],
    ['v7.1', 'intel', 'vmx_hardware_setup/kvm_configure_mmu', 'VMX decided enable_ept = 1'],
  ] as [VariantId, Vendor, string, string][])(
    'TDP decided by the vendor, kvm_configure_mmu() never called (%s on %s): tdp_enabled ≠ the vendor’s flag',
    (kernel, vendor, step, says) => {
      const [f, ...rest] = only(kernel, vendor, { edits: [{ remove: step }] });
      expect(rest).toEqual([]);
      expect(f).toMatchObject({ kind: 'missing-step', invariants: ['tdp'] });
      expect(f!.steps[0]).toBe(step);
      expect(f!.message).toMatch(/^kvm_configure_mmu\(\) in \w+\(\) never ran in insmod kvm_\w+: /);
      expect(f!.message).toContain(`${says}, but tdp_enabled is 0`);
      expect(f!.message).toContain('max_huge_page_level 0, a level kvm_configure_mmu() never sets');
      expect(f!.advice).toContain('kvm_configure_mmu() is the only writer of tdp_enabled');
      expect(f!.links[0]!.url).toMatch(/\/arch\/x86\/kvm\/mmu\/mmu\.c#L(5661|6620)$/);
    },
  );
  it('the issue’s example: v6.0 on Intel without kvm_configure_mmu() is reported, and --fail-on-findings would fail', () => {
    const r = mustRun('v6.0', 'intel', { edits: [{ remove: 'hardware_setup/kvm_configure_mmu' }] });
    expect(r.findings.map((f) => f.kind)).toEqual(['missing-step']);
  });
  it('a VM created without the caches it allocates from', () => {
    const fs = only('v6.0', 'intel', {
      edits: [{ remove: 'kvm_mmu_vendor_module_init/kmem_cache_create:pte_list_desc' }],
      workload: [{ op: 'map', gfn: 1, sptes: 3 }],
    });
    expect(fs.map((f) => f.kind)).toEqual(['missing-step', 'vm-setup']);
    const vm = fs[1]!;
    expect(vm.invariants).toEqual(['caches']);
    expect(vm.message).toContain('pte_list_desc_cache is NULL or destroyed');
    expect(vm.advice).toContain('mmu_topup_memory_caches()');
    expect(vm.links.map((l) => l.url)).toContain(
      'https://elixir.bootlin.com/linux/v6.0.19/source/arch/x86/kvm/mmu/mmu.c#L645',
    );
  });
  it.each([
    ['v6.0', 'kvm_arch_hardware_setup/ops_update'],
    ['v6.6', '__kvm_x86_vendor_init/ops_update'],
  ] as [VariantId, string][])('vendor ops never installed (%s)', (kernel, step) => {
    const [f, ...rest] = only(kernel, 'intel', { edits: [{ remove: step }] });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'missing-step', invariants: ['ops'], steps: [step] });
    expect(f!.message).toContain('kvm_x86_ops = null, where');
    expect(f!.message).toContain('kvm_x86_ops are not kvm_intel');
    expect(f!.advice).toContain('kvm_ops_update() copies the vendor’s runtime ops');
  });
  it('masks left at their reset values although VMX’s setup ran', () => {
    const [f, ...rest] = only('v6.0', 'intel', {
      edits: [{ remove: 'hardware_setup/kvm_mmu_set_ept_masks' }],
    });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'missing-step', invariants: ['masks'] });
    expect(f!.message).toContain('shadow_x_mask = 0x0');
    expect(f!.message).toContain(
      "still hold the values kvm_mmu_reset_all_pte_masks() gave them, although VMX's hardware_setup() ran",
    );
    expect(f!.advice).toContain('with EPT, kvm_mmu_set_ept_masks()');
  });
  it('and on SVM with SME: the C-bit never set', () => {
    const [f] = only('v6.6', 'amd', {
      params: { sme: true },
      edits: [{ remove: 'svm_hardware_setup/kvm_mmu_set_me_spte_mask' }],
    });
    expect(f).toMatchObject({ kind: 'missing-step', invariants: ['masks'] });
    expect(f!.message).toContain('shadow_me_value = 0x0');
  });
  it('a second vendor module loads because the -EEXIST check is gone', () => {
    const fs = only('latest', 'intel', {
      modules: ['load kvm', 'load kvm_intel', 'load kvm_amd'],
      edits: [{ remove: 'kvm_x86_vendor_init/vendor_exclusive_check' }],
    });
    const f = fs.find((x) => x.kind === 'missing-step')!;
    expect(f.message).toContain('the load succeeds, where v6.19 fails it with -EEXIST');
  });
  it('a harmless reordering is no finding: the reference ends every op the same way', () => {
    const r = mustRun('v6.0', 'intel', {
      edits: [
        {
          move: 'kvm_mmu_vendor_module_init/register_shrinker',
          to: 'kvm_mmu_vendor_module_init',
          index: 4,
        },
      ],
    });
    expect(r.edits).toHaveLength(1);
    expect(r.findings).toEqual([]);
  });
});

describe('fault injection unwinds', () => {
  // Where the kernel's own unwind is wrong, or a proposal's is, FAULT_CASES says so and why
  // (testing.ts): e.g. <= v6.0 and the v1 series leave the percpu counter allocated when
  // register_shrinker() fails (fixed in v6.1, "fix memoryleak in kvm_mmu_vendor_module_init()").
  it.each(
    FAULT_CASES.map((c) => [`${c.kernel} on ${c.vendor}, fault at ${c.at}: ${c.why}`, c] as const),
  )('%s', (_, c) => {
    const r = runFaultCase(c);
    expect(kindsOf(r)).toEqual(c.kinds);
    const fault = r.faults[0]!;
    const reached = c.rule !== 'never-reached' && c.rule !== 'nr-sptes-warn';
    expect(fault.firedAt === null).toBe(!reached);
    if (!reached) expect(r.notes.join(' ')).toContain('never reaches that point');
    // The load fails (at the fault, or at the WARN before it) unless the point does not exist.
    const last = r.trace.events.at(-1)!;
    expect(last.kind).toBe('module');
    expect(Boolean(last.errno)).toBe(c.rule !== 'never-reached');
    expect(r.trace.stateAt(r.trace.length - 1).modules[`kvm_${c.vendor}`]).toBe(
      c.rule === 'never-reached',
    );
  });

  it('v6.6 destroys the percpu counter when the shrinker fails (out_shrinker label)', () => {
    const r = mustRun('v6.6', 'intel', { fail: [{ at: 'register_shrinker' }] });
    expect(
      r.trace.events.some(
        (e) => e.stepId === 'kvm_mmu_vendor_module_init@out_shrinker/percpu_counter_destroy',
      ),
    ).toBe(true);
    expect(r.findings).toEqual([]);
  });

  it('a fault can fire on a later visit (nth), e.g. the second vendor load', () => {
    const r = mustRun('v6.0', 'intel', {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'],
      fail: [{ at: 'kmem_cache_create:kvm_mmu_page_header', nth: 2 }],
    });
    expect(r.faults[0]!.firedAt).not.toBeNull();
    expect(r.trace.stateAt(r.trace.length - 1).modules).toMatchObject({
      kvm_intel: false,
      kvm_amd: false,
    });
    expect(r.findings).toEqual([]);
  });

  // Found by this checker, confirmed by reading mmu.c (v5.19 L6222-6316, v6.6.87 L6800-6925,
  // v6.19 L7470-7606, v7.1.3 L7501-7669): pte_list_desc_cache and mmu_page_header_cache are kvm.ko statics that
  // mmu_destroy_caches() never clears. If a vendor *re*load fails its first kmem_cache_create(),
  // the error path destroys mmu_page_header_cache, which still points at the cache the previous
  // unload destroyed: a use-after-free on an allocation-failure path in every modelled kernel.
  it.each(['v5.19', 'v6.0', 'v6.6', 'latest', 'v7.1'] as VariantId[])(
    '%s: a reload failing at kmem_cache_create(pte_list_desc) destroys the stale header cache again',
    (kernel) => {
      const r = mustRun(kernel, 'intel', {
        modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'],
        fail: [{ at: 'kmem_cache_create:pte_list_desc', nth: 2 }],
      });
      expect(r.findings.map((f) => f.kind)).toEqual(['double-free']);
      expect(r.findings[0]!.steps[0]).toBe(
        'mmu_destroy_caches/kmem_cache_destroy:kvm_mmu_page_header',
      );
    },
  );
  // Debian's 6.1.192 and 6.12.118 clear both pointers in mmu_destroy_caches() (mmu.c L6651,
  // L6653; L7290, L7292), read by the importer: the same reload destroys nothing twice.
  it.each(['v6.1', 'v6.12'] as VariantId[])(
    '%s: the same reload finds the pointers cleared and unwinds cleanly',
    (kernel) => {
      const r = mustRun(kernel, 'intel', {
        modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'],
        fail: [{ at: 'kmem_cache_create:pte_list_desc', nth: 2 }],
      });
      expect(r.findings).toEqual([]);
      const cleared = r.trace.events.filter((e) => e.stepId?.includes('cache_pointer_clear'));
      expect(cleared.map((e) => e.title)).toContain('mmu_page_header_cache = NULL');
    },
  );
});

describe('module params read before the load rewrites them', () => {
  it('latest: the TDX gate moved to the start of vmx_init() reads the MMU params before this load sets them (stale-read)', () => {
    const r = mustRun('latest', 'intel', {
      params: { tdx: true },
      edits: [{ move: 'vt_init/tdx_bringup', to: 'vmx_init', index: 0 }],
    });
    // Each global it decides from, read before the step of this load that sets it.
    expect(r.findings.map((f) => [f.kind, f.message.match(/reads (\w+) =/)?.[1]])).toEqual([
      ['stale-read', 'enable_ept'],
      ['stale-read', 'tdp_mmu_enabled'],
      ['stale-read', 'enable_mmio_caching'],
      ['stale-read', 'enable_ept_ad_bits'],
    ]);
  });
});

describe('reloads and vendor swaps', () => {
  it('loading the other vendor while one is loaded fails with -EEXIST before touching the MMU', () => {
    const r = mustRun('v6.0', 'intel', { modules: ['load kvm', 'load kvm_intel', 'load kvm_amd'] });
    expect(r.findings.map((f) => f.kind)).toEqual(['error-return']);
    expect(r.findings[0]!.message).toContain('-EEXIST');
  });
  it('v5.19 with MAXPHYADDR 52: the second vendor reads enable_mmio_caching left off by the first (stale-read)', () => {
    const swap = {
      params: { physBits: 52 },
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'],
    };
    const r = mustRun('v5.19', 'intel', swap);
    expect(r.findings.map((f) => f.kind)).toEqual(['stale-read']);
    expect(r.findings[0]!.message).toContain('enable_mmio_caching = false, left over');
    expect(mustRun('v6.0', 'intel', swap).findings).toEqual([]);
  });
  it('a vendor swap resets the EPT masks left by kvm_intel before SVM runs (why the reset is per vendor load)', () => {
    const r = mustRun('v6.6', 'intel', {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'],
    });
    const afterUnload = r.trace.stateAt(
      r.trace.events.findIndex((e) => e.title === 'kvm_intel unloaded'),
    );
    expect(afterUnload.masks.shadow_x_mask).toBe(0x4n); // EPT values survive the unload …
    const final = r.trace.stateAt(r.trace.length - 1);
    expect(final.masks.shadow_x_mask).toBe(0n); // … until the next vendor load resets them
    expect(final.masks.shadow_nx_mask).toBe(1n << 63n);
    expect(r.findings).toEqual([]);
  });
});
