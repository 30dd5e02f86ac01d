/**
 * How each effect reads in listings and call stacks: the kernel statement it stands for.
 * Data only and kept apart from the prose (effects/prose.ts), so the main thread can show
 * steps without loading the effects' implementations (effects/index.ts) or their texts.
 */
import { CACHE_POINTER } from '../model/globals';
import type { VendorOps } from '../ids';
import type { Effect, EffectKind } from './types';

/** Label, what it sets up, and the call a sentence names. */
const TAILS = {
  vmx: ['r = alloc_kvm_area()', 'per-CPU VMXON regions', 'alloc_kvm_area()'],
  // v7.1: VMXON moved to the core kernel, so nested setup is the last step that can fail.
  nested: [
    'r = nested_vmx_hardware_setup()',
    'nested VMX capabilities',
    'nested_vmx_hardware_setup()',
  ],
  svm: ['r = svm_cpu_init(cpu) for each CPU', 'per-CPU save areas', 'svm_cpu_init()'],
} as const;
export const tailOf = (e: { vendor: VendorOps; nested?: true }) =>
  TAILS[e.nested ? 'nested' : e.vendor];

const LABELS: { [K in EffectKind]: (e: Extract<Effect, { kind: K }>) => string } = {
  note: (e) => e.label,
  nx_huge_pages_resolve: () => 'nx_huge_pages: resolve "auto"',
  tdp_mmu_allowed_snapshot: () => 'tdp_mmu_allowed = tdp_mmu_enabled',
  mmio_caching_snapshot: () => 'allow_mmio_caching = enable_mmio_caching',
  maxphyaddr_snapshot: () => 'kvm_host.maxphyaddr = kvm_get_host_maxphyaddr()',
  vendor_exclusive_check: (e) => `if (kvm_x86_ops.${e.field}) return -EEXIST`,
  vmx_decide_ept: () => 'enable_ept: keep only with 4-level EPT, WB memtype, global INVEPT',
  vmx_decide_ept_ad: () => 'enable_ept_ad_bits: needs EPT and the A/D capability',
  svm_decide_npt: () => 'npt_enabled: cleared without NPT support',
  configure_mmu: () => 'tdp_enabled, root levels, max_huge_page_level',
  nr_sptes_check: () => 'if (WARN_ON_ONCE(!nr_sptes_per_pte_list)) return -EIO',
  ops_update: () => 'kvm_ops_update(ops)',
  ops_clear: (e) => `kvm_x86_ops.${e.field} = NULL`,
  hardware_setup_tail: (e) => tailOf(e)[0],
  sev_hardware_setup: () => 'decide SEV / SEV-ES support (sev_es_enabled)',
  tdx_gate: () => 'decide whether TDX stays enabled (enable_tdx)',
  shadow_phys_bits_probe: () => 'shadow_phys_bits = kvm_get_shadow_phys_bits()',
  kvm_ad_enabled_reset: () => 'kvm_ad_enabled = true',
  reset_l1tf_masks: () => 'L1TF masks (shadow_nonpresent_or_rsvd_*)',
  reset_default_masks: () => 'default shadow_* masks',
  set_mmio_spte_mask: (e) =>
    e.from === 'reset'
      ? 'kvm_mmu_set_mmio_spte_mask(bit 51 | P, same, ACC_WRITE|ACC_USER)'
      : e.from === 'ept'
        ? 'kvm_mmu_set_mmio_spte_mask(VMX_EPT_MISCONFIG_WX_VALUE, VMX_EPT_RWX_MASK, 0)'
        : 'kvm_mmu_set_mmio_spte_mask(reserved bits above x86_phys_bits)',
  set_ept_masks: () => 'EPT values for the shadow_* masks',
  set_me_spte_mask: (e) =>
    e.from === 'vmx'
      ? 'kvm_mmu_set_me_spte_mask(0, KeyID bits)'
      : 'kvm_mmu_set_me_spte_mask(sme_me_mask, sme_me_mask)',
  kmem_cache_create: (e) =>
    e.macro
      ? `${CACHE_POINTER[e.cache]} = KMEM_CACHE(${e.cache}, SLAB_ACCOUNT)`
      : `${CACHE_POINTER[e.cache]} = kmem_cache_create("${e.cache}", ${
          e.sizedByNrSptes
            ? '16 + nr_sptes_per_pte_list * 8'
            : `sizeof(struct ${e.cache === 'pte_list_desc' ? 'pte_list_desc' : 'kvm_mmu_page'})`
        })`,
  kmem_cache_destroy: (e) => `kmem_cache_destroy(${CACHE_POINTER[e.cache]})`,
  cache_pointer_clear: (e) => `${CACHE_POINTER[e.cache]} = NULL`,
  percpu_counter_init: () => 'percpu_counter_init(&kvm_total_used_mmu_pages, 0)',
  percpu_counter_destroy: () => 'percpu_counter_destroy(&kvm_total_used_mmu_pages)',
  register_shrinker: (e) =>
    e.api === 'shrinker_alloc'
      ? 'mmu_shrinker = shrinker_alloc(0, "x86-mmu"); shrinker_register()'
      : `register_shrinker(&mmu_shrinker${e.named ? ', "x86-mmu"' : ''})`,
  unregister_shrinker: (e) =>
    e.api === 'shrinker_free'
      ? 'shrinker_free(mmu_shrinker)'
      : 'unregister_shrinker(&mmu_shrinker)',
};

export const effectLabel = (e: Effect): string =>
  (LABELS[e.kind] as unknown as (e: Effect) => string)(e);
