/**
 * SPTE mask facts (kernel-facts.md §3), each test naming where the value comes from:
 * arch/x86/kvm/mmu/spte.c kvm_mmu_reset_all_pte_masks() / kvm_mmu_set_ept_masks() /
 * kvm_mmu_set_mmio_spte_mask(), vmx.c vmx_setup_me_spte_mask(), svm.c svm_adjust_mmio_mask().
 */
import { describe, expect, it } from 'vitest';
import { finalOf, hexMasks, mustRun, stateAfter } from './testing';
import type { VariantId } from './ids';

const RESET_DEFAULTS = {
  shadow_user_mask: '0x4',
  shadow_accessed_mask: '0x20',
  shadow_dirty_mask: '0x40',
  shadow_nx_mask: '0x8000000000000000',
  shadow_x_mask: '0x0',
  shadow_present_mask: '0x1',
  shadow_acc_track_mask: '0x0',
  shadow_me_mask: '0x0',
  shadow_me_value: '0x0',
  shadow_host_writable_mask: '0x200',
  shadow_mmu_writable_mask: '0x400',
  shadow_nonpresent_or_rsvd_mask: '0x0',
  // GENMASK_ULL(45, 12) for 46 physical address bits
  shadow_nonpresent_or_rsvd_lower_gfn_mask: '0x3ffffffff000',
  // BIT_ULL(51) | PT_PRESENT_MASK, both value and mask; ACC_WRITE_MASK | ACC_USER_MASK
  shadow_mmio_value: '0x8000000000001',
  shadow_mmio_mask: '0x8000000000001',
  shadow_mmio_access_mask: '0x6',
};

describe('kvm_mmu_reset_all_pte_masks() defaults [spte.c v5.19 L405, v6.0.19 L443, v6.6.87 L461, v6.19 L518, v7.1.3 L518 (the same spte.c)]', () => {
  const cases: [VariantId, boolean][] = [
    ['v5.19', false],
    ['v6.0', true],
    ['v6.6', true],
    ['latest', false],
    ['v7.1', false],
  ];
  it.each(cases)('%s (memtype mask present: %s)', (kernel, memtype) => {
    const r = mustRun(kernel, 'intel', { params: { tdp: false } });
    const masks = hexMasks(finalOf(r));
    expect(masks).toMatchObject(RESET_DEFAULTS);
    expect('shadow_memtype_mask' in masks).toBe(memtype);
    if (memtype) expect(masks.shadow_memtype_mask).toBe('0x0');
  });

  it('without a reserved address bit (MAXPHYADDR 52) MMIO caching is off [spte.c: mask = 0 when phys bits >= 52]', () => {
    const s = finalOf(mustRun('v6.0', 'amd', { params: { physBits: 52 } }));
    expect(hexMasks(s)).toMatchObject({ shadow_mmio_value: '0x0', shadow_mmio_mask: '0x0' });
    expect(s.config.enable_mmio_caching).toBe(false);
  });

  it('L1TF: 5 bits below x86_cache_bits hold the relocated GFN [spte.c reset, SHADOW_NONPRESENT_OR_RSVD_MASK_LEN = 5]', () => {
    const masks = hexMasks(
      finalOf(mustRun('v6.0', 'intel', { params: { l1tf: true, tdp: false } })),
    );
    expect(masks.shadow_nonpresent_or_rsvd_mask).toBe('0x3e0000000000'); // bits 41..45
    expect(masks.shadow_nonpresent_or_rsvd_lower_gfn_mask).toBe('0x1fffffff000'); // bits 12..40
  });

  it('L1TF with x86_cache_bits >= 47 WARNs and leaves the mask empty [spte.c WARN_ON_ONCE]', () => {
    const r = mustRun('v6.0', 'intel', { params: { l1tf: true, physBits: 48, tdp: false } });
    expect(hexMasks(finalOf(r)).shadow_nonpresent_or_rsvd_mask).toBe('0x0');
    expect(r.findings.map((f) => f.kind)).toContain('warn');
  });
});

