/**
 * SPTE mask effects: arch/x86/kvm/mmu/spte.c kvm_mmu_reset_all_pte_masks(),
 * kvm_mmu_set_mmio_spte_mask(), kvm_mmu_set_ept_masks(), kvm_mmu_set_me_spte_mask(),
 * VMX vmx_setup_me_spte_mask() and SVM svm_adjust_mmio_mask() (kernel-facts.md §3).
 */
import { bit, genmask, hex, rsvdBits } from '../bits';
import * as K from '../constants';
import { maxPhyAddr, smeMeMask, x86PhysBits } from '../model/host';
import type { EffectContext, EffectResult, EffectSpec, Effect } from './types';

type Of<K extends Effect['kind']> = Extract<Effect, { kind: K }>;
type Spec<K extends Effect['kind']> = EffectSpec<Of<K>>;

const setMask = (ctx: EffectContext, name: string, value: bigint) =>
  ctx.w.set('masks', name, value);
const mask = (ctx: EffectContext, name: string): bigint => ctx.w.get('masks', name) ?? 0n;
const physOf = (ctx: EffectContext): number => Number(ctx.w.get('config', ctx.physSource) ?? 0);

const DEFAULT_MASKS = [
  'shadow_user_mask',
  'shadow_accessed_mask',
  'shadow_dirty_mask',
  'shadow_nx_mask',
  'shadow_x_mask',
  'shadow_present_mask',
  'shadow_acc_track_mask',
  'shadow_me_mask',
  'shadow_me_value',
  'shadow_host_writable_mask',
  'shadow_mmu_writable_mask',
];
const EPT_MASKS = [
  'shadow_user_mask',
  'shadow_accessed_mask',
  'shadow_dirty_mask',
  'shadow_nx_mask',
  'shadow_x_mask',
  'shadow_present_mask',
  'shadow_acc_track_mask',
  'shadow_host_writable_mask',
  'shadow_mmu_writable_mask',
];
const MMIO_WRITES = [
  'shadow_mmio_value',
  'shadow_mmio_mask',
  'shadow_mmio_access_mask',
  'enable_mmio_caching',
];

export const shadowPhysBitsProbe: Spec<'shadow_phys_bits_probe'> = {
  footprint: () => ({ reads: [], writes: ['shadow_phys_bits'] }),
  apply(_e, ctx) {
    const v = maxPhyAddr(ctx.params);
    ctx.w.set('config', 'shadow_phys_bits', v);
    return { detail: `shadow_phys_bits = ${v}` };
  },
};

export const kvmAdEnabledReset: Spec<'kvm_ad_enabled_reset'> = {
  footprint: () => ({ reads: [], writes: ['kvm_ad_enabled'] }),
  resetsDefaults: () => true,
  apply(_e, ctx) {
    ctx.w.set('config', 'kvm_ad_enabled', true);
    return {};
  },
};

export const resetL1tfMasks: Spec<'reset_l1tf_masks'> = {
  footprint: () => ({
    reads: [],
    writes: ['shadow_nonpresent_or_rsvd_mask', 'shadow_nonpresent_or_rsvd_lower_gfn_mask'],
  }),
  resetsDefaults: () => true,
  apply(_e, ctx) {
    const physBits = x86PhysBits(ctx.params, ctx.vendor);
    const cacheBits = physBits;
    const res: EffectResult = {};
    let rsvd = 0n;
    let low = physBits;
    if (ctx.params.l1tf) {
      if (cacheBits >= 52 - K.SHADOW_NONPRESENT_OR_RSVD_MASK_LEN) {
        res.warn = `WARN_ON_ONCE: L1TF CPU with x86_cache_bits = ${cacheBits} (>= 47): no room for the relocated GFN bits, mitigation mask left empty`;
      } else {
        low = cacheBits - K.SHADOW_NONPRESENT_OR_RSVD_MASK_LEN;
        rsvd = rsvdBits(low, cacheBits - 1);
      }
    }
    setMask(ctx, 'shadow_nonpresent_or_rsvd_mask', rsvd);
    setMask(ctx, 'shadow_nonpresent_or_rsvd_lower_gfn_mask', genmask(low - 1, 12));
    res.detail = `x86_phys_bits = ${physBits}; low_phys_bits = ${low}`;
    return res;
  },
};

