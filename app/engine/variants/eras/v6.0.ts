/** v6.0, and Debian's 6.1.192 that keeps its core facts (see era.ts). */
import { FILES } from '../dsl';
import { coreEra, laterEra, sourceAt as at, type Change } from '../era';
import { ERA_5_19 } from './v5.19';

/** What v6.0 changed. */
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
} as const satisfies Record<string, Change>;

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

/**
 * Debian's 6.1.192 (docs/kernel-model.md, "v6.1 and v6.12"): v6.0's core facts, each
 * re-read in that tree. Its function tree (the stable hybrid of kernel-facts.md 2c) is
 * imported, so no tree fact applies.
 */
export const ERA_6_1 = coreEra(ERA_6_0, 'v6.1.192');
