/**
 * The host CPU as the kernel sees it, derived from scenario parameters.
 * The model lets either vendor module load on the same host (the real modules
 * refuse a foreign CPU with -EOPNOTSUPP) so a vendor swap can be studied.
 */
import { bit } from '../bits';
import { PG_LEVEL_1G, PG_LEVEL_2M, PG_LEVEL_4K } from '../constants';
import type { Params } from '../scenario';
import type { VendorOps } from '../ids';

/** CPUID 0x80000008 EAX[7:0]: what shadow_phys_bits / kvm_host.maxphyaddr record. */
export const maxPhyAddr = (p: Params): number => p.physBits;

/**
 * boot_cpu_data.x86_phys_bits: MAXPHYADDR minus the bits that memory encryption
 * (AMD SME, SYSCFG.MemEncrypt) or KeyIDs (Intel MKTME/TDX) take from the top.
 */
export function x86PhysBits(p: Params, vendor: VendorOps): number {
  if (vendor === 'vmx') return p.physBits - p.mktmeKeyIdBits;
  return p.sme ? p.physBits - p.smePhysReduction : p.physBits;
}

/** sme_me_mask: the C-bit when SME is active, else 0. */
export const smeMeMask = (p: Params): bigint => (p.sme ? bit(p.smeCBit) : 0n);

/** ept_caps_to_lpage_level() */
export function eptHugePageLevel(p: Params): number {
  return p.eptLargePages === '1G'
    ? PG_LEVEL_1G
    : p.eptLargePages === '2M'
      ? PG_LEVEL_2M
      : PG_LEVEL_4K;
}

/** vmx_get_max_tdp_level() / get_npt_level() on x86-64 */
export const tdpRootLevel = (p: Params): number => (p.fiveLevel ? 5 : 4);
