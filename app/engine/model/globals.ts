/**
 * The kernel globals the model tracks, who owns them (their storage is set up when
 * that module loads), and the value a fresh module load gives them.
 */
import type { ModuleName } from '../ids';
import type { Params } from '../scenario';
import type { ConfigValue, MmuState } from './state';

/** arch/x86/kvm/mmu/spte.c globals, in the file's order. shadow_memtype_mask exists v6.0..v6.1x only. */
export const MASK_NAMES = [
  'shadow_host_writable_mask',
  'shadow_mmu_writable_mask',
  'shadow_nx_mask',
  'shadow_x_mask',
  'shadow_user_mask',
  'shadow_accessed_mask',
  'shadow_dirty_mask',
  'shadow_mmio_value',
  'shadow_mmio_mask',
  'shadow_mmio_access_mask',
  'shadow_present_mask',
  'shadow_memtype_mask',
  'shadow_me_value',
  'shadow_me_mask',
  'shadow_acc_track_mask',
  'shadow_nonpresent_or_rsvd_mask',
  'shadow_nonpresent_or_rsvd_lower_gfn_mask',
] as const;
export type MaskName = (typeof MASK_NAMES)[number];

export type CacheName = 'pte_list_desc' | 'kvm_mmu_page_header';
/** The kvm.ko static that points at each MMU kmem cache. */
export const CACHE_POINTER = {
  pte_list_desc: 'pte_list_desc_cache',
  kvm_mmu_page_header: 'mmu_page_header_cache',
} as const satisfies Record<CacheName, string>;
export const POINTER_NAMES = Object.values(CACHE_POINTER);
export const PERCPU_COUNTER = 'kvm_total_used_mmu_pages';
export const SHRINKER = 'mmu_shrinker';

/** Which optional globals a kernel variant has. */
export interface GlobalsShape {
  memtypeMask: boolean;
  allowMmioCaching: boolean;
  physSource: 'shadow_phys_bits' | 'kvm_host.maxphyaddr';
  kvmAdEnabled: boolean;
  tdpMmuAllowed: boolean;
  nrSptesPerPteList: boolean;
  percpuCounter: boolean;
  shrinker: boolean;
  tdx: boolean;
}

export function maskNames(shape: GlobalsShape): MaskName[] {
  return MASK_NAMES.filter((m) => m !== 'shadow_memtype_mask' || shape.memtypeMask);
}

interface ConfigSpec {
  owner: ModuleName;
  /** A module parameter: its load-time value is the user's choice, not "not set yet". */
  param?: true;
  /** Value right after the owning module's .data is loaded: a module param or zero. */
  initial(p: Params): ConfigValue;
  when?(shape: GlobalsShape): boolean;
}

