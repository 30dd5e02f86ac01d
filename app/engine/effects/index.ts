/**
 * The effect table: one spec per effect kind, so a variant's steps are pure data.
 * How effects read is in labels.ts (which the main thread loads alone) and prose.ts.
 */
import * as C from './config';
import * as M from './masks';
import * as R from './resources';
import type {
  Effect,
  EffectContext,
  EffectResult,
  EffectSpec,
  EffectTable,
  Footprint,
} from './types';

export const EFFECTS: EffectTable = {
  note: C.note,
  nx_huge_pages_resolve: C.nxHugePagesResolve,
  tdp_mmu_allowed_snapshot: C.tdpMmuAllowedSnapshot,
  mmio_caching_snapshot: C.mmioCachingSnapshot,
  maxphyaddr_snapshot: C.maxphyaddrSnapshot,
  vendor_exclusive_check: C.vendorExclusiveCheck,
  shadow_phys_bits_probe: M.shadowPhysBitsProbe,
  kvm_ad_enabled_reset: M.kvmAdEnabledReset,
  reset_l1tf_masks: M.resetL1tfMasks,
  reset_default_masks: M.resetDefaultMasks,
  set_mmio_spte_mask: M.setMmioSpteMask,
  set_ept_masks: M.setEptMasks,
  set_me_spte_mask: M.setMeSpteMask,
  vmx_decide_ept: C.vmxDecideEpt,
  vmx_decide_ept_ad: C.vmxDecideEptAd,
  svm_decide_npt: C.svmDecideNpt,
  configure_mmu: C.configureMmu,
  nr_sptes_check: C.nrSptesCheck,
  kmem_cache_create: R.kmemCacheCreate,
  kmem_cache_destroy: R.kmemCacheDestroy,
  cache_pointer_clear: R.cachePointerClear,
  percpu_counter_init: R.percpuCounterInit,
  percpu_counter_destroy: R.percpuCounterDestroy,
  register_shrinker: R.registerShrinker,
  unregister_shrinker: R.unregisterShrinker,
  ops_update: C.opsUpdate,
  ops_clear: C.opsClear,
  hardware_setup_tail: C.hardwareSetupTail,
  sev_hardware_setup: C.sevHardwareSetup,
  tdx_gate: C.tdxGate,
};

/** The one place the table is indexed with a union, so each spec keeps its precise type. */
export function specOf<E extends Effect>(e: E): EffectSpec<E> {
  return EFFECTS[e.kind] as unknown as EffectSpec<E>;
}

export const applyEffect = (e: Effect, ctx: EffectContext): EffectResult => specOf(e).apply(e, ctx);
export const effectFootprint = (
  e: Effect,
  ctx: Pick<EffectContext, 'vendor' | 'physSource'>,
): Footprint => specOf(e).footprint(e, ctx);
export const effectResetsDefaults = (e: Effect): boolean => specOf(e).resetsDefaults?.(e) ?? false;
export const effectFaultPoint = (e: Effect) => specOf(e).faultPoint?.(e) ?? null;
