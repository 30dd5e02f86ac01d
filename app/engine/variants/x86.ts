/**
 * Common x86 and generic KVM module plumbing (arch/x86/kvm/x86.c, virt/kvm/kvm_main.c):
 * the kvm_arch_init() structure of v5.19/v6.0 (and the v1 series built on it), and
 * the kvm_x86_vendor_init() structure of v6.3+.
 */
import { call, eff, FILES, fn, note, type StepSpec } from './dsl';
import { valuesOf, type Era } from './era';
import { eraEffects } from './eraEffects';
import { MAIL, mailSource } from './sources';
import type { FunctionDef } from './types';

/** Where the MMU's vendor-load work sits in the kvm_arch_init() era. */
export type ArchMmu = 'vendor-module-init' | 'seed' | 'alt';

const P2 = { src: mailSource(MAIL.p2) };

const EMULATOR_CACHE = note(
  'x86_emulator_cache = kvm_alloc_emulator_cache()',
  'Creates the instruction emulator’s context cache (not an MMU object; its unwind is shown, not tracked).',
);
const USER_RETURN_MSRS = note(
  'user_return_msrs = alloc_percpu(...)',
  'Per-CPU state for MSRs KVM restores lazily on return to user space.',
);
const FREE_PERCPU = note('free_percpu(user_return_msrs)', 'Frees the user-return MSR state.');
const FREE_EMULATOR_CACHE = note(
  'kmem_cache_destroy(x86_emulator_cache)',
  'Destroys the emulator cache.',
);

export function kvmModuleFunctions(era: Era): FunctionDef[] {
  const t = era.tree;
  return [
    fn(
      t,
      {
        name: 'kvm_x86_init',
        file: FILES.x86,
        returns: 'int',
        owner: 'kvm',
        summary:
          'module_init of kvm.ko: only vendor-independent setup; the MMU waits for a vendor module.',
      },
      [call('kvm_mmu_x86_module_init')],
    ),
    fn(
      t,
      {
        name: 'kvm_x86_exit',
        file: FILES.x86,
        returns: 'void',
        owner: 'kvm',
        summary: 'module_exit of kvm.ko.',
      },
      [
        note(
          '(no MMU work)',
          'kvm.ko keeps no MMU resources of its own: everything belongs to the vendor load.',
        ),
      ],
    ),
  ];
}

