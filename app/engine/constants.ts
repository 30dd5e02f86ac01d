/**
 * Kernel constants the model uses, each with where it is defined. Values only;
 * see ../../docs/kernel-model.md for the list of sources and versions.
 */
import { bit, genmask } from './bits';

/** arch/x86/kvm/mmu.h (v5.19..v7.1) */
export const PT_PRESENT_MASK = bit(0);
export const PT_WRITABLE_MASK = bit(1);
export const PT_USER_MASK = bit(2);
export const PT_ACCESSED_MASK = bit(5);
export const PT_DIRTY_MASK = bit(6);
export const PT64_NX_MASK = bit(63);

/** arch/x86/include/asm/vmx.h (v5.19..v7.1); suppress-#VE exists from v6.10 (read in v6.19, v7.1.3). */
export const VMX_EPT_READABLE_MASK = 0x1n;
export const VMX_EPT_WRITABLE_MASK = 0x2n;
export const VMX_EPT_EXECUTABLE_MASK = 0x4n;
export const VMX_EPT_RWX_MASK = 0x7n;
export const VMX_EPT_MT_MASK = 0x38n;
export const VMX_EPT_IPAT_BIT = bit(6);
export const VMX_EPT_ACCESS_BIT = bit(8);
export const VMX_EPT_DIRTY_BIT = bit(9);
export const VMX_EPT_SUPPRESS_VE_BIT = bit(63);
export const VMX_EPT_MISCONFIG_WX_VALUE = VMX_EPT_WRITABLE_MASK | VMX_EPT_EXECUTABLE_MASK;

/** arch/x86/kvm/mmu/spte.h (v5.19..v7.1) */
export const DEFAULT_SPTE_HOST_WRITABLE = bit(9);
export const DEFAULT_SPTE_MMU_WRITABLE = bit(10);
export const EPT_SPTE_HOST_WRITABLE = bit(57);
export const EPT_SPTE_MMU_WRITABLE = bit(58);
export const SHADOW_NONPRESENT_OR_RSVD_MASK_LEN = 5;
/** REMOVED_SPTE (<= v6.6); v6.10+ FROZEN_SPTE adds SHADOW_NONPRESENT_VALUE (bit 63 on x86-64). */
export const REMOVED_SPTE = 0x5a0n;
export const FROZEN_SPTE = bit(63) | 0x5a0n;
/** v6.0+: the only bits an MMIO SPTE mask may use. */
export const SPTE_MMIO_ALLOWED_MASK = bit(63) | genmask(51, 12) | genmask(2, 0);
/** ACC_WRITE_MASK | ACC_USER_MASK = PT_WRITABLE_MASK | PT_USER_MASK */
export const ACC_WRITE_USER = PT_WRITABLE_MASK | PT_USER_MASK;

/** arch/x86/include/asm/kvm_types.h: objects per per-vCPU kvm_mmu_memory_cache. */
export const KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE = 40;
/** arch/x86/include/asm/kvm_host.h */
export const PT64_ROOT_MAX_LEVEL = 5;
/** arch/x86/kvm/mmu/mmu.c */
export const PTE_PREFETCH_NUM = 8;
/** mmu_topup_memory_caches(): 1 rmap + 1 parent PTE per level + the prefetched rmaps. */
export const PTE_LIST_DESC_TOPUP_MIN = 1 + PT64_ROOT_MAX_LEVEL + PTE_PREFETCH_NUM;
export const PAGE_HEADER_TOPUP_MIN = PT64_ROOT_MAX_LEVEL;
/** arch/x86/kvm/mmu/mmu.c, v5.15..v7.1 */
export const PTE_LIST_EXT = 14;
export const RMAP_RECYCLE_THRESHOLD = 1000;

/** x86-64 struct sizes in bytes (kernel-facts.md section 4). */
export const PTE_LIST_DESC_HEADER_BYTES = 16;
export const POINTER_BYTES = 8;
/**
 * sizeof(struct kvm_mmu_page), computed by replicating the field layout; verified on a real
 * build: Debian's 6.12.118+deb12-amd64 reports object_size 184 in
 * /sys/kernel/slab/kvm_mmu_page_header (scripts/kernel-truth.sh, docs/ground-truth.md; the
 * ground-truth test compares it on every captured boot).
 */
export const KVM_MMU_PAGE_BYTES = 184;

/** arch/x86/include/asm/pgtable_types.h: enum pg_level */
export const PG_LEVEL_4K = 1;
export const PG_LEVEL_2M = 2;
export const PG_LEVEL_1G = 3;

/** mm/slub.c: PAGE_ALLOC_COSTLY_ORDER bounds slub_max_order. */
export const PAGE_SIZE = 4096;
export const SLUB_MAX_ORDER = 3;
