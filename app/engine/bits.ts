/** 64-bit helpers. Masks are bigint so bit 63 is exact (a JS number loses it). */

export const U64 = (1n << 64n) - 1n;

/** BIT_ULL(n) */
export function bit(n: number): bigint {
  return 1n << BigInt(n);
}

/** GENMASK_ULL(hi, lo): bits hi..lo inclusive; empty when hi < lo. */
export function genmask(hi: number, lo: number): bigint {
  if (hi < lo) return 0n;
  return ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo);
}

/** rsvd_bits(s, e) in arch/x86/kvm/mmu.h: bits s..e, 0 when e < s. */
export const rsvdBits = (s: number, e: number): bigint => genmask(e, s);

/** Lower-case hex as the CLI contract prints masks: "0x0" … "0xffffffffffffffff". */
export function hex(value: bigint): string {
  return '0x' + (value & U64).toString(16);
}

/** Indices of set bits, ascending. */
export function setBits(value: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < 64; i++) if ((value >> BigInt(i)) & 1n) out.push(i);
  return out;
}
