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
  'v6.6',
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
