/**
 * Every kernel term the app explains: tooltips on the panes and controls, the
 * lessons' [[links]] and the glossary dialog all look terms up in this list. What
 * each means is in glossaryDefinitions.ts, by id (its own chunk in the app).
 *
 * `names` are the exact strings the UI shows for the term (a mask's or config
 * global's name, a cache's name, a function's name): lookups go through them.
 */
export interface GlossaryEntry {
  /** Stable id: lessons link to it as [[id]]. */
  id: string;
  /** How the glossary lists it. */
  term: string;
  /** Other strings the UI shows for this term. */
  names?: readonly string[];
}

const MASKS: GlossaryEntry[] = [
  {
    id: 'shadow_present_mask',
    term: 'shadow_present_mask',
  },
  {
    id: 'shadow_user_mask',
    term: 'shadow_user_mask',
  },
  {
    id: 'shadow_accessed_mask',
    term: 'shadow_accessed_mask',
  },
  {
    id: 'shadow_dirty_mask',
    term: 'shadow_dirty_mask',
  },
  {
    id: 'shadow_nx_mask',
    term: 'shadow_nx_mask',
  },
  {
    id: 'shadow_x_mask',
    term: 'shadow_x_mask',
  },
  {
    id: 'shadow_host_writable_mask',
    term: 'shadow_host_writable_mask',
  },
  {
    id: 'shadow_mmu_writable_mask',
    term: 'shadow_mmu_writable_mask',
  },
  {
    id: 'shadow_mmio_value',
    term: 'shadow_mmio_value',
  },
  {
    id: 'shadow_mmio_mask',
    term: 'shadow_mmio_mask',
  },
  {
    id: 'shadow_mmio_access_mask',
    term: 'shadow_mmio_access_mask',
  },
  {
    id: 'shadow_memtype_mask',
    term: 'shadow_memtype_mask',
  },
  {
    id: 'shadow_me_value',
    term: 'shadow_me_value',
  },
  {
    id: 'shadow_me_mask',
    term: 'shadow_me_mask',
  },
  {
    id: 'shadow_acc_track_mask',
    term: 'shadow_acc_track_mask',
  },
  {
    id: 'shadow_nonpresent_or_rsvd_mask',
    term: 'shadow_nonpresent_or_rsvd_mask',
  },
  {
    id: 'shadow_nonpresent_or_rsvd_lower_gfn_mask',
    term: 'shadow_nonpresent_or_rsvd_lower_gfn_mask',
  },
];

const CONFIG: GlossaryEntry[] = [
  {
    id: 'tdp_enabled',
    term: 'tdp_enabled',
  },
  {
    id: 'tdp_root_level',
    term: 'tdp_root_level',
  },
  {
    id: 'max_tdp_level',
    term: 'max_tdp_level',
  },
  {
    id: 'max_huge_page_level',
    term: 'max_huge_page_level',
  },
  {
    id: 'tdp_mmu_enabled',
    term: 'tdp_mmu_enabled',
  },
  {
    id: 'tdp_mmu_allowed',
    term: 'tdp_mmu_allowed',
  },
  {
    id: 'enable_mmio_caching',
    term: 'enable_mmio_caching',
    names: ['MMIO caching'],
  },
  {
    id: 'allow_mmio_caching',
    term: 'allow_mmio_caching',
  },
  {
    id: 'shadow_phys_bits',
    term: 'shadow_phys_bits',
  },
  {
    id: 'kvm_host.maxphyaddr',
    term: 'kvm_host.maxphyaddr',
  },
  {
    id: 'kvm_ad_enabled',
    term: 'kvm_ad_enabled',
  },
  {
    id: 'nx_huge_pages',
    term: 'nx_huge_pages',
  },
  {
    id: 'nr_sptes_per_pte_list',
    term: 'nr_sptes_per_pte_list',
  },
  {
    id: 'kvm_x86_ops',
    term: 'kvm_x86_ops',
  },
  {
    id: 'enable_ept',
    term: 'enable_ept',
  },
  {
    id: 'enable_ept_ad_bits',
    term: 'enable_ept_ad_bits',
    names: ['EPT A/D'],
  },
  {
    id: 'npt_enabled',
    term: 'npt_enabled',
  },
  {
    id: 'sev_es_enabled',
    term: 'sev_es_enabled',
  },
  {
    id: 'enable_tdx',
    term: 'enable_tdx',
  },
];

