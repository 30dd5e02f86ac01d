/**
 * The oldest modelled kernel, and the v1 series' PATCH 3/4 modelled on its tree. Each
 * era is a chunk of its own that loadVariant() loads (docs/performance.md, "Bundle").
 */
import { laterEra, type Change, type Era, type Fact } from '../era';
import { MAIL } from '../sources';

/** The change only the v1 series made. */
export const CHANGES = {
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

/** PATCH 3/4 of the v1 series (never merged), modelled on the v5.19 tree (see ERA_5_19). */
export const ERA_SEED_P3 = laterEra(ERA_5_19, 'v5.19', {
  rmapCapacity: ['nr_sptes_per_pte_list', CHANGES.nrSptesPerPteList],
});