/** Config globals: kvm.ko's live in mmu.c/spte.c/x86.c; the vendor ones are vendor module params. */
export const CONFIG: Record<string, ConfigSpec> = {
  enable_mmio_caching: { param: true, owner: 'kvm', initial: (p) => p.mmioCaching },
  allow_mmio_caching: { owner: 'kvm', initial: () => false, when: (s) => s.allowMmioCaching },
  shadow_phys_bits: {
    owner: 'kvm',
    initial: () => 0,
    when: (s) => s.physSource === 'shadow_phys_bits',
  },
  'kvm_host.maxphyaddr': {
    owner: 'kvm',
    initial: () => 0,
    when: (s) => s.physSource === 'kvm_host.maxphyaddr',
  },
  kvm_ad_enabled: { owner: 'kvm', initial: () => false, when: (s) => s.kvmAdEnabled },
  nx_huge_pages: { param: true, owner: 'kvm', initial: () => -1 },
  tdp_enabled: { owner: 'kvm', initial: () => false },
  tdp_root_level: { owner: 'kvm', initial: () => 0 },
  max_tdp_level: { owner: 'kvm', initial: () => 0 },
  max_huge_page_level: { owner: 'kvm', initial: () => 0 },
  /** The kvm.tdp_mmu param; from v6.3 kvm_configure_mmu() turns it into the final global. */
  tdp_mmu_enabled: { param: true, owner: 'kvm', initial: (p) => p.tdpMmu },
  tdp_mmu_allowed: { owner: 'kvm', initial: () => false, when: (s) => s.tdpMmuAllowed },
  nr_sptes_per_pte_list: { owner: 'kvm', initial: () => 0, when: (s) => s.nrSptesPerPteList },
  /** Which vendor's kvm_x86_ops are installed (hardware_enable / enable_virtualization_cpu set). */
  kvm_x86_ops: { owner: 'kvm', initial: () => null },
  enable_ept: { param: true, owner: 'kvm_intel', initial: (p) => p.tdp },
  enable_ept_ad_bits: { param: true, owner: 'kvm_intel', initial: (p) => p.eptAD },
  enable_tdx: { param: true, owner: 'kvm_intel', initial: (p) => p.tdx, when: (s) => s.tdx },
  npt_enabled: { param: true, owner: 'kvm_amd', initial: (p) => p.tdp },
  sev_es_enabled: { param: true, owner: 'kvm_amd', initial: (p) => p.sevEs },
};

/** The module whose load sets up a config global (kvm, kvm_intel or kvm_amd). */
export const configOwner = (name: string): ModuleName | undefined => CONFIG[name]?.owner;

/**
 * Whether a run shows a config global: kvm.ko's always, a vendor module's only when the
 * module sequence loads that module (npt_enabled does not exist in an Intel-only run).
 */
export function configShown(name: string, modules: readonly { module: ModuleName }[]): boolean {
  const owner = configOwner(name);
  return owner === undefined || owner === 'kvm' || modules.some((m) => m.module === owner);
}

export function configNames(shape: GlobalsShape): string[] {
  return Object.keys(CONFIG).filter((k) => CONFIG[k]!.when?.(shape) ?? true);
}

/** Nothing loaded: every global of every module at its load-time value. */
export function initialState(shape: GlobalsShape, p: Params): MmuState {
  const config: Record<string, ConfigValue> = {};
  for (const name of configNames(shape)) config[name] = CONFIG[name]!.initial(p);
  const lifecycle: MmuState['lifecycle'] = {};
  if (shape.percpuCounter) lifecycle[PERCPU_COUNTER] = 'uninitialized';
  if (shape.shrinker) lifecycle[SHRINKER] = 'unregistered';
  return {
    modules: { kvm: false, kvm_intel: false, kvm_amd: false },
    masks: Object.fromEntries(maskNames(shape).map((m) => [m, 0n])),
    config,
    pointers: Object.fromEntries(POINTER_NAMES.map((n) => [n, null])),
    caches: {},
    lifecycle,
    vm: { rmap: null },
  };
}

/** The cells a module's load re-initialises (fresh module memory), with their values. */
export function moduleLoadValues(
  module: ModuleName,
  shape: GlobalsShape,
  p: Params,
): {
  section: 'masks' | 'config' | 'pointers' | 'lifecycle';
  key: string;
  value: ConfigValue | bigint;
}[] {
  const out: ReturnType<typeof moduleLoadValues> = [];
  for (const name of configNames(shape))
    if (CONFIG[name]!.owner === module)
      out.push({ section: 'config', key: name, value: CONFIG[name]!.initial(p) });
  if (module !== 'kvm') return out;
  for (const m of maskNames(shape)) out.push({ section: 'masks', key: m, value: 0n });
  for (const n of POINTER_NAMES) out.push({ section: 'pointers', key: n, value: null });
  if (shape.percpuCounter)
    out.push({ section: 'lifecycle', key: PERCPU_COUNTER, value: 'uninitialized' });
  if (shape.shrinker) out.push({ section: 'lifecycle', key: SHRINKER, value: 'unregistered' });
  return out;
}
