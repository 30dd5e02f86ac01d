/**
 * MMU configuration effects: module-load snapshots, vendor decisions,
 * kvm_configure_mmu(), the v1 series' nr_sptes_per_pte_list check, and the
 * consumers that read configuration after it is set (SEV, TDX).
 */
import { eptHugePageLevel, maxPhyAddr, tdpRootLevel } from '../model/host';
import { PG_LEVEL_1G, PG_LEVEL_2M, PTE_LIST_EXT } from '../constants';
import type { Effect, EffectContext, EffectSpec, VendorOps } from './types';

type Spec<K extends Effect['kind']> = EffectSpec<Extract<Effect, { kind: K }>>;

const cfg = (ctx: EffectContext, key: string) => ctx.w.get('config', key);
const set = (ctx: EffectContext, key: string, v: number | boolean | string | null) =>
  ctx.w.set('config', key, v);

export const note: Spec<'note'> = {
  label: (e) => e.label,
  text: (e) => e.text,
  footprint: () => ({ reads: [], writes: [] }),
  apply: () => ({}),
};

export const nxHugePagesResolve: Spec<'nx_huge_pages_resolve'> = {
  label: () => 'nx_huge_pages: resolve "auto"',
  text: () =>
    'Turns the nx_huge_pages=auto default into on or off: on when the CPU has the iTLB multihit erratum (and mitigations are on). Done at kvm.ko load since 1d0e84806047 so the value is fixed before any VM exists.',
  footprint: () => ({ reads: ['nx_huge_pages'], writes: ['nx_huge_pages'] }),
  apply(_e, ctx) {
    if (cfg(ctx, 'nx_huge_pages') !== -1) return { skipped: true };
    set(ctx, 'nx_huge_pages', ctx.params.itlbMultihit ? 1 : 0);
    return { detail: `nx_huge_pages = ${ctx.params.itlbMultihit ? 1 : 0}` };
  },
};

export const tdpMmuAllowedSnapshot: Spec<'tdp_mmu_allowed_snapshot'> = {
  label: () => 'tdp_mmu_allowed = tdp_mmu_enabled',
  text: () =>
    'Snapshots the user’s kvm.tdp_mmu choice (read-only since v6.3) so that each vendor load can recompute tdp_mmu_enabled from it in kvm_configure_mmu().',
  footprint: () => ({ reads: ['tdp_mmu_enabled'], writes: ['tdp_mmu_allowed'] }),
  apply(_e, ctx) {
    set(ctx, 'tdp_mmu_allowed', cfg(ctx, 'tdp_mmu_enabled') ?? false);
    return {};
  },
};

export const mmioCachingSnapshot: Spec<'mmio_caching_snapshot'> = {
  label: () => 'allow_mmio_caching = enable_mmio_caching',
  text: () =>
    'Snapshots the user’s kvm.mmio_caching choice at kvm.ko load. Vendor loads may turn enable_mmio_caching off; every kvm_mmu_set_mmio_spte_mask() starts again from this snapshot (c3e0c8c2e8b1).',
  footprint: () => ({ reads: ['enable_mmio_caching'], writes: ['allow_mmio_caching'] }),
  apply(_e, ctx) {
    set(ctx, 'allow_mmio_caching', cfg(ctx, 'enable_mmio_caching') ?? false);
    return {};
  },
};

export const maxphyaddrSnapshot: Spec<'maxphyaddr_snapshot'> = {
  label: () => 'kvm_host.maxphyaddr = kvm_get_host_maxphyaddr()',
  text: () =>
    'Records the raw MAXPHYADDR once at kvm.ko load (it replaced the per-vendor-load shadow_phys_bits).',
  footprint: () => ({ reads: [], writes: ['kvm_host.maxphyaddr'] }),
  apply(_e, ctx) {
    set(ctx, 'kvm_host.maxphyaddr', maxPhyAddr(ctx.params));
    return {};
  },
};

export const vendorExclusiveCheck: Spec<'vendor_exclusive_check'> = {
  label: (e) => `if (kvm_x86_ops.${e.field}) return -EEXIST`,
  text: () =>
    'Only one vendor module can drive KVM at a time: if the other vendor’s ops are installed, the load stops here before touching any MMU state.',
  footprint: () => ({ reads: [], writes: [], probes: ['kvm_x86_ops'] }),
  apply(_e, ctx) {
    const loaded = cfg(ctx, 'kvm_x86_ops');
    if (!loaded) return {};
    return {
      errno: 'EEXIST',
      detail: `already loaded vendor module '${loaded === 'vmx' ? 'kvm_intel' : 'kvm_amd'}'`,
    };
  },
};

