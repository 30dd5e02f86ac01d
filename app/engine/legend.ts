/**
 * What each SPTE bit means, for labelling the 64-bit mask rows (kernel-facts.md §3
 * bit constants; arch/x86/kvm/mmu/{mmu.h,spte.h}, arch/x86/include/asm/vmx.h).
 * x86 paging formats serve shadow paging and NPT; EPT has its own.
 */
export type PagingFormat = 'x86' | 'ept';

export interface BitField {
  hi: number;
  lo: number;
  /** A few characters for the row header. */
  short: string;
  title: string;
}

export const LEGEND: Record<PagingFormat, BitField[]> = {
  x86: [
    { hi: 63, lo: 63, short: 'NX', title: 'bit 63: execute disable (PT64_NX_MASK)' },
    {
      hi: 62,
      lo: 52,
      short: 'sw',
      title: 'bits 62..52: KVM software bits (MMIO generation, TDP A/D mode, access tracking)',
    },
    {
      hi: 51,
      lo: 12,
      short: 'PFN',
      title: 'bits 51..12: physical frame number; bit 51 doubles as the default MMIO marker',
    },
    { hi: 11, lo: 11, short: 'MP', title: 'bit 11: SPTE_MMU_PRESENT (KVM software)' },
    {
      hi: 10,
      lo: 10,
      short: 'MW',
      title: 'bit 10: MMU-writable (KVM software, DEFAULT_SPTE_MMU_WRITABLE)',
    },
    {
      hi: 9,
      lo: 9,
      short: 'HW',
      title: 'bit 9: host-writable (KVM software, DEFAULT_SPTE_HOST_WRITABLE)',
    },
    { hi: 8, lo: 8, short: 'G', title: 'bit 8: global' },
    { hi: 7, lo: 7, short: 'PS', title: 'bit 7: page size / PAT' },
    { hi: 6, lo: 6, short: 'D', title: 'bit 6: dirty (PT_DIRTY_MASK)' },
    { hi: 5, lo: 5, short: 'A', title: 'bit 5: accessed (PT_ACCESSED_MASK)' },
    { hi: 4, lo: 4, short: 'PCD', title: 'bit 4: cache disable' },
    { hi: 3, lo: 3, short: 'PWT', title: 'bit 3: write-through' },
    { hi: 2, lo: 2, short: 'U', title: 'bit 2: user (PT_USER_MASK)' },
    { hi: 1, lo: 1, short: 'W', title: 'bit 1: writable (PT_WRITABLE_MASK)' },
    { hi: 0, lo: 0, short: 'P', title: 'bit 0: present (PT_PRESENT_MASK)' },
  ],
  ept: [
    { hi: 63, lo: 63, short: 'SVE', title: 'bit 63: suppress #VE (VMX_EPT_SUPPRESS_VE_BIT)' },
    { hi: 62, lo: 59, short: 'sw', title: 'bits 62..59: KVM software bits (MMIO generation)' },
    { hi: 58, lo: 58, short: 'MW', title: 'bit 58: MMU-writable (EPT_SPTE_MMU_WRITABLE)' },
    { hi: 57, lo: 57, short: 'HW', title: 'bit 57: host-writable (EPT_SPTE_HOST_WRITABLE)' },
    {
      hi: 56,
      lo: 54,
      short: 'sav',
      title: 'bits 56..54: access tracking saves X (56) and R (54) here',
    },
    { hi: 53, lo: 52, short: 'AD', title: 'bits 53..52: TDP A/D mode (KVM software)' },
    { hi: 51, lo: 12, short: 'PFN', title: 'bits 51..12: physical frame number' },
    { hi: 11, lo: 11, short: 'MP', title: 'bit 11: SPTE_MMU_PRESENT (KVM software)' },
    { hi: 10, lo: 10, short: 'XU', title: 'bit 10: execute for user mode (MBEC)' },
    { hi: 9, lo: 9, short: 'D', title: 'bit 9: dirty (VMX_EPT_DIRTY_BIT)' },
    { hi: 8, lo: 8, short: 'A', title: 'bit 8: accessed (VMX_EPT_ACCESS_BIT)' },
    { hi: 7, lo: 7, short: 'PS', title: 'bit 7: large page' },
    { hi: 6, lo: 6, short: 'IPAT', title: 'bit 6: ignore PAT (VMX_EPT_IPAT_BIT)' },
    { hi: 5, lo: 3, short: 'MT', title: 'bits 5..3: memory type (VMX_EPT_MT_MASK)' },
    { hi: 2, lo: 2, short: 'X', title: 'bit 2: execute (VMX_EPT_EXECUTABLE_MASK)' },
    { hi: 1, lo: 1, short: 'W', title: 'bit 1: write' },
    { hi: 0, lo: 0, short: 'R', title: 'bit 0: read (VMX_EPT_READABLE_MASK)' },
  ],
};

export function fieldOf(format: PagingFormat, bitIndex: number): BitField {
  return LEGEND[format].find((f) => bitIndex <= f.hi && bitIndex >= f.lo)!;
}
