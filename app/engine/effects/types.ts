/**
 * The closed set of effects a step can apply. Flags inside an effect carry the
 * version differences (named era facts, variants/era.ts), so variants stay plain data.
 */
import type { Errno, FaultPoint, ModuleName, VendorOps } from '../ids';
import type { CacheName } from '../model/globals';
import type { Params } from '../scenario';
import type { StateWriter } from '../model/state';

export type Effect =
  | { kind: 'note'; label: string; text: string }
  | { kind: 'nx_huge_pages_resolve' }
  | { kind: 'tdp_mmu_allowed_snapshot' }
  | { kind: 'mmio_caching_snapshot' }
  | { kind: 'maxphyaddr_snapshot' }
  | { kind: 'vendor_exclusive_check'; field: 'hardware_enable' | 'enable_virtualization_cpu' }
  | { kind: 'shadow_phys_bits_probe' }
  | { kind: 'kvm_ad_enabled_reset' }
  | { kind: 'reset_l1tf_masks' }
  | { kind: 'reset_default_masks'; memtype: boolean }
  /** `reevaluate`: c3e0c8c2e8b1's allow_mmio_caching restart; `suppressVe`: the v6.10 bit 63. */
  | {
      kind: 'set_mmio_spte_mask';
      from: 'reset' | 'ept' | 'svm';
      reevaluate: boolean;
      suppressVe: boolean;
    }
  /** The era's memtype mask, suppress-#VE bit and always-set A/D masks (kvm_ad_enabled). */
  | { kind: 'set_ept_masks'; memtype: boolean; suppressVe: boolean; alwaysAd: boolean }
  | { kind: 'set_me_spte_mask'; from: VendorOps }
  | { kind: 'vmx_decide_ept' }
  | { kind: 'vmx_decide_ept_ad' }
  | { kind: 'svm_decide_npt' }
  | { kind: 'configure_mmu'; tdpMmuGlobal: boolean; setsNrSptes: boolean }
  | { kind: 'nr_sptes_check' }
  /** `macro`: created with KMEM_CACHE(), which takes the struct's name and alignment. */
  | {
      kind: 'kmem_cache_create';
      cache: CacheName;
      sizedByNrSptes: boolean;
      size: number;
      macro?: true;
    }
  | { kind: 'kmem_cache_destroy'; cache: CacheName }
  /** `pte_list_desc_cache = NULL` after its destroy: Debian's 6.1.192 and 6.12.118 only. */
  | { kind: 'cache_pointer_clear'; cache: CacheName }
  | { kind: 'percpu_counter_init' }
  | { kind: 'percpu_counter_destroy' }
  /** `named`: register_shrinker() takes the "x86-mmu" name too (v6.0+; shrinker_alloc() always does). */
  | { kind: 'register_shrinker'; api: 'register_shrinker' | 'shrinker_alloc'; named: boolean }
  | { kind: 'unregister_shrinker'; api: 'unregister_shrinker' | 'shrinker_free' }
  | { kind: 'ops_update' }
  | { kind: 'ops_clear'; field: 'hardware_enable' | 'enable_virtualization_cpu' }
  /** `nested`: v7.1's VMX, whose last failable step is nested_vmx_hardware_setup(). */
  | { kind: 'hardware_setup_tail'; vendor: VendorOps; nested?: true }
  | { kind: 'sev_hardware_setup'; gatedOnMmioCaching: boolean }
  | { kind: 'tdx_gate' };

export type EffectKind = Effect['kind'];
/** Where MAXPHYADDR comes from: shadow_phys_bits (<= v6.6) or kvm_host.maxphyaddr (v6.12+). */
export type PhysSource = 'shadow_phys_bits' | 'kvm_host.maxphyaddr';

export interface EffectContext {
  w: StateWriter;
  params: Params;
  /** Whose module load or unload is running. */
  vendor: VendorOps;
  module: ModuleName;
  physSource: PhysSource;
  /** Consumes one visit of a fault point; the injected errno when it fires. */
  fault(point: FaultPoint): Errno | null;
  newCacheId(): number;
}

export interface EffectResult {
  errno?: Errno;
  /** The errno came from fail[] rather than from the modelled code. */
  injected?: boolean;
  /** A WARN that fired, in words. */
  warn?: string;
  /** What this execution did, with values (added to the step's static text). */
  detail?: string;
  /** The step was a no-op (e.g. svm_adjust_mmio_mask() without memory encryption). */
  skipped?: boolean;
  /** Release of something already released. */
  doubleFree?: string;
  /** A live resource was overwritten without being released. */
  overwrote?: string;
}

export interface Footprint {
  /** Configuration the step consumes: it should see the value this load sets up. */
  reads: string[];
  writes: string[];
  /** State the step inspects as it stands (is a cache live, is a vendor loaded). */
  probes?: string[];
}

/** What an effect does; how it reads is in labels.ts and prose.ts. */
export interface EffectSpec<E extends Effect> {
  footprint(e: E, ctx: Pick<EffectContext, 'vendor' | 'physSource'>): Footprint;
  /** Tags writes that only restore defaults: the clobber check looks for these. */
  resetsDefaults?(e: E): boolean;
  /** The fault point this step may be made to fail at. */
  faultPoint?(e: E): FaultPoint;
  apply(e: E, ctx: EffectContext): EffectResult;
}

export type EffectTable = { [K in EffectKind]: EffectSpec<Extract<Effect, { kind: K }>> };
