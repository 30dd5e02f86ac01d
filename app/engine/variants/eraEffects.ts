/**
 * The effects whose form depends on the kernel, made from an era's core facts. The
 * function trees written in this directory use them, and so can a tree derived from
 * a kernel's C elsewhere: the same statement then has the same meaning.
 */
import {
  KVM_MMU_PAGE_BYTES,
  POINTER_BYTES,
  PTE_LIST_DESC_HEADER_BYTES,
  PTE_LIST_EXT,
} from '../constants';
import type { Effect } from '../effects/types';
import type { CacheName } from '../model/globals';
import type { CoreFacts } from './era';

type Of<K extends Effect['kind']> = Extract<Effect, { kind: K }>;

const PTE_LIST_DESC_BYTES = PTE_LIST_DESC_HEADER_BYTES + PTE_LIST_EXT * POINTER_BYTES;

export interface EraEffects {
  resetDefaultMasks: Of<'reset_default_masks'>;
  setMmioSpteMask(from: Of<'set_mmio_spte_mask'>['from']): Of<'set_mmio_spte_mask'>;
  setEptMasks: Of<'set_ept_masks'>;
  configureMmu: Of<'configure_mmu'>;
  /** `sizedByNrSptes`: the v1 series' 16 + 8 · nr_sptes_per_pte_list bytes. */
  kmemCacheCreate(cache: CacheName, sizedByNrSptes?: boolean): Of<'kmem_cache_create'>;
  /** null: the era has no MMU shrinker. */
  registerShrinker: Of<'register_shrinker'> | null;
  unregisterShrinker: Of<'unregister_shrinker'> | null;
  vendorExclusiveCheck: Of<'vendor_exclusive_check'>;
  opsClear: Of<'ops_clear'>;
  sevHardwareSetup: Of<'sev_hardware_setup'>;
}

export function eraEffects(f: CoreFacts): EraEffects {
  return {
    resetDefaultMasks: { kind: 'reset_default_masks', memtype: f.memtypeMask },
    setMmioSpteMask: (from) => ({
      kind: 'set_mmio_spte_mask',
      from,
      reevaluate: f.mmioReevaluate,
      suppressVe: f.suppressVe,
    }),
    setEptMasks: {
      kind: 'set_ept_masks',
      memtype: f.memtypeMask,
      suppressVe: f.suppressVe,
      alwaysAd: f.kvmAdEnabled,
    },
    configureMmu: {
      kind: 'configure_mmu',
      tdpMmuGlobal: f.tdpMmuGlobal,
      setsNrSptes: f.rmapCapacity === 'nr_sptes_per_pte_list',
    },
    kmemCacheCreate: (cache, sizedByNrSptes = false) => ({
      kind: 'kmem_cache_create',
      cache,
      sizedByNrSptes,
      size: cache === 'pte_list_desc' ? PTE_LIST_DESC_BYTES : KVM_MMU_PAGE_BYTES,
      ...(cache === 'pte_list_desc' && !sizedByNrSptes && f.pteListDescCache === 'KMEM_CACHE'
        ? { macro: true as const }
        : {}),
    }),
    registerShrinker: f.shrinker && {
      kind: 'register_shrinker',
      api: f.shrinker,
      named: f.shrinkerName,
    },
    unregisterShrinker: f.shrinker && {
      kind: 'unregister_shrinker',
      api: f.shrinker === 'shrinker_alloc' ? 'shrinker_free' : 'unregister_shrinker',
    },
    vendorExclusiveCheck: { kind: 'vendor_exclusive_check', field: f.opsField },
    opsClear: { kind: 'ops_clear', field: f.opsField },
    sevHardwareSetup: { kind: 'sev_hardware_setup', gatedOnMmioCaching: f.sevAfterMmio },
  };
}
