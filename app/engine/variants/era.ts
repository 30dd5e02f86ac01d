/**
 * Kernel eras as data. Every version difference the model knows is a named fact
 * that carries the change which gave it its value (commit, release, where it was
 * read). Builders and effects switch on facts only, never on a version number or a
 * tree name, so adding a kernel is one era object (plus its line table in
 * sources.ts), and eraChanges() says what changed between two kernels.
 *
 * Sources: docs/kernel-facts.md §2–§6 and docs/kernel-model.md. A commit id is given
 * where they give one; otherwise the posting (Message-ID) or nothing, and the
 * release range the facts bound it to.
 *
 * Adding a kernel: its line table in sources.ts (which makes its tree a KernelTree),
 * then `laterEra(<closest era>, tree, { fact: [value, change], … })` with a CHANGES
 * entry for each new change. shippedVariant(era, …) builds it from the trees written
 * here; a tree derived elsewhere needs only the CoreFacts, through variantFromEra()
 * and eraEffects(). To offer it in the app, add its id to VARIANT_IDS and VARIANTS.
 */
import type { PhysSource } from '../effects/types';
import type { GlobalsShape } from '../model/globals';
import type { RmapAlgorithm } from '../model/rmap';
import { FILES } from './dsl';
import { kernelSource, MAIL, type KernelTree, type Source } from './sources';

/** A change to the kernel (or a proposed one) that gave a fact its value. */
export interface Change {
  /** Mainline commit id, 12 hex digits; null where the sources do not pin one. */
  commit: string | null;
  /** Where it was posted: a Message-ID, or a series' ids with * for the patch number. */
  msgid?: string;
  /** The first release with it, as far as the sources bound it. */
  release: string;
  /** What changed, in our words. */
  what: string;
  /** Where the new value was read. */
  seen?: Source;
}

export interface Fact<T> {
  value: T;
  /** The change that gave this value; null for a value as old as the oldest modelled tree (v5.19). */
  since: Change | null;
}

/** What any variant of a kernel needs, whether its function tree is written here or derived from its C. */
export interface CoreFacts {
  /** kvm_mmu_set_mmio_spte_mask() starts every call from allow_mmio_caching and checks SPTE_MMIO_ALLOWED_MASK. */
  mmioReevaluate: boolean;
  /** shadow_memtype_mask exists: EPT SPTEs carry the memtype and IPAT bits. */
  memtypeMask: boolean;
  /** SPTE bit 63: EPT present and MMIO masks carry suppress-#VE, FROZEN_SPTE includes SHADOW_NONPRESENT_VALUE. */
  suppressVe: boolean;
  /** kvm_ad_enabled exists, and the EPT A/D masks are set even without hardware A/D. */
  kvmAdEnabled: boolean;
  /** Where MAXPHYADDR comes from: read at each vendor load, or once at kvm.ko load. */
  physSource: PhysSource;
  /** tdp_mmu_enabled is one global, decided by kvm_configure_mmu() from tdp_mmu_allowed (kvm.ko's snapshot). */
  tdpMmuGlobal: boolean;
  /** The kvm_total_used_mmu_pages percpu counter exists. */
  percpuCounter: boolean;
  /** How the MMU shrinker is registered; null: there is none. */
  shrinker: 'register_shrinker' | 'shrinker_alloc' | null;
  /** register_shrinker() takes a printf-style name after the shrinker (shown in debugfs). */
  shrinkerName: boolean;
  /** How pte_list_desc_cache is created (KMEM_CACHE() takes the struct's name and alignment). */
  pteListDescCache: 'kmem_cache_create' | 'KMEM_CACHE';
  /** The kvm_x86_ops member whose being set means a vendor module is loaded. */
  opsField: 'hardware_enable' | 'enable_virtualization_cpu';
  /** sev_hardware_setup() turns SEV-ES off when MMIO caching is off, so it runs after svm_adjust_mmio_mask(). */
  sevAfterMmio: boolean;
  /** Where kvm_intel decides TDX (enable_tdx exists unless 'none'). */
  tdx: 'none' | 'tdx_bringup' | 'tdx_hardware_setup';
  rmapAlgorithm: RmapAlgorithm;
  /** Sptes per pte_list_desc: the constant PTE_LIST_EXT, or the v1 series' nr_sptes_per_pte_list. */
  rmapCapacity: 'PTE_LIST_EXT' | 'nr_sptes_per_pte_list';
  /** A workload fault's innermost frames: the rmap's adder, then the function that edits the list. */
  rmapAddStack: readonly [string, string];
  /** A zap's innermost frames. */
  rmapRemoveStack: readonly [string, string];
}

