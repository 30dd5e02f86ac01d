/** What v6.12 changed after v6.6, and Debian's 6.12.118 (see era.ts). */
import { FILES } from '../dsl';
import {
  coreEra,
  laterEra,
  sourceAt as at,
  type AllFacts,
  type Change,
  type Changed,
} from '../era';
import { ERA_6_6 } from './v6.6';

/** What changed after v6.6, by v6.12. */
export const CHANGES = {
  shrinkerAlloc: {
    commit: null,
    msgid: '20230824034304.37411-3-zhengqi.arch@bytedance.com',
    release: 'v6.7',
    what: 'the MMU shrinker is allocated with shrinker_alloc() and registered with shrinker_register(), freed with shrinker_free()',
  },
  kmemCacheMacro: {
    commit: null,
    msgid: '20240116100025.95702-1-chentao@kylinos.cn',
    release: 'after v6.6, by v6.12',
    what: 'pte_list_desc_cache is created with KMEM_CACHE() (same name and size, the struct’s alignment)',
  },
  hostMaxphyaddr: {
    commit: null,
    release: 'after v6.6, by v6.12',
    what: 'MAXPHYADDR is read once at kvm.ko load into kvm_host.maxphyaddr; the per-vendor-load shadow_phys_bits is gone',
    seen: at('v6.19', 'kvm_mmu_spte_module_init', FILES.spte),
  },
  opsFieldRename: {
    commit: null,
    release: 'after v6.6, by v6.12',
    what: 'kvm_x86_ops.hardware_enable is named enable_virtualization_cpu',
    seen: at('v6.19', 'kvm_x86_vendor_init', FILES.x86),
  },
  lockGuard: {
    commit: null,
    release: 'after v6.6, by v6.12',
    what: 'kvm_x86_vendor_init() holds vendor_module_lock with guard(mutex); __kvm_x86_vendor_init() is folded into it',
    seen: at('v6.19', 'kvm_x86_vendor_init', FILES.x86),
  },
  vmxMainC: {
    commit: null,
    release: 'after v6.6, by v6.12',
    what: 'VMX’s ops move to vmx/main.c and its hardware_setup() is named vmx_hardware_setup()',
    seen: at('v6.19', 'vmx_hardware_setup', FILES.vmx),
  },
  kvmCapsReset: {
    commit: '40269c03fdbf',
    release: 'v6.10',
    what: 'kvm_caps is zeroed at every vendor load',
    seen: at('v6.19', 'kvm_x86_vendor_init', FILES.x86),
  },
  suppressVe: {
    commit: null,
    msgid: '20240507154459.3950778-*-pbonzini@redhat.com',
    release: 'v6.10',
    what: 'TDX preparation: SHADOW_NONPRESENT_VALUE (bit 63), the suppress-#VE bit in EPT present and MMIO masks, FROZEN_SPTE',
    seen: at('v6.19', 'kvm_mmu_set_ept_masks', FILES.spte),
  },
} as const satisfies Record<string, Change>;

/**
 * What changed after v6.6 and is in v6.12 already (read in Debian's 6.12.118: mmu.c
 * L7418 KMEM_CACHE, L7431 shrinker_alloc; spte.c L77 kvm_host.maxphyaddr, L440
 * suppress-#VE; x86.c L9276 guard(mutex), L9278 enable_virtualization_cpu, L9311
 * kvm_caps zeroed; vmx.c L8401 vmx_hardware_setup()). ERA_6_12 below is its core part.
 */
export const CHANGED_BY_6_12: Changed<AllFacts> = {
  shrinker: ['shrinker_alloc', CHANGES.shrinkerAlloc],
  pteListDescCache: ['KMEM_CACHE', CHANGES.kmemCacheMacro],
  physSource: ['kvm_host.maxphyaddr', CHANGES.hostMaxphyaddr],
  opsField: ['enable_virtualization_cpu', CHANGES.opsFieldRename],
  vendorModuleLock: ['guard', CHANGES.lockGuard],
  vmxHardwareSetup: ['vmx_hardware_setup', CHANGES.vmxMainC],
  kvmCapsReset: [true, CHANGES.kvmCapsReset],
  suppressVe: [true, CHANGES.suppressVe],
};

/** Debian's 6.12.118: v6.6's core facts plus the core part of CHANGED_BY_6_12, re-read there. */
export const ERA_6_12 = coreEra(laterEra(ERA_6_6, 'v6.12.118', CHANGED_BY_6_12));