export const resetDefaultMasks: Spec<'reset_default_masks'> = {
  footprint: (e) => ({
    reads: [],
    writes: e.memtype ? [...DEFAULT_MASKS, 'shadow_memtype_mask'] : DEFAULT_MASKS,
  }),
  resetsDefaults: () => true,
  apply(e, ctx) {
    setMask(ctx, 'shadow_user_mask', K.PT_USER_MASK);
    setMask(ctx, 'shadow_accessed_mask', K.PT_ACCESSED_MASK);
    setMask(ctx, 'shadow_dirty_mask', K.PT_DIRTY_MASK);
    setMask(ctx, 'shadow_nx_mask', K.PT64_NX_MASK);
    setMask(ctx, 'shadow_x_mask', 0n);
    setMask(ctx, 'shadow_present_mask', K.PT_PRESENT_MASK);
    if (e.memtype) setMask(ctx, 'shadow_memtype_mask', 0n);
    setMask(ctx, 'shadow_acc_track_mask', 0n);
    setMask(ctx, 'shadow_me_mask', 0n);
    setMask(ctx, 'shadow_me_value', 0n);
    setMask(ctx, 'shadow_host_writable_mask', K.DEFAULT_SPTE_HOST_WRITABLE);
    setMask(ctx, 'shadow_mmu_writable_mask', K.DEFAULT_SPTE_MMU_WRITABLE);
    return {};
  },
};

/** The (value, mask, access) each caller passes; null when the caller returns early. */
function mmioArgs(
  e: Of<'set_mmio_spte_mask'>,
  ctx: EffectContext,
): { value: bigint; mask: bigint; access: bigint; why: string } | null {
  if (e.from === 'reset') {
    const phys = physOf(ctx);
    const m = phys < 52 ? bit(51) | K.PT_PRESENT_MASK : 0n;
    const why =
      phys < 52
        ? `MAXPHYADDR ${phys} < 52 leaves bit 51 reserved: MMIO SPTEs set it (plus P) to fault with PFEC.RSVD`
        : `MAXPHYADDR is 52: no reserved address bit, so MMIO caching cannot work`;
    return { value: m, mask: m, access: K.ACC_WRITE_USER, why };
  }
  if (e.from === 'ept') {
    const m = e.suppressVe ? K.VMX_EPT_RWX_MASK | K.VMX_EPT_SUPPRESS_VE_BIT : K.VMX_EPT_RWX_MASK;
    return {
      value: K.VMX_EPT_MISCONFIG_WX_VALUE,
      mask: m,
      access: 0n,
      why: 'EPT raises a misconfiguration for write+execute without read (0b110), which KVM uses to spot MMIO',
    };
  }
  if (!ctx.params.sme) return null;
  let maskBit = x86PhysBits(ctx.params, 'svm');
  if (ctx.params.smeCBit === maskBit) maskBit++;
  const m = maskBit < 52 ? rsvdBits(maskBit, 51) | K.PT_PRESENT_MASK : 0n;
  return {
    value: m,
    mask: m,
    access: K.PT_WRITABLE_MASK | K.PT_USER_MASK,
    why: `memory encryption shrinks the usable address bits: MMIO SPTEs set bits ${maskBit}..51 (skipping the C-bit)`,
  };
}

export const setMmioSpteMask: Spec<'set_mmio_spte_mask'> = {
  footprint: (e, ctx) => ({
    reads: [
      'shadow_nonpresent_or_rsvd_lower_gfn_mask',
      'shadow_nonpresent_or_rsvd_mask',
      // v6.0+ first overwrites enable_mmio_caching with allow_mmio_caching, then reads that.
      e.reevaluate ? 'allow_mmio_caching' : 'enable_mmio_caching',
      ...(e.from === 'reset' ? [ctx.physSource] : []),
    ],
    writes: MMIO_WRITES,
  }),
  resetsDefaults: (e) => e.from === 'reset',
  apply(e, ctx) {
    const args = mmioArgs(e, ctx);
    if (!args)
      return {
        skipped: true,
        detail: 'returns early: SYSCFG.MemEncrypt is clear, the default MMIO mask stays',
      };
    const warns: string[] = [];
    let value = args.value;
    if (value & mask(ctx, 'shadow_nonpresent_or_rsvd_lower_gfn_mask'))
      warns.push('WARN_ON: MMIO value overlaps the lower GFN bits');
    if (e.reevaluate)
      ctx.w.set(
        'config',
        'enable_mmio_caching',
        ctx.w.get('config', 'allow_mmio_caching') ?? false,
      );
    const cachingWasOff = !ctx.w.get('config', 'enable_mmio_caching');
    if (cachingWasOff) value = 0n;
    if (e.reevaluate && args.mask & ~K.SPTE_MMIO_ALLOWED_MASK) {
      warns.push('WARN_ON: MMIO mask uses bits outside SPTE_MMIO_ALLOWED_MASK');
      value = 0n;
    }
    const rsvd = mask(ctx, 'shadow_nonpresent_or_rsvd_mask');
    if (value & (rsvd << BigInt(K.SHADOW_NONPRESENT_OR_RSVD_MASK_LEN))) {
      warns.push('WARN_ON: MMIO value collides with the L1TF relocated-GFN bits');
      value = 0n;
    }
    if ((value & args.mask) !== value) {
      warns.push('WARN_ON: MMIO value is not inside its own mask');
      value = 0n;
    }
    const frozen = e.suppressVe ? K.FROZEN_SPTE : K.REMOVED_SPTE;
    if (value && (frozen & args.mask) === value) {
      warns.push('WARN_ON: a removed/frozen SPTE would look like MMIO');
      value = 0n;
    }
    if (!value) ctx.w.set('config', 'enable_mmio_caching', false);
    setMask(ctx, 'shadow_mmio_value', value);
    setMask(ctx, 'shadow_mmio_mask', args.mask);
    setMask(ctx, 'shadow_mmio_access_mask', args.access);
    const res: EffectResult = {
      detail: `${args.why}. value ${hex(value)}, mask ${hex(args.mask)}, access ${hex(args.access)}${
        value
          ? ''
          : cachingWasOff
            ? ' — value dropped to 0 because enable_mmio_caching was already off'
            : ''
      }; MMIO caching ${value ? 'on' : 'off'}`,
    };
    if (warns.length) res.warn = warns.join('; ');
    return res;
  },
};