/** How the function trees written in this directory differ; only their builders read these. */
export interface TreeFacts {
  /** Where a vendor load's x86 work runs: kvm_arch_init() inside kvm_init(), or kvm_x86_vendor_init() before it. */
  vendorInit: 'kvm_arch_init' | 'kvm_x86_vendor_init';
  /** The vendor load refuses a host whose PAT[0] is not write-back. */
  patCheck: boolean;
  /** kvm_arch_init()'s one-vendor check returns -EEXIST itself instead of going to its out: label. */
  exclusiveCheckReturns: boolean;
  /** kvm_mmu_vendor_module_init() destroys the percpu counter when the shrinker fails (out_shrinker). */
  percpuLeakFixed: boolean;
  /** How vendor_module_lock is held: not at all, mutex_lock() around __kvm_x86_vendor_init(), or guard(mutex). */
  vendorModuleLock: 'none' | 'mutex_lock' | 'guard';
  /** kvm_x86_vendor_init() also checks the host's CET state. */
  cetCheck: boolean;
  /** kvm_x86_vendor_init() zeroes kvm_caps at every vendor load. */
  kvmCapsReset: boolean;
  /** The user-return MSR state: allocated by the vendor load and freed after the MMU exit, or destroyed before it. */
  userReturnMsrs: 'vendor-init' | 'destroyed-before-mmu-exit';
  /** kvm_x86_vendor_init() enables the guest EFER bits itself (kvm_setup_efer_caps()) after hardware_setup(). */
  eferCapsInCommon: boolean;
  /** The name of VMX's hardware_setup op. */
  vmxHardwareSetup: 'hardware_setup' | 'vmx_hardware_setup';
  /** Where setup_vmcs_config() reads the VMX capabilities. */
  vmcsConfigIn: 'hardware_setup' | 'vmx_init';
  /** KVM allocates the VMXON regions: alloc_kvm_area() is the last failable step of VMX's hardware_setup(). */
  allocatesVmxon: boolean;
  /** svm_hardware_setup() sets allow_smaller_maxphyaddr right after kvm_configure_mmu(). */
  svmMaxphyaddrAfterConfigure: boolean;
  /** svm_hardware_setup() runs svm_cpu_init() after the feature decisions (AVIC, vGIF, …), not before. */
  svmCpuInitLast: boolean;
  /** svm_hardware_setup() allocates the IOPM after kvm_configure_mmu() and svm_adjust_mmio_mask(), not first. */
  svmIopmAfterMmio: boolean;
}

export type AllFacts = CoreFacts & TreeFacts;

/** The core facts' names: an era of a tree read by the importer carries these only. */
const CORE_FACTS = {
  mmioReevaluate: true,
  memtypeMask: true,
  suppressVe: true,
  kvmAdEnabled: true,
  physSource: true,
  tdpMmuGlobal: true,
  percpuCounter: true,
  shrinker: true,
  shrinkerName: true,
  pteListDescCache: true,
  opsField: true,
  sevAfterMmio: true,
  tdx: true,
  rmapAlgorithm: true,
  rmapCapacity: true,
  rmapAddStack: true,
  rmapRemoveStack: true,
} as const satisfies Record<keyof CoreFacts, true>;
export type Facts<F> = { readonly [K in keyof F]: Fact<F[K]> };

export interface Era<F extends CoreFacts = AllFacts> {
  /** The tree its facts were read in (its line table in sources.ts). */
  tree: KernelTree;
  facts: Facts<F>;
}

const at = (tree: KernelTree, fn: string, file: string = FILES.mmu): Source =>
  kernelSource(tree, fn, file);