describe('kvm_mmu_set_ept_masks() for every A/D × execute-only combination', () => {
  // [spte.c v5.19 L384 / v6.0.19 L415]: A/D masks only with A/D; present needs R without exec-only.
  const v60 = [
    { eptAD: true, eptExecOnly: true, accessed: '0x100', dirty: '0x200', present: '0x0' },
    { eptAD: true, eptExecOnly: false, accessed: '0x100', dirty: '0x200', present: '0x1' },
    { eptAD: false, eptExecOnly: true, accessed: '0x0', dirty: '0x0', present: '0x0' },
    { eptAD: false, eptExecOnly: false, accessed: '0x0', dirty: '0x0', present: '0x1' },
  ];
  it.each(v60)(
    'v6.0: A/D $eptAD, exec-only $eptExecOnly',
    ({ eptAD, eptExecOnly, accessed, dirty, present }) => {
      const masks = hexMasks(
        stateAfter(mustRun('v6.0', 'intel', { params: { eptAD, eptExecOnly } }), 'set_ept_masks'),
      );
      expect(masks).toMatchObject({
        shadow_user_mask: '0x1',
        shadow_accessed_mask: accessed,
        shadow_dirty_mask: dirty,
        shadow_nx_mask: '0x0',
        shadow_x_mask: '0x4',
        shadow_present_mask: present,
        shadow_memtype_mask: '0x78', // VMX_EPT_MT_MASK | VMX_EPT_IPAT_BIT, v6.0+ (38bf9d7bf277)
        shadow_acc_track_mask: '0x7',
        shadow_host_writable_mask: '0x200000000000000', // EPT_SPTE_HOST_WRITABLE, bit 57
        shadow_mmu_writable_mask: '0x400000000000000', // EPT_SPTE_MMU_WRITABLE, bit 58
      });
    },
  );

  it.each(v60)(
    'v5.19 has no memtype mask: A/D $eptAD, exec-only $eptExecOnly',
    ({ eptAD, eptExecOnly, accessed, dirty, present }) => {
      const masks = hexMasks(
        stateAfter(mustRun('v5.19', 'intel', { params: { eptAD, eptExecOnly } }), 'set_ept_masks'),
      );
      expect(masks).toMatchObject({
        shadow_accessed_mask: accessed,
        shadow_dirty_mask: dirty,
        shadow_present_mask: present,
      });
      expect('shadow_memtype_mask' in masks).toBe(false);
    },
  );

  // [spte.c v6.19 L492]: A/D always set (software bits without hardware A/D), kvm_ad_enabled records it;
  // present carries VMX_EPT_SUPPRESS_VE_BIT (bit 63).
  const latest = [
    { eptAD: true, eptExecOnly: true, present: '0x8000000000000000' },
    { eptAD: true, eptExecOnly: false, present: '0x8000000000000001' },
    { eptAD: false, eptExecOnly: true, present: '0x8000000000000000' },
    { eptAD: false, eptExecOnly: false, present: '0x8000000000000001' },
  ];
  it.each(latest)(
    'latest (v6.19): A/D $eptAD, exec-only $eptExecOnly',
    ({ eptAD, eptExecOnly, present }) => {
      const s = stateAfter(
        mustRun('latest', 'intel', { params: { eptAD, eptExecOnly } }),
        'set_ept_masks',
      );
      expect(hexMasks(s)).toMatchObject({
        shadow_accessed_mask: '0x100',
        shadow_dirty_mask: '0x200',
        shadow_present_mask: present,
      });
      expect(s.config.kvm_ad_enabled).toBe(eptAD);
    },
  );

  it('EPT MMIO: misconfig value W|X = 0x6 under RWX mask 0x7, access 0 [spte.c, VMX_EPT_MISCONFIG_WX_VALUE]', () => {
    expect(hexMasks(finalOf(mustRun('v6.0', 'intel')))).toMatchObject({
      shadow_mmio_value: '0x6',
      shadow_mmio_mask: '0x7',
      shadow_mmio_access_mask: '0x0',
    });
    // v6.10+: the mask also covers suppress-#VE (bit 63)
    expect(hexMasks(finalOf(mustRun('latest', 'intel'))).shadow_mmio_mask).toBe(
      '0x8000000000000007',
    );
  });

  it('without EPT, VMX leaves the x86 defaults in place [vmx.c: if (enable_ept) kvm_mmu_set_ept_masks()]', () => {
    const r = mustRun('v6.0', 'intel', { params: { tdp: false } });
    expect(hexMasks(finalOf(r))).toMatchObject(RESET_DEFAULTS);
    expect(
      r.trace.events.some((e) => e.kind === 'skip' && e.stepId?.endsWith('kvm_mmu_set_ept_masks')),
    ).toBe(true);
  });
});