/** v5.19 / v6.0 and the v1 series: kvm_init() → kvm_arch_init() … kvm_arch_hardware_setup(). */
export function archEraFunctions(era: Era, mmu: ArchMmu): FunctionDef[] {
  const t = era.tree;
  const f = valuesOf(era);
  const e = eraEffects(f);
  const fullInit = mmu === 'vendor-module-init';
  const initStep: StepSpec = fullInit
    ? call('kvm_mmu_vendor_module_init', { onError: 'out_free_percpu' })
    : call('kvm_mmu_vendor_module_init', mmu === 'seed' ? P2 : {});
  const kvmArchInit = fn(
    t,
    {
      name: 'kvm_arch_init',
      file: FILES.x86,
      returns: 'int',
      owner: 'kvm',
      summary:
        'First x86 step of a vendor load: refuses a second vendor, checks the CPU, then runs the MMU’s vendor-load init — before the vendor’s hardware_setup().',
    },
    [
      eff(e.vendorExclusiveCheck, { onError: f.exclusiveCheckReturns ? 'return' : 'out' }),
      note(
        'cpu_has_kvm_support / disabled_by_bios / FPU checks',
        'Refuses (-EOPNOTSUPP) a CPU without VMX/SVM, with it disabled by the BIOS, or without FPU/FXSR. The model’s host passes.',
      ),
      ...(f.patCheck
        ? [
            note(
              'host PAT[0] must be WB',
              'KVM zeroes PAT bits in SPTEs, assuming entry 0 means write-back; anything else is refused with -EIO before the MMU is touched (94bda2f4cd86).',
            ),
          ]
        : []),
      EMULATOR_CACHE,
      USER_RETURN_MSRS,
      initStep,
      note(
        'kvm_timer_init(); host XCR0; pvclock notifier',
        'Timekeeping and feature setup unrelated to the MMU.',
      ),
    ],
    [
      ...(fullInit ? ([['out_free_percpu', [FREE_PERCPU]]] as [string, StepSpec[]][]) : []),
      ['out_free_x86_emulator_cache', [FREE_EMULATOR_CACHE]],
      ['out', []],
    ],
  );
  const kvmArchExit = fn(
    t,
    {
      name: 'kvm_arch_exit',
      file: FILES.x86,
      returns: 'void',
      owner: 'kvm',
      summary: 'x86 side of a vendor unload (and of a load that failed after kvm_arch_init()).',
    },
    [
      note(
        'Hyper-V TSC callback, lapic, cpufreq, pvclock teardown',
        'Undoes the timekeeping setup.',
      ),
      eff(e.opsClear),
      ...(fullInit ? [call('kvm_mmu_vendor_module_exit')] : []),
      FREE_PERCPU,
      FREE_EMULATOR_CACHE,
    ],
  );
  const kvmArchHardwareSetup = fn(
    t,
    {
      name: 'kvm_arch_hardware_setup',
      file: FILES.x86,
      returns: 'int',
      owner: 'kvm',
      summary:
        'Runs the vendor’s hardware_setup() and installs the vendor ops; in the v1 series also the full MMU setup.',
    },
    [
      note('read host EFER / XSS', 'Host MSR values the vendor setup needs.'),
      call('@hardware_setup', { onError: 'return' }),
      eff({ kind: 'ops_update' }),
      ...(mmu === 'seed'
        ? [call('kvm_mmu_hardware_setup', { onError: 'out_unsetup', ...P2 })]
        : []),
      note(
        'perf callbacks, XSS/CR4/TSC caps, MSR list',
        'Capability bookkeeping after the vendor has decided its features.',
      ),
    ],
    mmu === 'seed' ? [['out_unsetup', [call('@hardware_unsetup', P2)]]] : [],
  );
  const kvmArchHardwareUnsetup = fn(
    t,
    {
      name: 'kvm_arch_hardware_unsetup',
      file: FILES.x86,
      returns: 'void',
      owner: 'kvm',
      summary: 'Undoes kvm_arch_hardware_setup().',
    },
    [
      note('kvm_unregister_perf_callbacks()', 'Stops routing perf interrupts to KVM.'),
      ...(mmu === 'seed' ? [call('kvm_mmu_hardware_unsetup', P2)] : []),
      call('@hardware_unsetup'),
    ],
  );
  const kvmInit = fn(
    t,
    {
      name: 'kvm_init',
      file: FILES.kvmMain,
      returns: 'int',
      owner: 'kvm',
      summary:
        'Generic KVM init, called by the vendor module: arch init, then hardware setup, then /dev/kvm. Its error labels unwind in reverse.',
    },
    [
      call('kvm_arch_init', { onError: 'out_fail' }),
      note('kvm_irqfd_init()', 'irqfd workqueue.'),
      note(
        'zalloc_cpumask_var(&cpus_hardware_enabled)',
        'Tracks which CPUs have virtualization enabled.',
      ),
      call('kvm_arch_hardware_setup', { onError: 'out_free_1' }),
      note(
        'check_processor_compat on every CPU',
        'Every CPU must report the same capabilities; a mismatch unwinds through out_free_2.',
      ),
      note(
        'cpuhp "kvm/cpu:starting", reboot notifier, "kvm_vcpu" cache, async PF',
        'Generic infrastructure.',
      ),
      note(
        'misc_register(&kvm_dev)',
        '/dev/kvm becomes visible to user space. In v5.19/v6.0 VMX still finishes its own setup after this point (fixed in v6.3 by e32b120071ea).',
      ),
      note('syscore ops, preempt notifiers, debugfs, VFIO ops', 'Generic infrastructure.'),
    ],
    [
      ['out_free_2', [call('kvm_arch_hardware_unsetup')]],
      ['out_free_1', [note('free_cpumask_var(cpus_hardware_enabled)', 'Frees the CPU mask.')]],
      ['out_free_0', [note('kvm_irqfd_exit()', 'Tears down irqfd.')]],
      ['out_irqfd', [call('kvm_arch_exit')]],
      ['out_fail', []],
    ],
  );
  const kvmExit = fn(
    t,
    {
      name: 'kvm_exit',
      file: FILES.kvmMain,
      returns: 'void',
      owner: 'kvm',
      summary: 'Generic KVM teardown, called by the vendor module’s exit.',
    },
    [
      note(
        'debugfs, misc_deregister, kick masks, "kvm_vcpu" cache, async PF, syscore, reboot notifier, cpuhp',
        'Generic infrastructure goes first; /dev/kvm disappears.',
      ),
      note('hardware_disable_nolock on each CPU', 'Turns VMX/SVM off everywhere.'),
      call('kvm_arch_hardware_unsetup'),
      call('kvm_arch_exit'),
      note('kvm_irqfd_exit(), free cpus_hardware_enabled, VFIO ops', 'Last generic cleanup.'),
    ],
  );
  return [kvmArchInit, kvmArchExit, kvmArchHardwareSetup, kvmArchHardwareUnsetup, kvmInit, kvmExit];
}