/** The changes the modelled eras differ by, oldest first. */
export const CHANGES = {
  zapRenames: {
    commit: null,
    release: 'v6.0',
    what: 'pte_list_remove() and pte_list_destroy() renamed to show they zap SPTEs (kvm_zap_one_rmap_spte(), kvm_zap_all_rmap_sptes()); the list edit became pte_list_remove()',
    seen: at('v6.0.19', 'pte_list_remove'),
  },
  rmapAddSplit: {
    commit: null,
    release: 'v6.0',
    what: 'rmap_add() split into rmap_add() and __rmap_add(), so eager page splitting can add rmaps from a per-VM cache',
    seen: at('v6.0.19', '__rmap_add'),
  },
  mmioReevaluate: {
    commit: 'c3e0c8c2e8b1',
    release: 'v6.0 (and 5.19.2)',
    what: 'MMIO caching is re-evaluated from allow_mmio_caching, snapshotted at kvm.ko load, whenever the SPTE masks change',
    seen: at('v6.0.19', 'kvm_mmu_set_mmio_spte_mask', FILES.spte),
  },
  memtypeMask: {
    commit: '38bf9d7bf277',
    release: 'v6.0',
    what: 'shadow_memtype_mask: EPT SPTEs carry the memtype and IPAT bits',
    seen: at('v6.0.19', 'kvm_mmu_set_ept_masks', FILES.spte),
  },
  patCheck: {
    commit: '94bda2f4cd86',
    release: 'v6.0',
    what: 'a vendor load is refused when host PAT[0] is not write-back, before any MMU cache exists',
    seen: at('v6.0.19', 'kvm_arch_init', FILES.x86),
  },
  exclusiveCheckReturns: {
    commit: null,
    release: 'after v5.19, by v6.0.19',
    what: 'kvm_arch_init() returns -EEXIST from its one-vendor check instead of going to its out: label (read by the importer; the same outcome)',
    seen: { kind: 'kernel', tree: 'v6.0.19', file: FILES.x86, line: 9248 },
  },
  sevAfterMmio: {
    commit: '0c29397ac1fd',
    release: 'v6.0',
    what: 'SEV-ES is disabled when MMIO caching is off, so svm_adjust_mmio_mask() moved before sev_hardware_setup()',
    seen: at('v6.0.19', 'svm_hardware_setup', FILES.svm),
  },
  shrinkerName: {
    commit: null,
    release: 'v6.0',
    what: 'register_shrinker() takes a name after the shrinker (Roman Gushchin’s shrinker debugfs series); KVM passes "x86-mmu". In v5.19 it takes the shrinker alone (include/linux/shrinker.h L93, mmu.c L6320)',
    seen: at('v6.0.19', 'kvm_mmu_vendor_module_init'),
  },
  percpuLeakFix: {
    commit: null,
    release: 'v6.1',
    what: 'kvm_mmu_vendor_module_init() destroys the percpu counter when register_shrinker() fails (Miaohe Lin, out_shrinker label)',
    seen: { kind: 'kernel', tree: 'v6.1.192', file: FILES.mmu, line: 6780 },
  },
  vendorInit: {
    commit: '4f8396b96a9f',
    msgid: '20221130230934.1014142-1-seanjc@google.com',
    release: 'v6.3',
    what: 'the x86 part of a vendor load, the MMU’s vendor init and hardware_setup() included, runs in kvm_x86_vendor_init() before kvm_init(), which exposes /dev/kvm last (with e32b120071ea)',
    seen: at('v6.6.87', '__kvm_x86_vendor_init', FILES.x86),
  },
  vendorModuleLock: {
    commit: '3af4a9e61e71',
    release: 'v6.3',
    what: 'vendor module loads are serialised by vendor_module_lock',
    seen: at('v6.6.87', 'kvm_x86_vendor_init', FILES.x86),
  },
  tdpMmuGlobal: {
    commit: '3af15ff47c4d',
    release: 'v6.3',
    what: 'tdp_mmu becomes read-only: kvm.ko snapshots it in tdp_mmu_allowed, kvm_configure_mmu() decides tdp_mmu_enabled once per vendor load',
    seen: at('v6.6.87', 'kvm_configure_mmu'),
  },
  rmapHeadInsert: {
    commit: '141705b78381',
    release: 'v6.4',
    what: 'pte_list_desc tracks a tail count: new entries go to the head descriptor and tails stay full',
    seen: at('v6.6.87', 'pte_list_add'),
  },
  shrinkerAlloc: {
    commit: null,
    msgid: '20230824034304.37411-3-zhengqi.arch@bytedance.com',
    release: 'v6.7',
    what: 'the MMU shrinker is allocated with shrinker_alloc() and registered with shrinker_register(), freed with shrinker_free()',
  },
  kmemCacheMacro: {
    commit: null,
    msgid: '20240116100025.95702-1-chentao@kylinos.cn',
    release: 'after v6.6, by v6.12',
    what: 'pte_list_desc_cache is created with KMEM_CACHE() (same name and size, the struct’s alignment)',
  },
  hostMaxphyaddr: {
    commit: null,
    release: 'after v6.6, by v6.12',
    what: 'MAXPHYADDR is read once at kvm.ko load into kvm_host.maxphyaddr; the per-vendor-load shadow_phys_bits is gone',
    seen: at('v6.19', 'kvm_mmu_spte_module_init', FILES.spte),
  },
  opsFieldRename: {
    commit: null,
    release: 'after v6.6, by v6.12',
    what: 'kvm_x86_ops.hardware_enable is named enable_virtualization_cpu',
    seen: at('v6.19', 'kvm_x86_vendor_init', FILES.x86),
  },
  lockGuard: {
    commit: null,
    release: 'after v6.6, by v6.12',
    what: 'kvm_x86_vendor_init() holds vendor_module_lock with guard(mutex); __kvm_x86_vendor_init() is folded into it',
    seen: at('v6.19', 'kvm_x86_vendor_init', FILES.x86),
  },
  vmxMainC: {
    commit: null,
    release: 'after v6.6, by v6.12',
    what: 'VMX’s ops move to vmx/main.c and its hardware_setup() is named vmx_hardware_setup()',
    seen: at('v6.19', 'vmx_hardware_setup', FILES.vmx),
  },
  kvmCapsReset: {
    commit: '40269c03fdbf',
    release: 'v6.10',
    what: 'kvm_caps is zeroed at every vendor load',
    seen: at('v6.19', 'kvm_x86_vendor_init', FILES.x86),
  },
  suppressVe: {
    commit: null,
    msgid: '20240507154459.3950778-*-pbonzini@redhat.com',
    release: 'v6.10',
    what: 'TDX preparation: SHADOW_NONPRESENT_VALUE (bit 63), the suppress-#VE bit in EPT present and MMIO masks, FROZEN_SPTE',
    seen: at('v6.19', 'kvm_mmu_set_ept_masks', FILES.spte),
  },
  kvmAdEnabled: {
    commit: null,
    msgid: '20241112193335.597514-4-seanjc@google.com',
    release: 'v6.13',
    what: 'kvm_ad_enabled records hardware A/D; the EPT accessed/dirty masks are set even without it',
    seen: at('v6.19', 'kvm_mmu_reset_all_pte_masks', FILES.spte),
  },
  shrinkerRemoved: {
    commit: 'fe140e611d34',
    release: 'v6.13',
    what: 'KVM’s MMU shrinker and the kvm_total_used_mmu_pages percpu counter are removed',
    seen: at('v6.19', 'kvm_mmu_vendor_module_init'),
  },
  memtypeMaskRemoved: {
    commit: '3fee4837ef40',
    release: 'v6.15 or v6.16',
    what: 'shadow_memtype_mask is removed',
    seen: at('v6.19', 'kvm_mmu_set_ept_masks', FILES.spte),
  },
  tdx: {
    commit: null,
    release: 'after v6.12, by v6.18',
    what: 'TDX: kvm_intel enters through vt_init(), reads its VMX capabilities in vmx_init() before kvm_x86_vendor_init(), and tdx_bringup() decides TDX once the MMU is configured',
    seen: at('v6.19', 'vt_init', FILES.vmxMain),
  },
  cetCheck: {
    commit: null,
    release: 'after v6.12, by v6.19',
    what: 'kvm_x86_vendor_init() checks the host’s CET state',
    seen: at('v6.19', 'kvm_x86_vendor_init', FILES.x86),
  },
  userReturnMsrs: {
    commit: null,
    release: 'after v6.12, by v6.19',
    what: 'the vendor load no longer allocates the user-return MSR state; kvm_destroy_user_return_msrs() frees it before the MMU exit',
    seen: at('v6.19', 'kvm_x86_vendor_exit', FILES.x86),
  },
  svmSetupOrder: {
    commit: null,
    release: 'after v6.12, by v6.19',
    what: 'svm_hardware_setup() sets allow_smaller_maxphyaddr right after kvm_configure_mmu() and runs svm_cpu_init() after the feature decisions',
    seen: at('v6.19', 'svm_hardware_setup', FILES.svm),
  },
  svmIopmLate: {
    commit: null,
    release: 'after v6.12, by v6.19',
    what: 'svm_hardware_setup() allocates the IOPM with svm_alloc_permissions_map() after kvm_configure_mmu() and svm_adjust_mmio_mask() (v6.19 svm.c L5359, L5381, L5392), no longer before them (v6.12.118 L5488, v6.6.87 L5227)',
    seen: at('v6.19', 'svm_hardware_setup', FILES.svm),
  },
  tdxInHardwareSetup: {
    commit: 'f630de1f8d70',
    msgid: '20260214012702.2368778-17-seanjc@google.com',
    release: 'v7.1',
    what: 'the kernel brings the TDX module up at boot; tdx_hardware_setup(), at the end of kvm_intel’s hardware_setup op, decides TDX and vt_hardware_unsetup() undoes it',
    seen: at('v7.1.3', 'tdx_hardware_setup', FILES.tdx),
  },
  vmxonInCore: {
    commit: null,
    msgid: '20260214012702.2368778-*-seanjc@google.com',
    release: 'v7.1',
    what: 'the core kernel owns VMXON: alloc_kvm_area() is gone, nested_vmx_hardware_setup() is the last failable step of vmx_hardware_setup()',
    seen: at('v7.1.3', 'vmx_hardware_setup', FILES.vmx),
  },
  eferCaps: {
    commit: null,
    release: 'v7.1',
    what: 'kvm_setup_efer_caps(): common x86 enables the guest EFER bits after ops->hardware_setup() instead of each vendor',
    seen: { kind: 'kernel', tree: 'v7.1.3', file: FILES.x86, line: 10039 },
  },
  nrSptesPerPteList: {
    commit: null,
    msgid: MAIL.p3,
    release: 'never merged (the v1 series, on kvm/queue of the 6.0 cycle, 4b88b1a518b3)',
    what: 'nr_sptes_per_pte_list, set by kvm_configure_mmu(), sizes pte_list_desc: 2 sptes with TDP, 14 without',
  },
} as const satisfies Record<string, Change>;

