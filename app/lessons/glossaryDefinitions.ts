/**
 * What each glossary entry (glossary.ts) means, by its id: the words of the tooltips,
 * the screen readers' descriptions and the glossary dialog. Kept apart from the
 * entries so the main chunk holds only the names; this loads on the first hover or
 * focus of a term, or while the browser is idle. Our own words, consistent with
 * docs/kernel-facts.md (which cites the sources); no kernel text.
 */
export const DEFINITIONS: Readonly<Record<string, string>> = {
  shadow_present_mask:
    'The bits KVM sets in an SPTE to make it present. The x86 default is bit 0 (P). EPT has no present bit: KVM uses the read bit (0x1), or nothing when the CPU allows execute-only pages, and in later kernels (v6.12 has it) also bit 63.',
  shadow_user_mask:
    'The bit that lets guest user mode use the page: bit 2 (U) in x86 entries. EPT has no user bit, so VMX puts the read bit (0x1) here.',
  shadow_accessed_mask:
    'The bit the hardware sets when the page is used: bit 5 in x86 entries, bit 8 in EPT entries. Before v6.13 it is 0 with EPT when the CPU has no EPT accessed/dirty bits.',
  shadow_dirty_mask:
    'The bit the hardware sets when the page is written: bit 6 in x86 entries, bit 9 in EPT entries (0 before v6.13 when EPT has no accessed/dirty bits).',
  shadow_nx_mask:
    'The no-execute bit: bit 63 in x86 entries. EPT grants execution with a bit instead of forbidding it, so VMX sets this mask to 0 and uses shadow_x_mask.',
  shadow_x_mask:
    'The execute bit: bit 2 (0x4) in EPT entries. x86 entries have none (they use the NX bit), so the reset sets it to 0. Only VMX’s kvm_mmu_set_ept_masks() sets it, which is how the masks pane knows it shows EPT values.',
  shadow_host_writable_mask:
    'A software bit of KVM’s: the host allows this page to be written. Bit 9 by default, bit 57 with EPT (where bit 9 is the dirty bit).',
  shadow_mmu_writable_mask:
    'A software bit of KVM’s: the MMU may make this SPTE writable (it is not write-protected for tracking). Bit 10 by default, bit 58 with EPT.',
  shadow_mmio_value:
    'The bit pattern that marks an MMIO SPTE. The reset picks reserved bit 51 plus bit 0 when the host has fewer than 52 physical address bits; VMX uses the EPT misconfiguration pattern write+execute (0x6). 0 means MMIO caching is off.',
  shadow_mmio_mask: 'The bits KVM compares with shadow_mmio_value to recognise an MMIO SPTE.',
  shadow_mmio_access_mask:
    'Which access bits (write, user) an MMIO SPTE keeps, so a later fault can be checked against them.',
  shadow_memtype_mask:
    'EPT memory-type bits KVM puts in SPTEs (bits 3–6 with EPT, 0 otherwise). It exists from v6.0 until its removal before v6.18.',
  shadow_me_value:
    'Memory-encryption bits put into every SPTE: AMD’s SME C-bit when SME is on, 0 otherwise.',
  shadow_me_mask:
    'The physical-address bits that carry memory-encryption information (AMD’s C-bit, Intel’s MKTME/TDX KeyID bits), which must not be read as part of the frame number.',
  shadow_acc_track_mask:
    'Bits KVM clears to notice accesses when the hardware cannot record them: EPT’s read/write/execute bits (0x7). 0 for x86 entries.',
  shadow_nonpresent_or_rsvd_mask:
    'L1TF defence: high reserved bits KVM sets in non-present SPTEs so a speculative load cannot reach cached host data. 0 on CPUs without the L1TF bug.',
  shadow_nonpresent_or_rsvd_lower_gfn_mask:
    'The frame-number bits below the L1TF window (bit 12 up to the host’s physical address width). MMIO values must stay clear of them.',
  tdp_enabled:
    'Whether KVM’s MMU uses TDP (EPT or NPT) or shadow paging. Set by kvm_configure_mmu(), which the vendor’s hardware_setup() calls.',
  tdp_root_level:
    'A fixed number of page-table levels for TDP roots (SVM sets it to the host’s level), or 0 to let KVM choose. Set by kvm_configure_mmu().',
  max_tdp_level:
    'The most page-table levels a TDP root may have: 4, or 5 with 5-level paging. Set by kvm_configure_mmu().',
  max_huge_page_level:
    'The largest page KVM maps at once: 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB. Set by kvm_configure_mmu() from what the CPU’s EPT/NPT (or, for shadow paging, the host) supports.',
  tdp_mmu_enabled:
    'The kvm.tdp_mmu parameter. From v6.3 kvm_configure_mmu() turns it into the final choice: the TDP MMU is used only when tdp_mmu_allowed and tdp_enabled are both on.',
  tdp_mmu_allowed:
    'v6.3 and later: the kvm.tdp_mmu parameter as it was when kvm.ko loaded, kept so that each vendor load can decide tdp_mmu_enabled afresh.',
  enable_mmio_caching:
    'Whether KVM uses MMIO SPTEs (the kvm.mmio_caching parameter). The mask functions turn it off when no safe bit pattern exists.',
  allow_mmio_caching:
    'v6.0 and later: the kvm.mmio_caching parameter as it was when kvm.ko loaded. Each mask update starts again from it, so one vendor’s decision does not stick for the next (the “sticky” bug of v5.19).',
  shadow_phys_bits:
    'The host’s physical address width as the mask reset reads it from CPUID (up to v6.6). With 52 bits there is no reserved address bit left for MMIO SPTEs.',
  'kvm_host.maxphyaddr':
    'The host’s physical address width, read once when kvm.ko loads (replaces shadow_phys_bits by v6.12).',
  kvm_ad_enabled:
    'v6.13 and later: whether the hardware records accessed/dirty bits in SPTEs. The accessed and dirty masks are set either way.',
  nx_huge_pages:
    'A mitigation for the iTLB multihit CPU bug: huge pages are broken up when the guest executes from them. -1 means “auto”, resolved when kvm.ko loads.',
  nr_sptes_per_pte_list:
    'Proposed in the 2022 series, never merged: how many SPTE pointers a pte_list_desc holds, set by kvm_configure_mmu() (2 with TDP, 14 without), so descriptors shrink to 32 bytes when rmaps are rare.',
  kvm_x86_ops:
    'The table of vendor functions kvm.ko calls (VMX or SVM), installed by kvm_ops_update(). While it is set, loading the other vendor module fails with -EEXIST.',
  enable_ept:
    'kvm_intel’s ept parameter, cleared by hardware_setup() when the CPU lacks what KVM needs from EPT.',
  enable_ept_ad_bits:
    'kvm_intel’s eptad parameter: use EPT’s accessed/dirty bits. Cleared without EPT or without the CPU capability.',
  npt_enabled: 'kvm_amd’s npt parameter, cleared by svm_hardware_setup() when the CPU has no NPT.',
  sev_es_enabled:
    'kvm_amd: offer SEV-ES guests. From v6.0 it is turned off when MMIO caching ended up off.',
  enable_tdx:
    'kvm_intel’s tdx parameter, in the kernels with TDX (v6.19 and v7.1 here): offer TDX guests, which needs the TDP MMU, MMIO caching and EPT accessed/dirty bits.',
  kvm: 'Linux’s hypervisor: the kernel code that runs virtual machines. On x86 it is two modules: kvm.ko with the common code, and kvm_intel or kvm_amd for the CPU vendor’s hardware.',
  'kvm.ko':
    'The module with KVM’s common x86 code. Its globals (the shadow_* masks, the cache pointers) stay as they are while vendor modules are loaded and unloaded; they start from zero only when kvm.ko itself is loaded.',
  'vendor-module':
    'kvm_intel (Intel VMX) or kvm_amd (AMD SVM): the module that drives one vendor’s virtualization hardware. Only one can be loaded at a time. Loading it runs most of KVM’s set-up, including the MMU’s.',
  vmx: 'Intel’s virtualization extensions (VT-x), driven by kvm_intel.',
  svm: 'AMD’s virtualization extensions (AMD-V), driven by kvm_amd.',
  mmu: 'The memory-management unit translates addresses through page tables. KVM’s “MMU” is the code that builds the page tables a guest’s memory accesses go through.',
  vm: 'A virtual machine. The model creates one, with one vCPU, to run the workload after the last vendor load.',
  vcpu: 'A virtual CPU of a VM. Each keeps small caches of objects taken ahead of time, so that handling a page fault never waits for memory.',
  gfn: 'Guest frame number: a guest-physical address divided by the 4 KiB page size, i.e. which page of the guest’s memory.',
  pfn: 'Physical frame number: which page of the host’s memory an entry points at (bits 12 and up of a page-table entry).',
  pte: 'One 64-bit word of a page table: a frame number plus bits that say present, writable, user, accessed, dirty, no-execute and so on.',
  spte: 'A page-table entry KVM itself writes into the page tables the CPU walks for a guest (TDP or shadow page tables). Which bit means what is taken from the shadow_* masks.',
  'shadow-masks':
    'Globals in kvm.ko that say which bits KVM puts in an SPTE for each meaning (present, writable, executable, MMIO marker, …). They differ between EPT, NPT and shadow paging, so they must be set for the format in use before the first SPTE is built.',
  tdp: 'Two-dimensional paging: the CPU walks the guest’s own page tables and then a second set, KVM’s, that maps guest-physical to host-physical memory. EPT on Intel, NPT on AMD. With TDP off, KVM uses shadow paging.',
  ept: 'Intel’s TDP (extended page tables). EPT entries have their own layout — read, write, execute in bits 0–2, memory type in bits 3–5 — so VMX rewrites the masks for it.',
  npt: 'AMD’s TDP (nested page tables). NPT entries use the ordinary x86 layout, so the reset’s defaults stand.',
  'shadow-paging':
    'Without TDP, KVM builds “shadow” page tables that combine the guest’s page tables with its own mapping, and keeps them in step by write-protecting the guest’s tables. Every shadow SPTE goes into a reverse map.',
  'tdp-mmu':
    'KVM’s newer code for TDP page tables (kvm.tdp_mmu). It needs no reverse maps; they are then used only for nested guests’ shadow pages.',
  'mmio-spte':
    'An SPTE holding a bit pattern (shadow_mmio_value) the CPU treats as invalid, so a guest access to an emulated device faults in a way KVM recognises at once. Using them is “MMIO caching”; it needs a bit pattern no real entry has.',
  'ad-bits':
    'Bits the CPU sets in a page-table entry when the page is used (accessed) or written (dirty). EPT has them only on CPUs with the EPT A/D capability.',
  'exec-only':
    'Intel CPUs that can map a page executable but not readable. With it, KVM leaves the read bit out of shadow_present_mask.',
  l1tf: 'L1 Terminal Fault, an Intel CPU bug: a non-present entry can still be used speculatively. KVM sets high reserved bits in non-present SPTEs against it.',
  sme: 'AMD memory encryption. One physical-address bit, the C-bit, marks a page encrypted; KVM puts it in SPTEs through shadow_me_value and shadow_me_mask.',
  tdx: 'Intel Trust Domain Extensions: guests whose memory the host cannot read. KVM offers them only when the TDP MMU, MMIO caching and EPT A/D bits are all on.',
  kvm_mmu_x86_module_init:
    'The MMU’s part of loading kvm.ko: resolves nx_huge_pages, and from v6.3 records tdp_mmu_allowed.',
  kvm_mmu_vendor_module_init:
    'kvm.ko’s MMU set-up, run at every vendor module load before the vendor’s hardware_setup(): the mask reset, then, in every released kernel, the two kmem caches (and before v6.13 the percpu counter and the shrinker).',
  'mask-reset':
    'Puts every shadow_* mask back to the x86 defaults and recomputes the MMIO and L1TF masks for this CPU. It runs at each vendor load, before the vendor writes its own values, because kvm.ko’s masks still hold whatever the previous vendor module left.',
  hardware_setup:
    'The vendor module’s set-up operation (VMX’s hardware_setup(), SVM’s svm_hardware_setup()): it checks the CPU, decides EPT/NPT and related features, writes the vendor’s mask values and calls kvm_configure_mmu().',
  kvm_configure_mmu:
    'Called by the vendor’s hardware_setup() to tell the MMU whether TDP is on, how many levels its page tables have and the largest page size; from v6.3 it also settles tdp_mmu_enabled.',
  kvm_mmu_set_ept_masks: 'VMX’s call that rewrites the shadow_* masks for EPT’s entry layout.',
  kvm_mmu_set_mmio_spte_mask:
    'Sets the MMIO SPTE value, mask and access bits after checking them; when no safe pattern is left it turns MMIO caching off.',
  kvm_mmu_hardware_setup:
    'Added by the 2022 series and never merged: creates the kmem caches, the percpu counter and the shrinker after the vendor’s hardware_setup(), so their size could depend on what the vendor decided.',
  kvm_ops_update:
    'Installs the vendor’s operations table (kvm_x86_ops) in kvm.ko. From then on, loading the other vendor module fails with -EEXIST.',
  kvm_init:
    'KVM’s architecture-independent set-up (CPU hotplug, the vCPU cache, …). It creates /dev/kvm, after which user space can start VMs.',
  mmu_topup_memory_caches:
    'Runs before each guest page fault: a vCPU cache that holds fewer objects than needed (14 descriptors) is refilled to its capacity of 40.',
  rmap: 'For one gfn, the list of SPTEs that map it. Page tables go from a guest page to a host page; the rmap goes back, so KVM can find every SPTE of a page when it must write-protect or unmap it.',
  'rmap-head':
    'One word per gfn: 0 when nothing maps it, the SPTE’s address itself when one SPTE does, or — bit 0 set — the address of a chain of pte_list_desc.',
  pte_list_desc:
    'A link in an rmap chain: a 128-byte object with up to 14 SPTE addresses, a count and a pointer to the next link. Released kernels allocate them from the “pte_list_desc” kmem cache.',
  append:
    'How pte_list_add() grew an rmap until v6.3: the new SPTE goes into the first descriptor with room, and a new descriptor is added at the end of the chain when all are full.',
  'head-insert':
    'How pte_list_add() grows an rmap since v6.4: new SPTEs always go into the first descriptor; when it is full a new one becomes the first. Every later descriptor stays full, so the first one’s tail_count gives the length at once.',
  'kmem-cache':
    'A kernel allocator for many objects of one size, made with kmem_cache_create(). It cuts slabs into objects; /proc/slabinfo lists each cache by name.',
  slab: 'A block of contiguous pages a kmem cache cuts into objects. Its order is the power of two of its page count: order 0 is one 4 KiB page. The kernel’s SLUB allocator picks the order from the object size and the number of CPUs.',
  kvm_mmu_page_header:
    'The kmem cache for struct kvm_mmu_page, KVM’s bookkeeping for each shadow page table (184 bytes in this model).',
  'vcpu-cache':
    'pte_list_desc objects a vCPU takes from the kmem cache ahead of time (mmu_topup_memory_caches()), so adding to an rmap during a fault never waits for memory. They count as allocated.',
  'percpu-counter':
    'A counter spread over the CPUs, cheap to update. KVM counted its shadow pages in kvm_total_used_mmu_pages for the shrinker; it must be released with percpu_counter_destroy(). Removed in v6.13.',
  shrinker:
    'A callback the kernel calls when memory runs low, asking a subsystem to free what it can. KVM’s mmu_shrinker freed shadow pages. Registered at each vendor load before v6.13, then removed.',
  errno:
    'Kernel functions fail by returning a negative error number: -ENOMEM no memory, -EIO I/O error, -EEXIST already exists, -EBUSY busy.',
  unwind:
    'When a step fails, kernel C jumps (goto) to a label near the end of the function; the labels undo, in reverse order, what succeeded before the failure, and the error is returned to the caller, which unwinds in turn.',
  leak: 'Something allocated or registered on the way in that nothing releases, after a failed load or an unload.',
  'double-free':
    'Releasing something that was already released: memory corruption waiting to happen.',
  dangling:
    'A pointer that still holds the address of something destroyed. Using it is a use-after-free.',
  warn: 'A kernel warning with a stack trace in the log: the code found a state it treats as a bug, and carries on.',
  clobber:
    'A write that replaces a value another step set and still relies on, such as a mask reset that runs after the vendor wrote its EPT values.',
  'stale-read': 'A step reads a global before the step that sets it for this load has run.',
  'error-return': 'A load that fails: the module’s init function returns a negative error number.',
  'missing-step':
    'A step the real kernel runs did not run in this ordering, so the load or unload ends in a state the kernel never reaches.',
  'end-state':
    'Every step ran, yet the load or unload ends in a state the real kernel never reaches, and no other finding explains why.',
  'vm-setup':
    'Creating a VM (KVM_CREATE_VM) finds the MMU not set up: there are no caches to allocate its page-table entries from.',
  insmod:
    'Load and unload a kernel module. Loading runs the module’s init function; if it returns an error, the load fails and the module is gone again.',
};
