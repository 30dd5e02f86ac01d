/** arch/x86/kvm/vmx/{vmx.c,main.c,tdx.c}: what kvm_intel does at load and unload, per era. */
import { call, eff, FILES, fn, note, type StepSpec } from './dsl';
import { valuesOf, type Era } from './era';
import type { FunctionDef, Source, VendorEntry } from './types';

/** 'alt': the reviewer's alternative, which puts MMU setup and teardown calls into vendor code. */
export type AltMmu = 'none' | 'alt';

export const ALT_SRC: Source = {
  kind: 'reconstruction',
  msgids: ['YrZTxZm4kq0rXcKQ@google.com', 'YrnPgZvgWDpb6+R1@google.com'],
  note: 'kvm_configure_mmu() creates the caches; vendor teardown and error paths call kvm_unconfigure_mmu()',
};
const ALT = { src: ALT_SRC };

export function vmxHardwareSetup(era: Era, alt: AltMmu): FunctionDef {
  const f = valuesOf(era);
  const unconfigure = alt === 'alt';
  const vmxon = f.allocatesVmxon;
  const body: StepSpec[] = [
    ...(f.vmcsConfigIn !== 'hardware_setup'
      ? []
      : [
          note(
            'setup_vmcs_config()',
            'Reads the VMX and EPT capability MSRs; -EIO if the CPU lacks what KVM needs.',
          ),
        ]),
    eff({ kind: 'vmx_decide_ept' }),
    note(
      'NX is required for shadow paging',
      'Without EPT, KVM needs NX to build shadow page tables (-EOPNOTSUPP otherwise).',
    ),
    eff({ kind: 'vmx_decide_ept_ad' }),
    note(
      'unrestricted guest, FlexPriority, vNMI, PLE, APICv, TSC scaling',
      'Feature decisions unrelated to the MMU masks.',
    ),
    call('kvm_mmu_set_ept_masks', {
      when: 'enable_ept',
      text: 'Only with EPT: rewrites the masks for EPT entries. VMX does this *before* it calls kvm_configure_mmu(), which is why the mask reset must happen before hardware_setup() and cannot move into kvm_configure_mmu().',
    }),
    call('vmx_setup_me_spte_mask'),
    call('kvm_configure_mmu', alt === 'none' ? {} : { onError: 'return', ...ALT }),
    note(
      'enable_pml needs EPT and EPT A/D',
      'Page-modification logging reads the decisions above.',
    ),
    ...(vmxon
      ? [
          note(
            'nested_vmx_hardware_setup()',
            'Nested VMX capability MSRs (may fail with -ENOMEM; not a modelled fault point).',
          ),
        ]
      : []),
    // Up to v6.19 a failed alloc_kvm_area() is kept in r: the nested unsetup and the wakeup
    // handler still run before the return (v5.19 vmx.c L8180-L8186, v6.19 L8682-L8686).
    // v7.1's nested_vmx_hardware_setup() returns at once (L8778).
    eff(
      vmxon
        ? { kind: 'hardware_setup_tail', vendor: 'vmx' }
        : { kind: 'hardware_setup_tail', vendor: 'vmx', nested: true },
      { onError: unconfigure ? 'err_unconfigure_mmu' : vmxon ? 'continue' : 'return' },
    ),
    ...(vmxon && !unconfigure
      ? [
          note(
            'nested_vmx_hardware_unsetup()',
            'Only when alloc_kvm_area() failed (and nested is on): frees the nested VMX state set up above.',
            { ifError: true },
          ),
        ]
      : []),
    note('kvm_set_posted_intr_wakeup_handler()', 'Posted-interrupt wakeups.'),
  ];
  return fn(
    era.tree,
    {
      name: f.vmxHardwareSetup,
      file: FILES.vmx,
      returns: 'int',
      owner: 'vmx',
      summary:
        'VMX’s hardware_setup(): decides EPT and its A/D bits, edits the SPTE masks for EPT, then calls kvm_configure_mmu().',
    },
    body,
    unconfigure ? [['err_unconfigure_mmu', [call('kvm_unconfigure_mmu', ALT)]]] : [],
  );
}

export function vmxHardwareUnsetup(era: Era, alt: AltMmu): FunctionDef {
  return fn(
    era.tree,
    {
      name: 'vmx_hardware_unsetup',
      file: FILES.vmx,
      returns: 'void',
      owner: 'vmx',
      summary: 'Undoes hardware_setup() at unload or when a later load step fails.',
    },
    [
      note(
        valuesOf(era).allocatesVmxon
          ? 'posted-interrupt wakeup handler, nested unsetup, free_kvm_area()'
          : 'posted-interrupt wakeup handler, nested unsetup',
        'Frees what hardware_setup() allocated.',
      ),
      ...(alt === 'alt' ? [call('kvm_unconfigure_mmu', ALT)] : []),
    ],
  );
}