const base = <T>(value: T): Fact<T> => ({ value, since: null });

/**
 * The oldest modelled kernel. The v1 series was posted against kvm/queue of the 6.0 cycle
 * (base-commit 4b88b1a518b3); its variants are modelled on this tree, the nearest tag.
 */
export const ERA_5_19: Era = {
  tree: 'v5.19',
  facts: {
    mmioReevaluate: base(false),
    memtypeMask: base(false),
    suppressVe: base(false),
    kvmAdEnabled: base(false),
    physSource: base('shadow_phys_bits'),
    tdpMmuGlobal: base(false),
    percpuCounter: base(true),
    shrinker: base('register_shrinker'),
    shrinkerName: base(false),
    pteListDescCache: base('kmem_cache_create'),
    opsField: base('hardware_enable'),
    sevAfterMmio: base(false),
    tdx: base('none'),
    rmapAlgorithm: base('append'),
    rmapCapacity: base('PTE_LIST_EXT'),
    rmapAddStack: base(['rmap_add', 'pte_list_add']),
    rmapRemoveStack: base(['pte_list_remove', '__pte_list_remove']),
    vendorInit: base('kvm_arch_init'),
    patCheck: base(false),
    exclusiveCheckReturns: base(false),
    percpuLeakFixed: base(false),
    vendorModuleLock: base('none'),
    cetCheck: base(false),
    kvmCapsReset: base(false),
    userReturnMsrs: base('vendor-init'),
    eferCapsInCommon: base(false),
    vmxHardwareSetup: base('hardware_setup'),
    vmcsConfigIn: base('hardware_setup'),
    allocatesVmxon: base(true),
    svmMaxphyaddrAfterConfigure: base(false),
    svmCpuInitLast: base(false),
    svmIopmAfterMmio: base(false),
  },
};