describe('MMIO caching across loads (c3e0c8c2e8b1, v6.0)', () => {
  it('v5.19: once a reset turns caching off (MAXPHYADDR 52), EPT cannot turn it back on', () => {
    const s = finalOf(mustRun('v5.19', 'intel', { params: { physBits: 52 } }));
    expect(s.config.enable_mmio_caching).toBe(false);
    expect(hexMasks(s).shadow_mmio_value).toBe('0x0');
  });
  it('v6.0: every call starts from allow_mmio_caching, so EPT gets its 0x6 value', () => {
    const s = finalOf(mustRun('v6.0', 'intel', { params: { physBits: 52 } }));
    expect(s.config.enable_mmio_caching).toBe(true);
    expect(hexMasks(s).shadow_mmio_value).toBe('0x6');
  });
  it('the kvm.mmio_caching=0 param keeps it off everywhere', () => {
    const s = finalOf(mustRun('v6.0', 'intel', { params: { mmioCaching: false } }));
    expect(s.config.enable_mmio_caching).toBe(false);
    expect(hexMasks(s).shadow_mmio_value).toBe('0x0');
  });
});

describe('memory-encryption masks', () => {
  it('VMX: KeyID bits between x86_phys_bits and MAXPHYADDR [vmx.c vmx_setup_me_spte_mask]', () => {
    const masks = hexMasks(finalOf(mustRun('v6.6', 'intel', { params: { mktmeKeyIdBits: 6 } })));
    expect(masks).toMatchObject({ shadow_me_value: '0x0', shadow_me_mask: '0x3f0000000000' }); // bits 40..45
  });
  it('SVM with SME: C-bit in value and mask; MMIO uses reserved bits above x86_phys_bits [svm.c svm_adjust_mmio_mask]', () => {
    const masks = hexMasks(
      finalOf(mustRun('v6.0', 'amd', { params: { sme: true, smeCBit: 47, smePhysReduction: 5 } })),
    );
    expect(masks).toMatchObject({
      shadow_me_value: '0x800000000000',
      shadow_me_mask: '0x800000000000',
      // x86_phys_bits = 46 - 5 = 41: rsvd_bits(41, 51) | PT_PRESENT_MASK
      shadow_mmio_value: '0xffe0000000001',
      shadow_mmio_mask: '0xffe0000000001',
      shadow_mmio_access_mask: '0x6',
      shadow_nonpresent_or_rsvd_lower_gfn_mask: '0x1fffffff000',
    });
  });
  it('SVM: the C-bit is skipped when it sits exactly at x86_phys_bits', () => {
    const masks = hexMasks(
      finalOf(mustRun('v6.0', 'amd', { params: { sme: true, smeCBit: 41, smePhysReduction: 5 } })),
    );
    expect(masks.shadow_mmio_mask).toBe('0xffc0000000001'); // bits 42..51 | P
  });
  it('SVM without SME: svm_adjust_mmio_mask() returns early and the default stays', () => {
    const r = mustRun('v6.0', 'amd');
    expect(hexMasks(finalOf(r)).shadow_mmio_value).toBe('0x8000000000001');
    expect(
      r.trace.events.some((e) => e.kind === 'skip' && e.stepId?.startsWith('svm_adjust_mmio_mask')),
    ).toBe(true);
  });
});

