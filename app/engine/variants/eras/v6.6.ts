/** v6.6 (see era.ts). */
import { FILES } from '../dsl';
import { laterEra, sourceAt as at, type Change } from '../era';
import { ERA_6_0 } from './v6.0';

/** What changed from v6.0 to v6.6. */
export const CHANGES = {
  percpuLeakFix: {
    commit: null,
    release: 'v6.1',
    what: 'kvm_mmu_vendor_module_init() destroys the percpu counter when register_shrinker() fails (Miaohe Lin, out_shrinker label)',
    seen: { kind: 'kernel', tree: 'v6.1.192', file: FILES.mmu, line: 6780 },
  },
  vendorInit: {
    commit: '4f8396b96a9f',
    msgid: '20221130230934.1014142-1-seanjc@google.com',
    release: 'v6.3',
    what: 'the x86 part of a vendor load, the MMU’s vendor init and hardware_setup() included, runs in kvm_x86_vendor_init() before kvm_init(), which exposes /dev/kvm last (with e32b120071ea)',
    seen: at('v6.6.87', '__kvm_x86_vendor_init', FILES.x86),
  },
  vendorModuleLock: {
    commit: '3af4a9e61e71',
    release: 'v6.3',
    what: 'vendor module loads are serialised by vendor_module_lock',
    seen: at('v6.6.87', 'kvm_x86_vendor_init', FILES.x86),
  },
  tdpMmuGlobal: {
    commit: '3af15ff47c4d',
    release: 'v6.3',
    what: 'tdp_mmu becomes read-only: kvm.ko snapshots it in tdp_mmu_allowed, kvm_configure_mmu() decides tdp_mmu_enabled once per vendor load',
    seen: at('v6.6.87', 'kvm_configure_mmu'),
  },
  rmapHeadInsert: {
    commit: '141705b78381',
    release: 'v6.4',
    what: 'pte_list_desc tracks a tail count: new entries go to the head descriptor and tails stay full',
    seen: at('v6.6.87', 'pte_list_add'),
  },
} as const satisfies Record<string, Change>;

export const ERA_6_6 = laterEra(ERA_6_0, 'v6.6.87', {
  percpuLeakFixed: [true, CHANGES.percpuLeakFix],
  vendorInit: ['kvm_x86_vendor_init', CHANGES.vendorInit],
  vendorModuleLock: ['mutex_lock', CHANGES.vendorModuleLock],
  tdpMmuGlobal: [true, CHANGES.tdpMmuGlobal],
  rmapAlgorithm: ['head-insert', CHANGES.rmapHeadInsert],
});