/** New values for some facts, each with the change that gave it. */
export type Changed<F> = { [K in keyof F]?: readonly [value: F[K], since: Change] };

/** A later kernel: `from`'s facts, with the ones `changed` names given new values by their changes. */
export function laterEra<F extends CoreFacts>(
  from: Era<F>,
  tree: KernelTree,
  changed: Changed<F>,
): Era<F> {
  const facts: Record<string, Fact<unknown>> = { ...from.facts };
  for (const [name, [value, since]] of Object.entries(changed) as [string, [unknown, Change]][])
    facts[name] = { value, since };
  return { tree, facts: facts as Facts<F> };
}

export const ERA_6_0 = laterEra(ERA_5_19, 'v6.0.19', {
  mmioReevaluate: [true, CHANGES.mmioReevaluate],
  memtypeMask: [true, CHANGES.memtypeMask],
  patCheck: [true, CHANGES.patCheck],
  shrinkerName: [true, CHANGES.shrinkerName],
  exclusiveCheckReturns: [true, CHANGES.exclusiveCheckReturns],
  sevAfterMmio: [true, CHANGES.sevAfterMmio],
  rmapAddStack: [['__rmap_add', 'pte_list_add'], CHANGES.rmapAddSplit],
  rmapRemoveStack: [['kvm_zap_one_rmap_spte', 'pte_list_remove'], CHANGES.zapRenames],
});

