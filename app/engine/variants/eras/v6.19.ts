/** v6.19 (see era.ts). */
import { FILES } from '../dsl';
import { laterEra, sourceAt as at, type Change } from '../era';
import { ERA_6_6 } from './v6.6';
import { CHANGED_BY_6_12 } from './v6.12';

/** What changed after v6.12, by v6.19. */
export const CHANGES = {
  kvmAdEnabled: {
    commit: null,
    msgid: '20241112193335.597514-4-seanjc@google.com',
    release: 'v6.13',
    what: 'kvm_ad_enabled records hardware A/D; the EPT accessed/dirty masks are set even without it',
    seen: at('v6.19', 'kvm_mmu_reset_all_pte_masks', FILES.spte),
  },
  shrinkerRemoved: {
    commit: 'fe140e611d34',
    release: 'v6.13',
    what: 'KVM’s MMU shrinker and the kvm_total_used_mmu_pages percpu counter are removed',
    seen: at('v6.19', 'kvm_mmu_vendor_module_init'),
  },
  memtypeMaskRemoved: {
    commit: '3fee4837ef40',
    release: 'v6.15 or v6.16',
    what: 'shadow_memtype_mask is removed',
    seen: at('v6.19', 'kvm_mmu_set_ept_masks', FILES.spte),
  },
  tdx: {
    commit: null,
    release: 'after v6.12, by v6.18',
    what: 'TDX: kvm_intel enters through vt_init(), reads its VMX capabilities in vmx_init() before kvm_x86_vendor_init(), and tdx_bringup() decides TDX once the MMU is configured',
    seen: at('v6.19', 'vt_init', FILES.vmxMain),
  },
  cetCheck: {
    commit: null,
    release: 'after v6.12, by v6.19',
    what: 'kvm_x86_vendor_init() checks the host’s CET state',
    seen: at('v6.19', 'kvm_x86_vendor_init', FILES.x86),
  },
  userReturnMsrs: {
    commit: null,
    release: 'after v6.12, by v6.19',
    what: 'the vendor load no longer allocates the user-return MSR state; kvm_destroy_user_return_msrs() frees it before the MMU exit',
    seen: at('v6.19', 'kvm_x86_vendor_exit', FILES.x86),
  },
  svmSetupOrder: {
    commit: null,
    release: 'after v6.12, by v6.19',
    what: 'svm_hardware_setup() sets allow_smaller_maxphyaddr right after kvm_configure_mmu() and runs svm_cpu_init() after the feature decisions',
    seen: at('v6.19', 'svm_hardware_setup', FILES.svm),
  },
  svmIopmLate: {
    commit: null,
    release: 'after v6.12, by v6.19',
    what: 'svm_hardware_setup() allocates the IOPM with svm_alloc_permissions_map() after kvm_configure_mmu() and svm_adjust_mmio_mask() (v6.19 svm.c L5359, L5381, L5392), no longer before them (v6.12.118 L5488, v6.6.87 L5227)',
    seen: at('v6.19', 'svm_hardware_setup', FILES.svm),
  },
} as const satisfies Record<string, Change>;

export const ERA_6_19 = laterEra(ERA_6_6, 'v6.19', {
  ...CHANGED_BY_6_12,
  kvmAdEnabled: [true, CHANGES.kvmAdEnabled],
  percpuCounter: [false, CHANGES.shrinkerRemoved],
  shrinker: [null, CHANGES.shrinkerRemoved],
  memtypeMask: [false, CHANGES.memtypeMaskRemoved],
  tdx: ['tdx_bringup', CHANGES.tdx],
  vmcsConfigIn: ['vmx_init', CHANGES.tdx],
  cetCheck: [true, CHANGES.cetCheck],
  userReturnMsrs: ['destroyed-before-mmu-exit', CHANGES.userReturnMsrs],
  svmMaxphyaddrAfterConfigure: [true, CHANGES.svmSetupOrder],
  svmCpuInitLast: [true, CHANGES.svmSetupOrder],
  svmIopmAfterMmio: [true, CHANGES.svmIopmLate],
});