const TERMS: GlossaryEntry[] = [
  {
    id: 'kvm',
    term: 'KVM',
  },
  {
    id: 'kvm.ko',
    term: 'kvm.ko',
  },
  {
    id: 'vendor-module',
    term: 'vendor module',
    names: ['kvm_intel', 'kvm_amd'],
  },
  {
    id: 'vmx',
    term: 'VMX',
  },
  {
    id: 'svm',
    term: 'SVM',
  },
  {
    id: 'mmu',
    term: 'MMU',
  },
  {
    id: 'vm',
    term: 'VM',
  },
  {
    id: 'vcpu',
    term: 'vCPU',
  },
  {
    id: 'gfn',
    term: 'gfn',
  },
  {
    id: 'pfn',
    term: 'PFN',
  },
  {
    id: 'pte',
    term: 'page-table entry (PTE)',
    names: ['PTE'],
  },
  {
    id: 'spte',
    term: 'SPTE',
    names: ['sptes', 'spte'],
  },
  {
    id: 'shadow-masks',
    term: 'shadow_* masks',
    names: ['PTE masks'],
  },
  {
    id: 'tdp',
    term: 'TDP',
  },
  {
    id: 'ept',
    term: 'EPT',
  },
  {
    id: 'npt',
    term: 'NPT',
  },
  {
    id: 'shadow-paging',
    term: 'shadow paging',
  },
  {
    id: 'tdp-mmu',
    term: 'TDP MMU',
    names: ['TDP MMU'],
  },
  {
    id: 'mmio-spte',
    term: 'MMIO SPTE',
    names: ['MMIO'],
  },
  {
    id: 'ad-bits',
    term: 'accessed/dirty (A/D) bits',
  },
  {
    id: 'exec-only',
    term: 'execute-only EPT',
    names: ['exec-only'],
  },
  {
    id: 'l1tf',
    term: 'L1TF',
  },
  {
    id: 'sme',
    term: 'SME and the C-bit',
  },
  {
    id: 'tdx',
    term: 'TDX',
  },
  {
    id: 'kvm_mmu_x86_module_init',
    term: 'kvm_mmu_x86_module_init()',
  },
  {
    id: 'kvm_mmu_vendor_module_init',
    term: 'kvm_mmu_vendor_module_init()',
  },
  {
    id: 'mask-reset',
    term: 'mask reset (kvm_mmu_reset_all_pte_masks())',
    names: ['kvm_mmu_reset_all_pte_masks', 'kvm_mmu_reset_all_pte_masks()'],
  },
  {
    id: 'hardware_setup',
    term: 'hardware_setup()',
    names: ['ops->hardware_setup', 'svm_hardware_setup', 'vmx_hardware_setup', 'vt_hardware_setup'],
  },
  {
    id: 'kvm_configure_mmu',
    term: 'kvm_configure_mmu()',
  },
  {
    id: 'kvm_mmu_set_ept_masks',
    term: 'kvm_mmu_set_ept_masks()',
  },
  {
    id: 'kvm_mmu_set_mmio_spte_mask',
    term: 'kvm_mmu_set_mmio_spte_mask()',
  },
  {
    id: 'kvm_mmu_hardware_setup',
    term: 'kvm_mmu_hardware_setup() (proposed)',
  },
  {
    id: 'kvm_ops_update',
    term: 'kvm_ops_update()',
  },
  {
    id: 'kvm_init',
    term: 'kvm_init()',
  },
  {
    id: 'mmu_topup_memory_caches',
    term: 'mmu_topup_memory_caches()',
  },
  {
    id: 'rmap',
    term: 'rmap (reverse map)',
    names: ['Reverse maps', 'rmaps'],
  },
  {
    id: 'rmap-head',
    term: 'rmap head (kvm_rmap_head)',
    names: ['rmap heads in use'],
  },
  {
    id: 'pte_list_desc',
    term: 'pte_list_desc',
    names: ['pte_list_desc in chains', 'pte_list_desc_cache'],
  },
  {
    id: 'append',
    term: 'append (v5.15–v6.3)',
  },
  {
    id: 'head-insert',
    term: 'head insert (v6.4 and later)',
  },
  {
    id: 'kmem-cache',
    term: 'kmem cache',
    names: ['kmem caches', 'kmem_cache_create'],
  },
  {
    id: 'slab',
    term: 'slab',
    names: ['slabs', 'SLUB'],
  },
  {
    id: 'kvm_mmu_page_header',
    term: 'kvm_mmu_page_header',
    names: ['mmu_page_header_cache'],
  },
  {
    id: 'vcpu-cache',
    term: 'the vCPU’s descriptor cache',
    names: ['in the vCPU’s cache'],
  },
  {
    id: 'percpu-counter',
    term: 'percpu counter',
    names: ['kvm_total_used_mmu_pages', 'percpu counter kvm_total_used_mmu_pages'],
  },
  {
    id: 'shrinker',
    term: 'shrinker',
    names: ['mmu_shrinker', 'shrinker mmu_shrinker ("x86-mmu")'],
  },
  {
    id: 'errno',
    term: 'error numbers (-ENOMEM, …)',
  },
  {
    id: 'unwind',
    term: 'error unwind',
    names: ['error unwind'],
  },
  {
    id: 'leak',
    term: 'leak',
  },
  {
    id: 'double-free',
    term: 'double free',
  },
  {
    id: 'dangling',
    term: 'dangling pointer',
  },
  {
    id: 'warn',
    term: 'WARN',
  },
  {
    id: 'clobber',
    term: 'clobber',
  },
  {
    id: 'stale-read',
    term: 'stale read',
  },
  {
    id: 'error-return',
    term: 'error return',
  },
  {
    id: 'missing-step',
    term: 'missing step',
  },
  {
    id: 'end-state',
    term: 'end state',
  },
  {
    id: 'vm-setup',
    term: 'VM setup',
  },
  {
    id: 'insmod',
    term: 'insmod / rmmod',
  },
];

export const GLOSSARY: readonly GlossaryEntry[] = [...TERMS, ...MASKS, ...CONFIG];

/** An entry's id, term and names, lower-cased (glossary.test.ts checks that no two entries share one). */
export const glossaryNames = (e: GlossaryEntry): string[] => [
  ...new Set([e.id, e.term, ...(e.names ?? [])].map((n) => n.toLowerCase())),
];

const byName = new Map<string, GlossaryEntry>();
for (const e of GLOSSARY) for (const n of glossaryNames(e)) byName.set(n, e);

/** The entry for an id or a name the UI shows (a mask, a config global, a label), if there is one. */
export function glossaryEntry(name: string): GlossaryEntry | undefined {
  const key = name.toLowerCase();
  return byName.get(key) ?? byName.get(key.replace(/\(\)$/, ''));
}