export function vmxSetupMeSpteMask(era: Era): FunctionDef {
  return fn(
    era.tree,
    {
      name: 'vmx_setup_me_spte_mask',
      file: FILES.vmx,
      returns: 'void',
      owner: 'vmx',
      summary: 'Tells the MMU which physical-address bits are MKTME/TDX KeyIDs.',
    },
    [eff({ kind: 'set_me_spte_mask', from: 'vmx' })],
  );
}

const L1D = note(
  'vmx_setup_l1d_flush()',
  'L1TF mitigation: allocates the L1D flush pages (can fail; not a modelled fault point).',
);
const PER_CPU = note(
  'per-CPU loaded_vmcss lists, posted-interrupt init, vmcs12 checks',
  'VMX bookkeeping.',
);

const vmxMeta = (
  name: string,
  returns: 'int' | 'void',
  summary: string,
  file: string = FILES.vmx,
) => ({ name, file, returns, owner: 'vmx' as const, summary });

/** Module entry points; `entry` names what "@hardware_setup" resolves to. */
export function vmxModule(era: Era): { fns: FunctionDef[]; entry: VendorEntry } {
  const t = era.tree;
  const f = valuesOf(era);
  const vmcsConfig = note(
    'setup_vmcs_config()',
    'Reads VMX/EPT capabilities, now before kvm_x86_vendor_init().',
  );
  if (f.vendorInit === 'kvm_arch_init') {
    return {
      entry: {
        init: 'vmx_init',
        exit: 'vmx_exit',
        ops: { hardware_setup: f.vmxHardwareSetup, hardware_unsetup: 'vmx_hardware_unsetup' },
      },
      fns: [
        fn(
          t,
          vmxMeta(
            'vmx_init',
            'int',
            'module_init of kvm_intel: hands its ops to kvm_init(), then finishes VMX setup.',
          ),
          [
            note('Hyper-V enlightened VMCS', 'Only when running nested on Hyper-V.'),
            call('kvm_init', { onError: 'return' }),
            L1D,
            PER_CPU,
            note(
              'allow_smaller_maxphyaddr = !enable_ept',
              'Shadow paging can emulate a smaller guest MAXPHYADDR.',
            ),
          ],
        ),
        fn(t, vmxMeta('vmx_exit', 'void', 'module_exit of kvm_intel.'), [
          note('crash_vmclear_loaded_vmcss = NULL', 'Stops kdump from touching VMCSs.'),
          call('kvm_exit'),
          note(
            'eVMCS reset, L1D flush pages, allow_smaller_maxphyaddr = false',
            'VMX-only cleanup.',
          ),
        ]),
      ],
    };
  }
  const exit66: StepSpec[] = [call('kvm_exit'), call('kvm_x86_vendor_exit'), call('__vmx_exit')];
  if (f.tdx === 'none') {
    return {
      entry: {
        init: 'vmx_init',
        exit: 'vmx_exit',
        ops: { hardware_setup: f.vmxHardwareSetup, hardware_unsetup: 'vmx_hardware_unsetup' },
      },
      fns: [
        fn(
          t,
          vmxMeta(
            'vmx_init',
            'int',
            'module_init of kvm_intel: x86 vendor init first, VMX setup, kvm_init() (and /dev/kvm) last.',
          ),
          [
            note(
              'kvm_is_vmx_supported(), hv_init_evmcs()',
              'CPU check and Hyper-V enlightenments.',
            ),
            ...(f.vmcsConfigIn === 'vmx_init' ? [vmcsConfig] : []),
            call('kvm_x86_vendor_init', { onError: 'return' }),
            { ...L1D, onError: 'err_l1d_flush' },
            PER_CPU,
            call('kvm_init', { onError: 'err_kvm_init' }),
          ],
          [
            ['err_kvm_init', [call('__vmx_exit')]],
            ['err_l1d_flush', [call('kvm_x86_vendor_exit')]],
          ],
        ),
        fn(t, vmxMeta('vmx_exit', 'void', 'module_exit of kvm_intel.'), exit66),
        fn(t, vmxMeta('__vmx_exit', 'void', 'VMX-only cleanup.'), [
          note(
            'allow_smaller_maxphyaddr = false; emergency callback; L1D flush pages',
            'VMX-only cleanup.',
          ),
        ]),
      ],
    };
  }
  return {
    entry: {
      init: 'vt_init',
      exit: 'vt_exit',
      ops:
        f.tdx === 'tdx_hardware_setup'
          ? { hardware_setup: 'vt_hardware_setup', hardware_unsetup: 'vt_hardware_unsetup' }
          : { hardware_setup: 'vt_hardware_setup', hardware_unsetup: 'vmx_hardware_unsetup' },
    },
    fns: [
      ...vtEntry(era),
      fn(
        t,
        vmxMeta(
          'vmx_init',
          'int',
          'VMX part of the load: capabilities, x86 vendor init, VMX bookkeeping.',
        ),
        [
          note('kvm_is_vmx_supported(), hv_init_evmcs()', 'CPU check and Hyper-V enlightenments.'),
          ...(f.vmcsConfigIn === 'vmx_init' ? [vmcsConfig] : []),
          call('kvm_x86_vendor_init', { onError: 'return' }),
          { ...L1D, onError: 'err_l1d_flush' },
          PER_CPU,
        ],
        [['err_l1d_flush', [call('kvm_x86_vendor_exit')]]],
      ),
      fn(t, vmxMeta('vmx_exit', 'void', 'VMX part of the unload.'), [
        note('allow_smaller_maxphyaddr = false; L1D flush pages', 'VMX-only cleanup.'),
        call('kvm_x86_vendor_exit'),
      ]),
    ],
  };
}

