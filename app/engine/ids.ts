/** Closed vocabularies shared by the scenario schema, the variants and the UI. */

export const VARIANT_IDS = [
  'v5.19',
  'seed-p2',
  'seed-p3',
  'alt-configure-mmu',
  'v6.0',
  /** Debian's 6.1.192 and 6.12.118, imported from their source (docs/importer.md). */
  'v6.1',
  'v6.6',
  'v6.12',
  /** v6.19 (the id predates v7.1; kept so that links and files made with it still open it). */
  'latest',
  'v7.1',
  'bad-reset-after-setup',
  'bad-create-before-configure',
  'bad-alt-no-unconfigure',
] as const;
export type VariantId = (typeof VARIANT_IDS)[number];

export const VENDORS = ['intel', 'amd'] as const;
export type Vendor = (typeof VENDORS)[number];

export const MODULES = ['kvm', 'kvm_intel', 'kvm_amd'] as const;
export type ModuleName = (typeof MODULES)[number];
export type VendorModule = Exclude<ModuleName, 'kvm'>;

/** Whose ops a vendor module installs: VMX for kvm_intel, SVM for kvm_amd. */
export type VendorOps = 'vmx' | 'svm';

export const vendorModule = (v: Vendor): VendorModule => (v === 'intel' ? 'kvm_intel' : 'kvm_amd');

/** Where fail[].at may point (docs/scenario.md, "Fault points"). */
export const FAULT_POINTS = [
  'hardware_setup',
  'kmem_cache_create:pte_list_desc',
  'kmem_cache_create:kvm_mmu_page_header',
  'percpu_counter_init',
  'register_shrinker',
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export const ERRNOS = {
  EIO: 5,
  ENOMEM: 12,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  EOPNOTSUPP: 95,
} as const;
export type Errno = keyof typeof ERRNOS;
export const ERRNO_NAMES = Object.keys(ERRNOS) as Errno[];

export const FINDING_KINDS = [
  'clobber',
  'stale-read',
  'leak',
  'double-free',
  'warn',
  'error-return',
  /** A step the kernel runs never ran, so the module op ends in a state the kernel never reaches. */
  'missing-step',
  /** Every step ran, yet the op ends in a state the kernel never reaches (and no other finding says why). */
  'end-state',
  /** KVM_CREATE_VM finds the MMU not set up (no caches to allocate from). */
  'vm-setup',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Timeline phases, in the order a load normally visits them. */
export const PHASES = [
  'kvm-init',
  'vendor-init',
  'mask-reset',
  'hardware-setup',
  'configure-mmu',
  'mmu-setup',
  'unwind',
  'workload',
  'teardown',
] as const;
export type Phase = (typeof PHASES)[number];