export const vmxDecideEpt: Spec<'vmx_decide_ept'> = {
  label: () => 'enable_ept: keep only with 4-level EPT, WB memtype, global INVEPT',
  text: () =>
    'setup_vmcs_config() has read the EPT capabilities; EPT stays on only if the CPU has everything KVM needs (the model assumes it does) and the ept module param allows it.',
  footprint: () => ({ reads: ['enable_ept'], writes: ['enable_ept'] }),
  apply(_e, ctx) {
    set(ctx, 'enable_ept', Boolean(cfg(ctx, 'enable_ept')));
    return { detail: `enable_ept = ${cfg(ctx, 'enable_ept') ? 1 : 0}` };
  },
};

export const vmxDecideEptAd: Spec<'vmx_decide_ept_ad'> = {
  label: () => 'enable_ept_ad_bits: needs EPT and the A/D capability',
  text: () => 'EPT accessed/dirty bits are used only when EPT is on and the CPU supports them.',
  footprint: () => ({
    reads: ['enable_ept_ad_bits', 'enable_ept'],
    writes: ['enable_ept_ad_bits'],
  }),
  apply(_e, ctx) {
    const v = Boolean(cfg(ctx, 'enable_ept_ad_bits')) && Boolean(cfg(ctx, 'enable_ept'));
    set(ctx, 'enable_ept_ad_bits', v);
    return { detail: `enable_ept_ad_bits = ${v ? 1 : 0}` };
  },
};

export const svmDecideNpt: Spec<'svm_decide_npt'> = {
  label: () => 'npt_enabled: cleared without NPT support',
  text: () =>
    'Nested paging stays on if the CPU has it (the model assumes it does) and the npt module param allows it.',
  footprint: () => ({ reads: ['npt_enabled'], writes: ['npt_enabled'] }),
  apply(_e, ctx) {
    set(ctx, 'npt_enabled', Boolean(cfg(ctx, 'npt_enabled')));
    return { detail: `npt_enabled = ${cfg(ctx, 'npt_enabled') ? 1 : 0}` };
  },
};

export const configureMmu: Spec<'configure_mmu'> = {
  label: () => 'tdp_enabled, root levels, max_huge_page_level',
  text: (e) =>
    `The vendor tells the MMU whether it pages with TDP (EPT/NPT) or shadow page tables, how deep the TDP root is and the largest page it may map${
      e.tdpMmuGlobal ? '; since v6.3 this also decides tdp_mmu_enabled for every VM' : ''
    }${e.setsNrSptes ? '; the v1 series also sizes pte_list_desc here: 2 sptes per descriptor with TDP, 14 without' : ''}.`,
  footprint: (e, ctx) => ({
    reads: [
      ctx.vendor === 'vmx' ? 'enable_ept' : 'npt_enabled',
      ...(e.tdpMmuGlobal ? ['tdp_mmu_allowed'] : []),
    ],
    writes: [
      'tdp_enabled',
      'tdp_root_level',
      'max_tdp_level',
      'max_huge_page_level',
      ...(e.tdpMmuGlobal ? ['tdp_mmu_enabled'] : []),
      ...(e.setsNrSptes ? ['nr_sptes_per_pte_list'] : []),
    ],
  }),
  apply(e, ctx) {
    const p = ctx.params;
    const vmx = ctx.vendor === 'vmx';
    const tdp = Boolean(cfg(ctx, vmx ? 'enable_ept' : 'npt_enabled'));
    const level = tdpRootLevel(p);
    const forced = vmx ? 0 : level;
    const huge = vmx ? eptHugePageLevel(p) : PG_LEVEL_1G;
    set(ctx, 'tdp_enabled', tdp);
    set(ctx, 'tdp_root_level', forced);
    set(ctx, 'max_tdp_level', level);
    if (e.tdpMmuGlobal) set(ctx, 'tdp_mmu_enabled', Boolean(cfg(ctx, 'tdp_mmu_allowed')) && tdp);
    if (e.setsNrSptes) set(ctx, 'nr_sptes_per_pte_list', tdp ? 2 : PTE_LIST_EXT);
    const maxHuge = tdp ? huge : p.gbpages ? PG_LEVEL_1G : PG_LEVEL_2M;
    set(ctx, 'max_huge_page_level', maxHuge);
    return {
      detail: `kvm_configure_mmu(${tdp ? 1 : 0}, ${forced}, ${level}, ${huge}): max_huge_page_level = ${maxHuge}`,
    };
  },
};

export const nrSptesCheck: Spec<'nr_sptes_check'> = {
  label: () => 'if (WARN_ON_ONCE(!nr_sptes_per_pte_list)) return -EIO',
  text: () =>
    'The v1 series sizes pte_list_desc from nr_sptes_per_pte_list, which only kvm_configure_mmu() sets. This WARN is how the series catches a caller that runs the MMU setup before the vendor configured it.',
  footprint: () => ({ reads: ['nr_sptes_per_pte_list'], writes: [] }),
  apply(_e, ctx) {
    const nr = Number(cfg(ctx, 'nr_sptes_per_pte_list') ?? 0);
    if (nr) return { detail: `nr_sptes_per_pte_list = ${nr}` };
    return {
      errno: 'EIO',
      warn: 'WARN_ON_ONCE(!nr_sptes_per_pte_list): MMU setup ran before kvm_configure_mmu()',
    };
  },
};