/**
 * vmx/main.c: kvm_intel's entry points since TDX. Up to v7.0 vt_init() brings TDX up after
 * vmx_init(), once the MMU is configured; v7.1 brings the TDX module up at boot, so the
 * TDX gate moved into tdx_hardware_setup(), the last part of the hardware_setup op, and
 * hardware_unsetup became vt_hardware_unsetup() (docs/kernel-model.md, "v7.1").
 */
function vtEntry(era: Era): FunctionDef[] {
  const t = era.tree;
  const inSetup = valuesOf(era).tdx === 'tdx_hardware_setup';
  const main = (name: string, returns: 'int' | 'void', summary: string) =>
    vmxMeta(name, returns, summary, FILES.vmxMain);
  const vcpuSize = inSetup
    ? note(
        'vcpu size = max(vcpu_vmx, vcpu_tdx) if enable_tdx',
        'One kmem cache serves both VM types; reads the TDX decision hardware_setup() made.',
      )
    : note('vcpu size = max(vcpu_vmx, vcpu_tdx)', 'One kmem cache serves both VM types.');
  const fns = [
    fn(
      t,
      main(
        'vt_init',
        'int',
        inSetup
          ? 'module_init of kvm_intel: VMX init (which runs the hardware_setup op), then kvm_init().'
          : 'module_init of kvm_intel since TDX: VMX init, TDX bring-up, then kvm_init().',
      ),
      [
        call('vmx_init', { onError: 'return' }),
        ...(inSetup ? [] : [call('tdx_bringup', { onError: 'err_tdx_bringup' })]),
        vcpuSize,
        call('kvm_init', { onError: 'err_kvm_init' }),
      ],
      inSetup
        ? [['err_kvm_init', [call('vmx_exit')]]]
        : [
            ['err_kvm_init', [call('tdx_cleanup')]],
            ['err_tdx_bringup', [call('vmx_exit')]],
          ],
    ),
    fn(t, main('vt_exit', 'void', 'module_exit of kvm_intel.'), [
      call('kvm_exit'),
      ...(inSetup ? [] : [call('tdx_cleanup')]),
      call('vmx_exit'),
    ]),
    fn(
      t,
      main(
        'vt_hardware_setup',
        'int',
        inSetup
          ? 'kvm_intel’s hardware_setup op: VMX, then the TDX gate when TDX is enabled.'
          : 'kvm_intel’s hardware_setup op: VMX, then TDX when enabled.',
      ),
      [
        call('vmx_hardware_setup', { onError: 'return' }),
        inSetup
          ? call('tdx_hardware_setup', { when: 'enable_tdx', onError: 'return' })
          : note('tdx_hardware_setup() if enable_tdx', 'TDX ops and sizes.', {
              when: 'enable_tdx',
            }),
      ],
    ),
  ];
  const gateSummary = 'Decides whether TDX can be offered, from values the MMU setup fixed.';
  if (!inSetup)
    return [
      ...fns,
      fn(t, vmxMeta('tdx_bringup', 'int', gateSummary, FILES.tdx), [eff({ kind: 'tdx_gate' })]),
      fn(t, vmxMeta('tdx_cleanup', 'void', 'Undoes tdx_bringup().', FILES.tdx), [
        note('TDX module teardown', 'Nothing MMU-related.'),
      ]),
    ];
  return [
    ...fns,
    fn(t, main('vt_hardware_unsetup', 'void', 'kvm_intel’s hardware_unsetup op: TDX, then VMX.'), [
      note('tdx_hardware_unsetup() if enable_tdx', 'Drops the TDX capacity of the misc cgroup.', {
        when: 'enable_tdx',
      }),
      call('vmx_hardware_unsetup'),
    ]),
    fn(t, vmxMeta('tdx_hardware_setup', 'int', gateSummary, FILES.tdx), [
      eff({ kind: 'tdx_gate' }),
      note('TD sizes and S-EPT ops', 'Only when TDX stays enabled.', { when: 'enable_tdx' }),
    ]),
  ];
}