/** v6.3+: kvm_x86_vendor_init() does the x86 work, kvm_init() runs last (kernel-facts.md 2c, 2d). */
export function vendorInitEraFunctions(era: Era): FunctionDef[] {
  const t = era.tree;
  const f = valuesOf(era);
  const e = eraEffects(f);
  /** Allocated by the vendor load and freed after the MMU exit, or destroyed before it. */
  const uretInInit = f.userReturnMsrs === 'vendor-init';
  const uretTeardown = note(
    'kvm_destroy_user_return_msrs()',
    'Frees the user-return MSR state before the MMU exit.',
  );
  const hostChecks = ['FPU', 'PREEMPT_RT', ...(f.patCheck ? ['PAT[0] == WB'] : [])];
  const vendorInitBody: StepSpec[] = [
    eff(e.vendorExclusiveCheck, { onError: 'return' }),
    note(
      `${[...hostChecks, ...(f.cetCheck ? ['CET'] : [])].join(', ')} checks`,
      'Refuses an unsuitable host before anything is allocated.',
    ),
    ...(f.kvmCapsReset
      ? [
          note(
            'memset(&kvm_caps, 0, sizeof(kvm_caps))',
            'Starts each vendor load from empty capabilities (40269c03fdbf).',
          ),
        ]
      : []),
    EMULATOR_CACHE,
    ...(uretInInit ? [USER_RETURN_MSRS] : []),
    call('kvm_mmu_vendor_module_init', {
      onError: uretInInit ? 'out_free_percpu' : 'out_free_x86_emulator_cache',
    }),
    note('host XCR0, EFER, XSS, PMU caps, ARCH_CAPABILITIES', 'Host state the vendor setup reads.'),
    call('@hardware_setup', { onError: 'out_mmu_exit' }),
    ...(f.eferCapsInCommon
      ? [
          note(
            'kvm_setup_efer_caps()',
            'Common code now enables the guest EFER bits (NX, FFXSR, AutoIBRS) that VMX and SVM enabled in their own hardware_setup() before v7.1; not MMU state.',
          ),
        ]
      : []),
    eff({ kind: 'ops_update' }),
    note('kvm_x86_check_cpu_compat on every CPU', 'A mismatch unwinds through out_unwind_ops.'),
    note('timer, pvclock, perf callbacks, caps, MSR lists', 'The rest of the x86 setup.'),
  ];
  const vendorInitLabels: [string, StepSpec[]][] = [
    ['out_unwind_ops', [eff(e.opsClear), call('@hardware_unsetup')]],
    [
      'out_mmu_exit',
      uretInInit
        ? [call('kvm_mmu_vendor_module_exit')]
        : [uretTeardown, call('kvm_mmu_vendor_module_exit')],
    ],
    ...(uretInInit ? ([['out_free_percpu', [FREE_PERCPU]]] as [string, StepSpec[]][]) : []),
    ['out_free_x86_emulator_cache', [FREE_EMULATOR_CACHE]],
  ];
  const vendorInitMeta = {
    file: FILES.x86,
    returns: 'int' as const,
    owner: 'kvm' as const,
    summary:
      'The x86 part of a vendor load: the MMU’s vendor-load init, then the vendor’s hardware_setup(), then the ops — all before /dev/kvm exists.',
  };
  const fns: FunctionDef[] =
    f.vendorModuleLock === 'guard'
      ? [
          fn(
            t,
            { name: 'kvm_x86_vendor_init', ...vendorInitMeta },
            [
              note(
                'guard(mutex)(&vendor_module_lock)',
                'Serialises vendor module loads (3af4a9e61e71).',
              ),
              ...vendorInitBody,
            ],
            vendorInitLabels,
          ),
        ]
      : [
          fn(
            t,
            {
              name: 'kvm_x86_vendor_init',
              ...vendorInitMeta,
              summary: 'Takes vendor_module_lock around __kvm_x86_vendor_init().',
            },
            [
              note(
                'mutex_lock(&vendor_module_lock)',
                'Serialises vendor module loads (3af4a9e61e71).',
              ),
              call('__kvm_x86_vendor_init', { onError: 'unlock' }),
              note('mutex_unlock(&vendor_module_lock)', 'Drops the lock.'),
            ],
            [
              [
                'unlock',
                [
                  note(
                    'mutex_unlock(&vendor_module_lock)',
                    'Drops the lock and returns the error.',
                  ),
                ],
              ],
            ],
          ),
          fn(
            t,
            { name: '__kvm_x86_vendor_init', ...vendorInitMeta },
            vendorInitBody,
            vendorInitLabels,
          ),
        ];
  fns.push(
    fn(
      t,
      {
        name: 'kvm_x86_vendor_exit',
        file: FILES.x86,
        returns: 'void',
        owner: 'kvm',
        summary:
          'Undoes kvm_x86_vendor_init(): the vendor’s hardware_unsetup(), then the MMU’s vendor-load exit.',
      },
      [
        note(
          'perf callbacks, Hyper-V TSC callback, lapic, cpufreq, pvclock',
          'Undoes the timekeeping setup.',
        ),
        call('@hardware_unsetup'),
        ...(uretInInit ? [] : [uretTeardown]),
        call('kvm_mmu_vendor_module_exit'),
        ...(uretInInit ? [FREE_PERCPU] : []),
        FREE_EMULATOR_CACHE,
        eff(e.opsClear),
      ],
    ),
    fn(
      t,
      {
        name: 'kvm_init',
        file: FILES.kvmMain,
        returns: 'int',
        owner: 'kvm',
        summary: 'Generic KVM init, now the vendor module’s last step: ends by exposing /dev/kvm.',
      },
      [
        note('cpuhp "kvm/cpu:online", syscore ops', 'CPU hotplug hooks.'),
        note(
          '"kvm_vcpu" cache, kick masks, irqfd, async PF, debugfs, VFIO ops',
          'Generic infrastructure.',
        ),
        note(
          'misc_register(&kvm_dev)',
          '/dev/kvm becomes visible, after all vendor setup (e32b120071ea).',
        ),
      ],
    ),
    fn(
      t,
      {
        name: 'kvm_exit',
        file: FILES.kvmMain,
        returns: 'void',
        owner: 'kvm',
        summary: 'Generic KVM teardown: /dev/kvm goes first.',
      },
      [
        note(
          'misc_deregister, debugfs, kick masks, "kvm_vcpu" cache, VFIO, async PF, syscore, cpuhp, irqfd',
          'Generic infrastructure.',
        ),
      ],
    ),
  );
  return fns;
}