describe('kvm_configure_mmu() [mmu.c v5.19 L5510, v6.6.87 L5884]', () => {
  it('VMX with EPT: TDP, no forced root, 4 levels, 1G pages', () => {
    expect(finalOf(mustRun('v6.0', 'intel')).config).toMatchObject({
      tdp_enabled: true,
      tdp_root_level: 0,
      max_tdp_level: 4,
      max_huge_page_level: 3,
    });
  });
  it('VMX: 5-level EPT and 2M-only EPT caps', () => {
    expect(
      finalOf(mustRun('v6.0', 'intel', { params: { fiveLevel: true, eptLargePages: '2M' } }))
        .config,
    ).toMatchObject({
      max_tdp_level: 5,
      max_huge_page_level: 2,
    });
  });
  it('SVM: root level forced to the host paging level', () => {
    expect(finalOf(mustRun('v6.0', 'amd')).config).toMatchObject({
      tdp_root_level: 4,
      max_tdp_level: 4,
      max_huge_page_level: 3,
    });
  });
  it('shadow paging: huge pages follow GBPAGES', () => {
    expect(
      finalOf(mustRun('v6.0', 'intel', { params: { tdp: false } })).config.max_huge_page_level,
    ).toBe(3);
    expect(
      finalOf(mustRun('v6.0', 'intel', { params: { tdp: false, gbpages: false } })).config
        .max_huge_page_level,
    ).toBe(2);
  });
  it('v6.3+: tdp_mmu_enabled = tdp_mmu_allowed && tdp_enabled (3af15ff47c4d)', () => {
    expect(finalOf(mustRun('v6.6', 'intel')).config.tdp_mmu_enabled).toBe(true);
    expect(
      finalOf(mustRun('v6.6', 'intel', { params: { tdp: false } })).config.tdp_mmu_enabled,
    ).toBe(false);
    expect(
      finalOf(mustRun('v6.6', 'intel', { params: { tdpMmu: false } })).config.tdp_mmu_enabled,
    ).toBe(false);
  });
  it('seed-p3: nr_sptes_per_pte_list is 2 with TDP, 14 without [PATCH 3/4]', () => {
    expect(finalOf(mustRun('seed-p3', 'intel')).config.nr_sptes_per_pte_list).toBe(2);
    expect(
      finalOf(mustRun('seed-p3', 'amd', { params: { tdp: false } })).config.nr_sptes_per_pte_list,
    ).toBe(14);
  });
});

describe('consumers of the final MMU configuration', () => {
  it('v6.0+: SEV-ES is turned off when MMIO caching ended up off; v5.19 does not check [sev.c sev_hardware_setup, 0c29397ac1fd]', () => {
    const off = { params: { sevEs: true, mmioCaching: false } };
    expect(finalOf(mustRun('v6.0', 'amd', off)).config.sev_es_enabled).toBe(false);
    expect(finalOf(mustRun('v6.0', 'amd', { params: { sevEs: true } })).config.sev_es_enabled).toBe(
      true,
    );
    expect(finalOf(mustRun('v5.19', 'amd', off)).config.sev_es_enabled).toBe(true);
  });
  it.each([
    ['latest', 'tdx_bringup, v6.19 L3509'],
    ['v7.1', 'tdx_hardware_setup, v7.1.3 L3360'],
  ] as [VariantId, string][])(
    '%s: TDX stays on only with EPT, the TDP MMU, MMIO caching and EPT A/D [tdx.c %s]',
    (kernel) => {
      expect(finalOf(mustRun(kernel, 'intel', { params: { tdx: true } })).config.enable_tdx).toBe(
        true,
      );
      for (const params of [
        { tdpMmu: false },
        { mmioCaching: false },
        { eptAD: false },
        { tdp: false },
      ])
        expect(
          finalOf(mustRun(kernel, 'intel', { params: { tdx: true, ...params } })).config.enable_tdx,
        ).toBe(false);
    },
  );
  it('latest records kvm_host.maxphyaddr once at kvm.ko load instead of shadow_phys_bits per vendor load', () => {
    const r = mustRun('latest', 'intel', { params: { physBits: 48 } });
    expect(
      stateAfter(r, 'kvm_mmu_spte_module_init/maxphyaddr_snapshot').config['kvm_host.maxphyaddr'],
    ).toBe(48);
    expect('shadow_phys_bits' in finalOf(r).config).toBe(false);
  });
  it('kvm.ko load resolves nx_huge_pages=auto from the iTLB multihit bug [mmu.c kvm_mmu_x86_module_init, 1d0e84806047]', () => {
    expect(finalOf(mustRun('v6.6', 'intel')).config.nx_huge_pages).toBe(0);
    expect(
      finalOf(mustRun('v6.6', 'intel', { params: { itlbMultihit: true } })).config.nx_huge_pages,
    ).toBe(1);
  });
});