export const ERA_6_6 = laterEra(ERA_6_0, 'v6.6.87', {
  percpuLeakFixed: [true, CHANGES.percpuLeakFix],
  vendorInit: ['kvm_x86_vendor_init', CHANGES.vendorInit],
  vendorModuleLock: ['mutex_lock', CHANGES.vendorModuleLock],
  tdpMmuGlobal: [true, CHANGES.tdpMmuGlobal],
  rmapAlgorithm: ['head-insert', CHANGES.rmapHeadInsert],
});

/**
 * What changed after v6.6 and is in v6.12 already (read in Debian's 6.12.118: mmu.c
 * L7418 KMEM_CACHE, L7431 shrinker_alloc; spte.c L77 kvm_host.maxphyaddr, L440
 * suppress-#VE; x86.c L9276 guard(mutex), L9278 enable_virtualization_cpu, L9311
 * kvm_caps zeroed; vmx.c L8401 vmx_hardware_setup()). ERA_6_12 below is its core part.
 */
export const CHANGED_BY_6_12: Changed<AllFacts> = {
  shrinker: ['shrinker_alloc', CHANGES.shrinkerAlloc],
  pteListDescCache: ['KMEM_CACHE', CHANGES.kmemCacheMacro],
  physSource: ['kvm_host.maxphyaddr', CHANGES.hostMaxphyaddr],
  opsField: ['enable_virtualization_cpu', CHANGES.opsFieldRename],
  vendorModuleLock: ['guard', CHANGES.lockGuard],
  vmxHardwareSetup: ['vmx_hardware_setup', CHANGES.vmxMainC],
  kvmCapsReset: [true, CHANGES.kvmCapsReset],
  suppressVe: [true, CHANGES.suppressVe],
};

