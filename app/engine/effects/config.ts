/**
 * MMU configuration effects: module-load snapshots, vendor decisions,
 * kvm_configure_mmu(), the v1 series' nr_sptes_per_pte_list check, and the
 * consumers that read configuration after it is set (SEV, TDX).
 */
import { eptHugePageLevel, maxPhyAddr, tdpRootLevel } from '../model/host';
import { PG_LEVEL_1G, PG_LEVEL_2M, PTE_LIST_EXT } from '../constants';
import type { Effect, EffectContext, EffectSpec } from './types';

type Spec<K extends Effect['kind']> = EffectSpec<Extract<Effect, { kind: K }>>;

const cfg = (ctx: EffectContext, key: string) => ctx.w.get('config', key);
const set = (ctx: EffectContext, key: string, v: number | boolean | string | null) =>
  ctx.w.set('config', key, v);

export const note: Spec<'note'> = {
  footprint: () => ({ reads: [], writes: [] }),
  apply: () => ({}),
};

export const nxHugePagesResolve: Spec<'nx_huge_pages_resolve'> = {
  footprint: () => ({ reads: ['nx_huge_pages'], writes: ['nx_huge_pages'] }),
  apply(_e, ctx) {
    if (cfg(ctx, 'nx_huge_pages') !== -1) return { skipped: true };
    set(ctx, 'nx_huge_pages', ctx.params.itlbMultihit ? 1 : 0);
    return { detail: `nx_huge_pages = ${ctx.params.itlbMultihit ? 1 : 0}` };
  },
};

export const tdpMmuAllowedSnapshot: Spec<'tdp_mmu_allowed_snapshot'> = {
  footprint: () => ({ reads: ['tdp_mmu_enabled'], writes: ['tdp_mmu_allowed'] }),
  apply(_e, ctx) {
    set(ctx, 'tdp_mmu_allowed', cfg(ctx, 'tdp_mmu_enabled') ?? false);
    return {};
  },
};

export const mmioCachingSnapshot: Spec<'mmio_caching_snapshot'> = {
  footprint: () => ({ reads: ['enable_mmio_caching'], writes: ['allow_mmio_caching'] }),
  apply(_e, ctx) {
    set(ctx, 'allow_mmio_caching', cfg(ctx, 'enable_mmio_caching') ?? false);
    return {};
  },
};

export const maxphyaddrSnapshot: Spec<'maxphyaddr_snapshot'> = {
  footprint: () => ({ reads: [], writes: ['kvm_host.maxphyaddr'] }),
  apply(_e, ctx) {
    set(ctx, 'kvm_host.maxphyaddr', maxPhyAddr(ctx.params));
    return {};
  },
};

export const vendorExclusiveCheck: Spec<'vendor_exclusive_check'> = {
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
  footprint: () => ({ reads: ['enable_ept'], writes: ['enable_ept'] }),
  apply(_e, ctx) {
    set(ctx, 'enable_ept', Boolean(cfg(ctx, 'enable_ept')));
    return { detail: `enable_ept = ${cfg(ctx, 'enable_ept') ? 1 : 0}` };
  },
};

export const vmxDecideEptAd: Spec<'vmx_decide_ept_ad'> = {
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
  footprint: () => ({ reads: ['npt_enabled'], writes: ['npt_enabled'] }),
  apply(_e, ctx) {
    set(ctx, 'npt_enabled', Boolean(cfg(ctx, 'npt_enabled')));
    return { detail: `npt_enabled = ${cfg(ctx, 'npt_enabled') ? 1 : 0}` };
  },
};

export const configureMmu: Spec<'configure_mmu'> = {
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
  footprint: () => ({ reads: [], writes: ['kvm_x86_ops'] }),
  apply(_e, ctx) {
    set(ctx, 'kvm_x86_ops', ctx.vendor);
    return {};
  },
};

export const opsClear: Spec<'ops_clear'> = {
  footprint: () => ({ reads: [], writes: ['kvm_x86_ops'] }),
  apply(_e, ctx) {
    set(ctx, 'kvm_x86_ops', null);
    return {};
  },
};

export const hardwareSetupTail: Spec<'hardware_setup_tail'> = {
  footprint: () => ({ reads: [], writes: [] }),
  faultPoint: () => 'hardware_setup',
  apply(_e, ctx) {
    const errno = ctx.fault('hardware_setup');
    return errno ? { errno, injected: true, detail: `fails with -${errno} (injected)` } : {};
  },
};

export const sevHardwareSetup: Spec<'sev_hardware_setup'> = {
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