export const opsUpdate: Spec<'ops_update'> = {
  label: () => 'kvm_ops_update(ops)',
  text: () =>
    'Copies the vendor’s runtime ops into kvm_x86_ops and patches the static calls: from here on common code calls into this vendor.',
  footprint: () => ({ reads: [], writes: ['kvm_x86_ops'] }),
  apply(_e, ctx) {
    set(ctx, 'kvm_x86_ops', ctx.vendor);
    return {};
  },
};

export const opsClear: Spec<'ops_clear'> = {
  label: (e) => `kvm_x86_ops.${e.field} = NULL`,
  text: () => 'Marks no vendor as loaded, so the other vendor module may load later.',
  footprint: () => ({ reads: [], writes: ['kvm_x86_ops'] }),
  apply(_e, ctx) {
    set(ctx, 'kvm_x86_ops', null);
    return {};
  },
};

const TAILS = {
  vmx: ['r = alloc_kvm_area()', 'per-CPU VMXON regions'],
  // v7.1: VMXON moved to the core kernel, so nested setup is the last step that can fail.
  nested: ['r = nested_vmx_hardware_setup()', 'nested VMX capabilities'],
  svm: ['r = svm_cpu_init(cpu) for each CPU', 'per-CPU save areas'],
} as const;
const tailOf = (e: { vendor: VendorOps; nested?: true }) => TAILS[e.nested ? 'nested' : e.vendor];

export const hardwareSetupTail: Spec<'hardware_setup_tail'> = {
  label: (e) => tailOf(e)[0],
  text: (e) =>
    `The last part of the vendor’s hardware_setup() that can fail (${tailOf(e)[1]}), after the masks and kvm_configure_mmu() are done. The “hardware_setup” fault point fails here.`,
  footprint: () => ({ reads: [], writes: [] }),
  faultPoint: () => 'hardware_setup',
  apply(_e, ctx) {
    const errno = ctx.fault('hardware_setup');
    return errno ? { errno, injected: true, detail: `fails with -${errno} (injected)` } : {};
  },
};

export const sevHardwareSetup: Spec<'sev_hardware_setup'> = {
  label: () => 'decide SEV / SEV-ES support (sev_es_enabled)',
  text: (e) =>
    e.gatedOnMmioCaching
      ? 'SEV-ES guests need MMIO SPTEs to fault with PFEC.RSVD, so SEV-ES is turned off when MMIO caching ended up off. It must therefore run after svm_adjust_mmio_mask() (0c29397ac1fd).'
      : 'Sets up SEV/SEV-ES support. In this version it does not look at MMIO caching (that check arrived in v6.0).',
  footprint: (e) => ({
    reads: e.gatedOnMmioCaching ? ['enable_mmio_caching'] : [],
    writes: ['sev_es_enabled'],
  }),
  apply(e, ctx) {
    const mmioOk = e.gatedOnMmioCaching ? Boolean(cfg(ctx, 'enable_mmio_caching')) : true;
    const v = ctx.params.sevEs && mmioOk;
    set(ctx, 'sev_es_enabled', v);
    return {
      detail: `sev_es_enabled = ${v ? 1 : 0}${ctx.params.sevEs && !mmioOk ? ' (MMIO caching is off)' : ''}`,
    };
  },
};

export const tdxGate: Spec<'tdx_gate'> = {
  label: () => 'decide whether TDX stays enabled (enable_tdx)',
  text: () =>
    'TDX is usable only with EPT, the TDP MMU, MMIO caching and EPT A/D bits, so it reads values fixed by the mask setup and kvm_configure_mmu(). (Initialising the TDX module itself is not modelled.)',
  footprint: () => ({
    reads: [
      'enable_tdx',
      'enable_ept',
      'tdp_mmu_enabled',
      'enable_mmio_caching',
      'enable_ept_ad_bits',
    ],
    writes: ['enable_tdx'],
  }),
  apply(_e, ctx) {
    if (!cfg(ctx, 'enable_tdx')) return { skipped: true, detail: 'enable_tdx is 0' };
    const missing = [
      'enable_ept',
      'tdp_mmu_enabled',
      'enable_mmio_caching',
      'enable_ept_ad_bits',
    ].filter((k) => !cfg(ctx, k));
    if (!missing.length) return { detail: 'TDX stays enabled' };
    set(ctx, 'enable_tdx', false);
    return { detail: `TDX disabled: ${missing.join(', ')} off` };
  },
};
