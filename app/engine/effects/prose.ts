/**
 * How each effect reads in prose: the name a sentence gives it and what it does. Only the
 * worker's runs and reviews say these, so they stay out of the main thread's labels.ts.
 */
import { CACHE_POINTER } from '../model/globals';
import { tailOf } from './labels';
import type { Effect, EffectKind } from './types';

interface EffectProse<E extends Effect> {
  /**
   * How a sentence names it: the kernel call that makes it ("kvm_ops_update()"), or what
   * the statements it stands for set ("the default shadow_* masks"), as the kernel spells them.
   */
  name(e: E): string;
  /** What the step does and why, in plain words, independent of values. */
  text(e: E): string;
}

const PROSE: { [K in EffectKind]: EffectProse<Extract<Effect, { kind: K }>> } = {
  note: {
    name: (e) => e.label,
    text: (e) => e.text,
  },
  nx_huge_pages_resolve: {
    name: () => '__set_nx_huge_pages()',
    text: () =>
      'Turns the nx_huge_pages=auto default into on or off: on when the CPU has the iTLB multihit erratum (and mitigations are on). Done at kvm.ko load since 1d0e84806047 so the value is fixed before any VM exists.',
  },
  tdp_mmu_allowed_snapshot: {
    name: () => 'tdp_mmu_allowed = tdp_mmu_enabled',
    text: () =>
      'Snapshots the user’s kvm.tdp_mmu choice (read-only since v6.3) so that each vendor load can recompute tdp_mmu_enabled from it in kvm_configure_mmu().',
  },
  mmio_caching_snapshot: {
    name: () => 'allow_mmio_caching = enable_mmio_caching',
    text: () =>
      'Snapshots the user’s kvm.mmio_caching choice at kvm.ko load. Vendor loads may turn enable_mmio_caching off; every kvm_mmu_set_mmio_spte_mask() starts again from this snapshot (c3e0c8c2e8b1).',
  },
  maxphyaddr_snapshot: {
    name: () => 'kvm_host.maxphyaddr = kvm_get_host_maxphyaddr()',
    text: () =>
      'Records the raw MAXPHYADDR once at kvm.ko load (it replaced the per-vendor-load shadow_phys_bits).',
  },
  vendor_exclusive_check: {
    name: (e) => `the kvm_x86_ops.${e.field} check`,
    text: () =>
      'Only one vendor module can drive KVM at a time: if the other vendor’s ops are installed, the load stops here before touching any MMU state.',
  },
  vmx_decide_ept: {
    name: () => 'the enable_ept check',
    text: () =>
      'setup_vmcs_config() has read the EPT capabilities; EPT stays on only if the CPU has everything KVM needs (the model assumes it does) and the ept module param allows it.',
  },
  vmx_decide_ept_ad: {
    name: () => 'the enable_ept_ad_bits check',
    text: () => 'EPT accessed/dirty bits are used only when EPT is on and the CPU supports them.',
  },
  svm_decide_npt: {
    name: () => 'the npt_enabled check',
    text: () =>
      'Nested paging stays on if the CPU has it (the model assumes it does) and the npt module param allows it.',
  },
  configure_mmu: {
    name: () => 'tdp_enabled = enable_tdp',
    text: (e) =>
      `The vendor tells the MMU whether it pages with TDP (EPT/NPT) or shadow page tables, how deep the TDP root is and the largest page it may map${
        e.tdpMmuGlobal ? '; since v6.3 this also decides tdp_mmu_enabled for every VM' : ''
      }${e.setsNrSptes ? '; the v1 series also sizes pte_list_desc here: 2 sptes per descriptor with TDP, 14 without' : ''}.`,
  },
  nr_sptes_check: {
    name: () => 'WARN_ON_ONCE(!nr_sptes_per_pte_list)',
    text: () =>
      'The v1 series sizes pte_list_desc from nr_sptes_per_pte_list, which only kvm_configure_mmu() sets. This WARN is how the series catches a caller that runs the MMU setup before the vendor configured it.',
  },
  ops_update: {
    name: () => 'kvm_ops_update()',
    text: () =>
      'Copies the vendor’s runtime ops into kvm_x86_ops and patches the static calls: from here on common code calls into this vendor.',
  },
  ops_clear: {
    name: (e) => `kvm_x86_ops.${e.field} = NULL`,
    text: () => 'Marks no vendor as loaded, so the other vendor module may load later.',
  },
  hardware_setup_tail: {
    name: (e) => tailOf(e)[2],
    text: (e) =>
      `The last part of the vendor’s hardware_setup() that can fail (${tailOf(e)[1]}), after the masks and kvm_configure_mmu() are done. The “hardware_setup” fault point fails here.`,
  },
  sev_hardware_setup: {
    name: () => 'sev_es_enabled = sev_es_supported',
    text: (e) =>
      e.gatedOnMmioCaching
        ? 'SEV-ES guests need MMIO SPTEs to fault with PFEC.RSVD, so SEV-ES is turned off when MMIO caching ended up off. It must therefore run after svm_adjust_mmio_mask() (0c29397ac1fd).'
        : 'Sets up SEV/SEV-ES support. In this version it does not look at MMIO caching (that check arrived in v6.0).',
  },
  tdx_gate: {
    name: () => 'the enable_tdx check',
    text: () =>
      'TDX is usable only with EPT, the TDP MMU, MMIO caching and EPT A/D bits, so it reads values fixed by the mask setup and kvm_configure_mmu(). (Initialising the TDX module itself is not modelled.)',
  },
  shadow_phys_bits_probe: {
    name: () => 'kvm_get_shadow_phys_bits()',
    text: () =>
      'Records the CPU’s MAXPHYADDR (CPUID 0x80000008), which decides whether a reserved physical-address bit is left for MMIO SPTEs.',
  },
  kvm_ad_enabled_reset: {
    name: () => 'kvm_ad_enabled = true',
    text: () =>
      'Assumes hardware accessed/dirty bits until a vendor says otherwise (VMX may clear it for EPT without A/D).',
  },
  reset_l1tf_masks: {
    name: () => 'the L1TF shadow_nonpresent_or_rsvd_* masks',
    text: () =>
      'On CPUs with the L1TF bug, non-present SPTEs keep the upper GFN bits in a 5-bit window below the cache’s address width so a speculative L1D load cannot hit host memory; otherwise the window is empty and the lower-GFN mask covers every physical-address bit.',
  },
  reset_default_masks: {
    name: () => 'the default shadow_* masks',
    text: (e) =>
      `Puts every SPTE mask back to its value for ordinary x86 page tables: P/U/A/D at bits 0/2/5/6, NX at bit 63, no X bit, no access tracking, no memory-encryption bits, host/MMU-writable at software bits 9/10${e.memtype ? ', no memtype bits' : ''}. A vendor module loaded earlier may have left EPT values here.`,
  },
  set_mmio_spte_mask: {
    name: () => 'kvm_mmu_set_mmio_spte_mask()',
    text: (e) =>
      `Chooses how MMIO SPTEs are marked so a guest MMIO access faults straight into KVM’s emulator. ${
        !e.reevaluate
          ? 'In this version a value of 0 turns enable_mmio_caching off for good: later calls cannot turn it back on (fixed in v6.0 by c3e0c8c2e8b1).'
          : 'From v6.0 every call starts again from the user’s mmio_caching choice (allow_mmio_caching), so an earlier call cannot leave caching off.'
      }`,
  },
  set_ept_masks: {
    name: () => 'the EPT shadow_* masks',
    text: (e) =>
      `EPT entries have no U/NX bits: R (bit 0) stands in for “user”, X (bit 2) for executable, and A/D live at bits 8/9. ${
        e.alwaysAd
          ? 'Since v6.13 the A/D masks are set even without hardware A/D (kvm_ad_enabled records that)'
          : 'Without EPT A/D the accessed/dirty masks are 0 and access tracking takes over'
      }${e.suppressVe ? `${e.alwaysAd ? ' and present' : '; present'} entries carry suppress-#VE (bit 63)` : ''}. With execute-only support “present” needs no R bit, so the present mask is ${
        e.suppressVe ? 'just bit 63' : '0'
      }. Host/MMU-writable move to software bits 57/58${e.memtype ? '; EPT also needs the memtype+IPAT bits' : ''}.`,
  },
  set_me_spte_mask: {
    name: () => 'kvm_mmu_set_me_spte_mask()',
    text: (e) =>
      e.from === 'vmx'
        ? 'Marks the MKTME/TDX KeyID bits (between x86_phys_bits and MAXPHYADDR) as the memory-encryption mask, so SPTE checks treat them as reserved. Empty when no address bits are taken.'
        : 'Sets the SME C-bit as both value and mask so every SPTE maps host memory encrypted. Zero when SME is off.',
  },
  kmem_cache_create: {
    name: (e) => (e.macro ? `KMEM_CACHE(${e.cache})` : `kmem_cache_create("${e.cache}")`),
    text: (e) =>
      e.cache === 'pte_list_desc'
        ? e.sizedByNrSptes
          ? 'Creates the slab cache for rmap descriptors, sized from nr_sptes_per_pte_list: 32 bytes with TDP, 128 without. This is why the v1 series needs the vendor to have configured the MMU first.'
          : 'Creates the slab cache for rmap descriptors (struct pte_list_desc: a next pointer, a count and 14 spte pointers, 128 bytes). Its size is fixed, so it can be created before the vendor decides on TDP.'
        : 'Creates the slab cache for shadow page headers (struct kvm_mmu_page).',
  },
  kmem_cache_destroy: {
    name: (e) => `kmem_cache_destroy(${CACHE_POINTER[e.cache]})`,
    text: () =>
      'Destroys the cache. NULL is accepted and ignored, but the global pointer is not cleared afterwards, so a second destroy of the same cache is a use-after-free.',
  },
  cache_pointer_clear: {
    name: (e) => `${CACHE_POINTER[e.cache]} = NULL`,
    text: () =>
      'Clears the pointer after the destroy, so a later destroy on an error path finds NULL and does nothing. Mainline (up to v7.1) does not; Debian’s 6.1.192 and 6.12.118 do.',
  },
  percpu_counter_init: {
    name: () => 'percpu_counter_init(&kvm_total_used_mmu_pages)',
    text: () =>
      'Allocates the per-CPU counter of shadow pages in use across all VMs; the shrinker reads it to decide whether there is anything to reclaim.',
  },
  percpu_counter_destroy: {
    name: () => 'percpu_counter_destroy(&kvm_total_used_mmu_pages)',
    text: () => 'Frees the per-CPU counter; a counter that holds no storage is left alone.',
  },
  register_shrinker: {
    name: (e) =>
      e.api === 'shrinker_alloc' ? 'shrinker_alloc()' : 'register_shrinker(&mmu_shrinker)',
    text: () =>
      'Registers the MMU shrinker (seeks = 10 * DEFAULT_SEEKS) so memory pressure can zap shadow pages of idle VMs.',
  },
  unregister_shrinker: {
    name: (e) =>
      e.api === 'shrinker_free'
        ? 'shrinker_free(mmu_shrinker)'
        : 'unregister_shrinker(&mmu_shrinker)',
    text: () => 'Removes the MMU shrinker; unregistering one that was never registered is a no-op.',
  },
};

/** The one place the table is indexed with a union, so each entry keeps its precise type. */
const proseOf = <E extends Effect>(e: E): EffectProse<E> =>
  PROSE[e.kind] as unknown as EffectProse<E>;

export const effectText = (e: Effect): string => proseOf(e).text(e);
export const effectName = (e: Effect): string => proseOf(e).name(e);
