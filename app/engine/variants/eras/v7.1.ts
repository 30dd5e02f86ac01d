/** v7.1 (see era.ts). */
import { FILES } from '../dsl';
import { laterEra, sourceAt as at, type Change } from '../era';
import { ERA_6_19 } from './v6.19';

/** What v7.1 changed. */
export const CHANGES = {
  tdxInHardwareSetup: {
    commit: 'f630de1f8d70',
    msgid: '20260214012702.2368778-17-seanjc@google.com',
    release: 'v7.1',
    what: 'the kernel brings the TDX module up at boot; tdx_hardware_setup(), at the end of kvm_intel’s hardware_setup op, decides TDX and vt_hardware_unsetup() undoes it',
    seen: at('v7.1.3', 'tdx_hardware_setup', FILES.tdx),
  },
  vmxonInCore: {
    commit: null,
    msgid: '20260214012702.2368778-*-seanjc@google.com',
    release: 'v7.1',
    what: 'the core kernel owns VMXON: alloc_kvm_area() is gone, nested_vmx_hardware_setup() is the last failable step of vmx_hardware_setup()',
    seen: at('v7.1.3', 'vmx_hardware_setup', FILES.vmx),
  },
  eferCaps: {
    commit: null,
    release: 'v7.1',
    what: 'kvm_setup_efer_caps(): common x86 enables the guest EFER bits after ops->hardware_setup() instead of each vendor',
    seen: { kind: 'kernel', tree: 'v7.1.3', file: FILES.x86, line: 10039 },
  },
} as const satisfies Record<string, Change>;

/** v7.1 keeps v6.19's MMU init and mask code (docs/kernel-model.md, "v7.1"). */
export const ERA_7_1 = laterEra(ERA_6_19, 'v7.1.3', {
  tdx: ['tdx_hardware_setup', CHANGES.tdxInHardwareSetup],
  allocatesVmxon: [false, CHANGES.vmxonInCore],
  eferCapsInCommon: [true, CHANGES.eferCaps],
});
