/** arch/x86/kvm/svm/{svm.c,sev.c}: what kvm_amd does at load and unload, per era. */
import { call, eff, FILES, fn, note, type StepSpec } from './dsl';
import { valuesOf, type CoreFacts, type Era } from './era';
import { eraEffects } from './eraEffects';
import type { FunctionDef, VendorEntry } from './types';
import { ALT_SRC, type AltMmu } from './vmx';

const ALT = { src: ALT_SRC };

export function svmHardwareSetup(era: Era, alt: AltMmu): FunctionDef {
  const f = valuesOf(era);
  // v6.19 allocates the IOPM only after the MMU masks (svm.c L5392), v6.6 first (L5227).
  const iopm = note(
    'NRIPS, LBRV; iopm_va = svm_alloc_permissions_map()',
    'The I/O permission map, allocated here since v6.19; its failure returns -ENOMEM at once.',
  );
  const mmioThenSev = f.sevAfterMmio
    ? [
        call('svm_adjust_mmio_mask'),
        ...(f.svmIopmAfterMmio ? [iopm] : []),
        call('sev_hardware_setup'),
        note('svm_hv_hardware_setup()', 'Hyper-V enlightenments.'),
      ]
    : [
        call('sev_hardware_setup'),
        note('svm_hv_hardware_setup()', 'Hyper-V enlightenments.'),
        call('svm_adjust_mmio_mask'),
      ];
  const features = note(
    'AVIC, vGIF, vls, LBR virtualization, CPU caps',
    'Feature decisions unrelated to the MMU.',
  );
  const tail = eff({ kind: 'hardware_setup_tail', vendor: 'svm' }, { onError: 'err' });
  const body: StepSpec[] = [
    f.svmIopmAfterMmio
      ? note('NX required; TSC scaling, pause filter, nested', 'SVM prerequisites.')
      : note(
          'NX required; IOPM pages; nested, NRIPS, TSC scaling',
          'SVM prerequisites and early allocations.',
        ),
    eff({ kind: 'svm_decide_npt' }),
    call('kvm_configure_mmu', {
      ...(alt === 'none' ? {} : { onError: 'err', ...ALT }),
      text: 'SVM configures the MMU first and edits the masks afterwards: the reverse of VMX.',
    }),
    ...(f.svmMaxphyaddrAfterConfigure
      ? [
          note(
            'allow_smaller_maxphyaddr = !npt_enabled',
            'Shadow paging can emulate a smaller guest MAXPHYADDR.',
          ),
        ]
      : []),
    eff({ kind: 'set_me_spte_mask', from: 'svm' }),
    ...mmioThenSev,
    ...(f.svmCpuInitLast ? [features, tail] : [tail, features]),
  ];
  return fn(
    era.tree,
    {
      name: 'svm_hardware_setup',
      file: FILES.svm,
      returns: 'int',
      owner: 'svm',
      summary:
        'SVM’s hardware_setup(): decides NPT, calls kvm_configure_mmu(), then sets the SME C-bit and adjusts the MMIO mask for memory encryption.',
    },
    body,
    [['err', [call('svm_hardware_unsetup')]]],
  );
}

/** svm_adjust_mmio_mask() and sev_hardware_setup() as the model computes them (no C is read). */
export const svmAdjustMmioSteps = (era: Era<CoreFacts>): StepSpec[] => [
  eff(eraEffects(valuesOf(era)).setMmioSpteMask('svm')),
];
export const sevSetupSteps = (era: Era<CoreFacts>): StepSpec[] => [
  eff(eraEffects(valuesOf(era)).sevHardwareSetup),
];

export function svmFunctions(era: Era, alt: AltMmu): FunctionDef[] {
  const t = era.tree;
  return [
    svmHardwareSetup(era, alt),
    fn(
      t,
      {
        name: 'svm_hardware_unsetup',
        file: FILES.svm,
        returns: 'void',
        owner: 'svm',
        summary:
          'Undoes svm_hardware_setup(): at unload, and as the error path of svm_hardware_setup() itself.',
      },
      [
        note(
          'sev_hardware_unsetup(), svm_cpu_uninit() on each CPU, free IOPM pages',
          'Frees what svm_hardware_setup() allocated.',
        ),
        ...(alt === 'alt' ? [call('kvm_unconfigure_mmu', ALT)] : []),
      ],
    ),
    fn(
      t,
      {
        name: 'svm_adjust_mmio_mask',
        file: FILES.svm,
        returns: 'void',
        owner: 'svm',
        summary:
          'With memory encryption on, the default MMIO bit 51 may be a real address bit: pick reserved bits above x86_phys_bits instead.',
      },
      svmAdjustMmioSteps(era),
    ),
    fn(
      t,
      {
        name: 'sev_hardware_setup',
        file: FILES.sev,
        returns: 'void',
        owner: 'svm',
        summary: 'Decides SEV and SEV-ES support.',
      },
      sevSetupSteps(era),
    ),
  ];
}

export function svmModule(era: Era): { fns: FunctionDef[]; entry: VendorEntry } {
  const t = era.tree;
  const entry: VendorEntry = {
    init: 'svm_init',
    exit: 'svm_exit',
    ops: { hardware_setup: 'svm_hardware_setup', hardware_unsetup: 'svm_hardware_unsetup' },
  };
  const meta = (name: string, returns: 'int' | 'void', summary: string) => ({
    name,
    file: FILES.svm,
    returns,
    owner: 'svm' as const,
    summary,
  });
  if (valuesOf(era).vendorInit === 'kvm_arch_init')
    return {
      entry,
      fns: [
        fn(
          t,
          meta('svm_init', 'int', 'module_init of kvm_amd: everything happens inside kvm_init().'),
          [call('kvm_init', { onError: 'return' })],
        ),
        fn(t, meta('svm_exit', 'void', 'module_exit of kvm_amd.'), [call('kvm_exit')]),
      ],
    };
  return {
    entry,
    fns: [
      fn(
        t,
        meta('svm_init', 'int', 'module_init of kvm_amd: x86 vendor init, then kvm_init() last.'),
        [
          note('kvm_is_svm_supported()', 'CPU check.'),
          call('kvm_x86_vendor_init', { onError: 'return' }),
          call('kvm_init', { onError: 'err_kvm_init' }),
        ],
        [['err_kvm_init', [call('__svm_exit')]]],
      ),
      fn(t, meta('svm_exit', 'void', 'module_exit of kvm_amd.'), [
        call('kvm_exit'),
        call('__svm_exit'),
      ]),
      fn(t, meta('__svm_exit', 'void', 'Undoes the x86 vendor init.'), [
        call('kvm_x86_vendor_exit'),
      ]),
    ],
  };
}
