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
 * The eras themselves are in eras/, a module each (with the changes it made first), so
 * that loadVariant() loads only the eras a variant needs (docs/performance.md, "Bundle").
 * Adding a kernel: its line table in sources.ts (which makes its tree a KernelTree),
 * then a module in eras/ with `laterEra(<closest era>, tree, { fact: [value, change], … })`
 * and a CHANGES entry for each new change. shippedVariant(era, …) builds it from the
 * trees written here; a tree derived elsewhere needs only the CoreFacts, through
 * variantFromEra() and eraEffects(). To offer it in the app, add its id to VARIANT_IDS
 * and a loader of its era to `WRITTEN` or `TREES` in index.ts.
 */
import type { PhysSource } from '../effects/types';
import type { GlobalsShape } from '../model/globals';
import type { RmapAlgorithm } from '../model/rmap';
import { FILES } from './dsl';
import { kernelSource, type KernelTree, type Source } from './sources';

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

/** Where function `fn` is defined in `tree`: what a change's `seen` usually is. */
export const sourceAt = (tree: KernelTree, fn: string, file: string = FILES.mmu): Source =>
  kernelSource(tree, fn, file);

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