export const setEptMasks: Spec<'set_ept_masks'> = {
  footprint: (e) => ({
    reads: ['enable_ept_ad_bits'],
    writes: [
      ...EPT_MASKS,
      ...(e.memtype ? ['shadow_memtype_mask'] : []),
      ...(e.alwaysAd ? ['kvm_ad_enabled'] : []),
    ],
  }),
  apply(e, ctx) {
    const ad = Boolean(ctx.w.get('config', 'enable_ept_ad_bits'));
    const execOnly = ctx.params.eptExecOnly;
    const alwaysAd = e.alwaysAd;
    if (alwaysAd) ctx.w.set('config', 'kvm_ad_enabled', ad);
    setMask(ctx, 'shadow_user_mask', K.VMX_EPT_READABLE_MASK);
    setMask(ctx, 'shadow_accessed_mask', ad || alwaysAd ? K.VMX_EPT_ACCESS_BIT : 0n);
    setMask(ctx, 'shadow_dirty_mask', ad || alwaysAd ? K.VMX_EPT_DIRTY_BIT : 0n);
    setMask(ctx, 'shadow_nx_mask', 0n);
    setMask(ctx, 'shadow_x_mask', K.VMX_EPT_EXECUTABLE_MASK);
    const present = execOnly ? 0n : K.VMX_EPT_READABLE_MASK;
    setMask(
      ctx,
      'shadow_present_mask',
      e.suppressVe ? present | K.VMX_EPT_SUPPRESS_VE_BIT : present,
    );
    if (e.memtype) setMask(ctx, 'shadow_memtype_mask', K.VMX_EPT_MT_MASK | K.VMX_EPT_IPAT_BIT);
    setMask(ctx, 'shadow_acc_track_mask', K.VMX_EPT_RWX_MASK);
    setMask(ctx, 'shadow_host_writable_mask', K.EPT_SPTE_HOST_WRITABLE);
    setMask(ctx, 'shadow_mmu_writable_mask', K.EPT_SPTE_MMU_WRITABLE);
    return { detail: `has_ad_bits = ${ad ? 1 : 0}, has_exec_only = ${execOnly ? 1 : 0}` };
  },
};

export const setMeSpteMask: Spec<'set_me_spte_mask'> = {
  footprint: (e, ctx) => ({
    reads: e.from === 'vmx' ? [ctx.physSource] : [],
    writes: ['shadow_me_value', 'shadow_me_mask'],
  }),
  apply(e, ctx) {
    let value: bigint;
    let m: bigint;
    if (e.from === 'vmx') {
      const phys = physOf(ctx);
      const x86 = x86PhysBits(ctx.params, 'vmx');
      value = 0n;
      m = x86 !== phys ? rsvdBits(x86, phys - 1) : 0n;
    } else {
      value = m = smeMeMask(ctx.params);
    }
    const res: EffectResult = {};
    if (value & ~m) {
      res.warn = 'WARN_ON: shadow_me_value is not a subset of shadow_me_mask; both zeroed';
      value = m = 0n;
    }
    setMask(ctx, 'shadow_me_value', value);
    setMask(ctx, 'shadow_me_mask', m);
    res.detail = `value ${hex(value)}, mask ${hex(m)}`;
    return res;
  },
};