export const ERA_6_19 = laterEra(ERA_6_6, 'v6.19', {
  ...CHANGED_BY_6_12,
  kvmAdEnabled: [true, CHANGES.kvmAdEnabled],
  percpuCounter: [false, CHANGES.shrinkerRemoved],
  shrinker: [null, CHANGES.shrinkerRemoved],
  memtypeMask: [false, CHANGES.memtypeMaskRemoved],
  tdx: ['tdx_bringup', CHANGES.tdx],
  vmcsConfigIn: ['vmx_init', CHANGES.tdx],
  cetCheck: [true, CHANGES.cetCheck],
  userReturnMsrs: ['destroyed-before-mmu-exit', CHANGES.userReturnMsrs],
  svmMaxphyaddrAfterConfigure: [true, CHANGES.svmSetupOrder],
  svmCpuInitLast: [true, CHANGES.svmSetupOrder],
  svmIopmAfterMmio: [true, CHANGES.svmIopmLate],
});

/**
 * An era's core facts alone: what a variant whose function tree is imported needs. The
 * facts of the trees written here (TreeFacts) say nothing about an imported tree.
 */
export function coreEra(era: Era<CoreFacts>, tree: KernelTree = era.tree): Era<CoreFacts> {
  const facts = Object.fromEntries(
    Object.entries(era.facts).filter(([name]) => Object.hasOwn(CORE_FACTS, name)),
  );
  return { tree, facts: facts as Facts<CoreFacts> };
}

/**
 * Debian's 6.1.192 (docs/kernel-model.md, "v6.1 and v6.12"): v6.0's core facts, each
 * re-read in that tree. Its function tree (the stable hybrid of kernel-facts.md 2c) is
 * imported, so no tree fact applies.
 */
export const ERA_6_1 = coreEra(ERA_6_0, 'v6.1.192');

/** Debian's 6.12.118: v6.6's core facts plus the core part of CHANGED_BY_6_12, re-read there. */
export const ERA_6_12 = coreEra(laterEra(ERA_6_6, 'v6.12.118', CHANGED_BY_6_12));

/** v7.1 keeps v6.19's MMU init and mask code (docs/kernel-model.md, "v7.1"). */
export const ERA_7_1 = laterEra(ERA_6_19, 'v7.1.3', {
  tdx: ['tdx_hardware_setup', CHANGES.tdxInHardwareSetup],
  allocatesVmxon: [false, CHANGES.vmxonInCore],
  eferCapsInCommon: [true, CHANGES.eferCaps],
});

/** PATCH 3/4 of the v1 series (never merged), modelled on the v5.19 tree (see ERA_5_19). */
export const ERA_SEED_P3 = laterEra(ERA_5_19, 'v5.19', {
  rmapCapacity: ['nr_sptes_per_pte_list', CHANGES.nrSptesPerPteList],
});

/** One fact whose value differs between two eras, and the change that gave the newer value. */
export interface EraChange {
  fact: string;
  from: unknown;
  to: unknown;
  since: Change | null;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** What changed from one era to another: each fact whose value differs, in the facts' order. */
export function eraChanges(from: Era<CoreFacts>, to: Era<CoreFacts>): EraChange[] {
  const before = from.facts as Facts<Record<string, unknown>>;
  return Object.entries(to.facts as Facts<Record<string, unknown>>)
    .filter(([name, fact]) => name in before && !same(before[name]!.value, fact.value))
    .map(([fact, { value, since }]) => ({ fact, from: before[fact]!.value, to: value, since }));
}

/** The facts' values alone. */
export function valuesOf<F extends CoreFacts>(era: Era<F>): F {
  const entries = Object.entries(era.facts as Facts<Record<string, unknown>>);
  return Object.fromEntries(entries.map(([name, fact]) => [name, fact.value])) as unknown as F;
}

/** Which optional kernel globals exist in an era. */
export function globalsShape(f: CoreFacts): GlobalsShape {
  return {
    memtypeMask: f.memtypeMask,
    allowMmioCaching: f.mmioReevaluate,
    physSource: f.physSource,
    kvmAdEnabled: f.kvmAdEnabled,
    tdpMmuAllowed: f.tdpMmuGlobal,
    nrSptesPerPteList: f.rmapCapacity === 'nr_sptes_per_pte_list',
    percpuCounter: f.percpuCounter,
    shrinker: f.shrinker !== null,
    tdx: f.tdx !== 'none',
  };
}
