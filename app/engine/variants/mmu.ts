/** arch/x86/kvm/mmu/{mmu.c,spte.c} functions, per era, plus the v1 series' split of them. */
import { call, eff, FILES, fn, note, type StepSpec } from './dsl';
import { valuesOf, type CoreFacts, type Era } from './era';
import { eraEffects } from './eraEffects';
import type { FunctionDef, Source } from './types';

export interface CreationOptions {
  /** seed-p3: WARN and -EIO when nr_sptes_per_pte_list is still 0. */
  nrCheck: boolean;
  /** seed-p3 and the alternative: pte_list_desc is 16 + 8 * nr_sptes_per_pte_list bytes. */
  sizedByNrSptes: boolean;
  src?: Source;
}

/** The "full" MMU setup: caches, percpu counter, shrinker, with the era's error labels. */
export function creationSteps(
  era: Era,
  o: CreationOptions,
): { body: StepSpec[]; labels: [string, StepSpec[]][] } {
  const f = valuesOf(era);
  const e = eraEffects(f);
  const at = o.src ? { src: o.src } : {};
  const body: StepSpec[] = [
    ...(o.nrCheck ? [eff({ kind: 'nr_sptes_check' }, { onError: 'return', ...at })] : []),
    eff(e.kmemCacheCreate('pte_list_desc', o.sizedByNrSptes), { onError: 'out' }),
    eff(e.kmemCacheCreate('kvm_mmu_page_header'), { onError: 'out' }),
  ];
  if (f.percpuCounter) body.push(eff({ kind: 'percpu_counter_init' }, { onError: 'out' }));
  if (e.registerShrinker)
    body.push(eff(e.registerShrinker, { onError: f.percpuLeakFixed ? 'out_shrinker' : 'out' }));
  const labels: [string, StepSpec[]][] = [];
  if (e.registerShrinker && f.percpuLeakFixed)
    labels.push(['out_shrinker', [eff({ kind: 'percpu_counter_destroy' })]]);
  labels.push(['out', [call('mmu_destroy_caches')]]);
  return { body, labels };
}

export function releaseSteps(era: Era): StepSpec[] {
  const f = valuesOf(era);
  const unregister = eraEffects(f).unregisterShrinker;
  return [
    call('mmu_destroy_caches'),
    ...(f.percpuCounter ? [eff({ kind: 'percpu_counter_destroy' })] : []),
    ...(unregister ? [eff(unregister)] : []),
  ];
}

/**
 * The bodies of the functions whose work is the model's own (their C is assignments the
 * effects compute): the same steps for the trees written here and for imported ones.
 */
export function maskResetSteps(era: Era<CoreFacts>): StepSpec[] {
  const s = valuesOf(era);
  return [
    ...(s.kvmAdEnabled ? [eff({ kind: 'kvm_ad_enabled_reset' })] : []),
    ...(s.physSource === 'shadow_phys_bits' ? [eff({ kind: 'shadow_phys_bits_probe' })] : []),
    eff({ kind: 'reset_l1tf_masks' }),
    eff(eraEffects(s).resetDefaultMasks),
    eff(eraEffects(s).setMmioSpteMask('reset')),
  ];
}

export function eptMaskSteps(era: Era<CoreFacts>): StepSpec[] {
  const e = eraEffects(valuesOf(era));
  return [eff(e.setEptMasks), eff(e.setMmioSpteMask('ept'))];
}

export const configureMmuSteps = (era: Era<CoreFacts>): StepSpec[] => [
  eff(eraEffects(valuesOf(era)).configureMmu),
];

const BUILD_BUG_ON = note(
  'BUILD_BUG_ON(role sizes)',
  'Compile-time checks that the MMU role unions still pack into 32 and 64 bits; nothing happens at run time.',
);

/** Functions shared by every variant of an era. `fullSetup` false: the v1 series' void version. */
export function mmuFunctions(
  era: Era,
  o: { fullSetup: boolean; vendorInitSrc?: Source },
): FunctionDef[] {
  const t = era.tree;
  const s = valuesOf(era);
  const fns: FunctionDef[] = [
    fn(
      t,
      {
        name: 'kvm_mmu_x86_module_init',
        file: FILES.mmu,
        returns: 'void',
        owner: 'kvm',
        summary: 'kvm.ko load: MMU settings that do not depend on which vendor module loads.',
      },
      [
        eff({ kind: 'nx_huge_pages_resolve' }),
        ...(s.tdpMmuGlobal ? [eff({ kind: 'tdp_mmu_allowed_snapshot' })] : []),
        ...(s.mmioReevaluate ? [call('kvm_mmu_spte_module_init')] : []),
      ],
    ),
    fn(
      t,
      {
        name: 'kvm_mmu_reset_all_pte_masks',
        file: FILES.spte,
        returns: 'void',
        owner: 'kvm',
        summary:
          'Resets every shadow_* mask to its default at each vendor module load, so nothing a previously loaded vendor (or an earlier load) wrote survives. It must run before the vendor’s hardware_setup(), which edits the masks.',
      },
      maskResetSteps(era),
    ),
    fn(
      t,
      {
        name: 'kvm_mmu_set_ept_masks',
        file: FILES.spte,
        returns: 'void',
        owner: 'kvm',
        summary: 'Called by VMX when EPT is on: replaces the x86 masks with their EPT equivalents.',
      },
      eptMaskSteps(era),
    ),
    fn(
      t,
      {
        name: 'kvm_configure_mmu',
        file: FILES.mmu,
        returns: 'void',
        owner: 'kvm',
        summary:
          'Called by the vendor’s hardware_setup() to tell the MMU whether it uses TDP and at which levels. VMX calls it after editing the masks, SVM before.',
      },
      configureMmuSteps(era),
    ),
    fn(
      t,
      {
        name: 'mmu_destroy_caches',
        file: FILES.mmu,
        returns: 'void',
        owner: 'kvm',
        summary: 'Destroys both MMU kmem caches (either may be NULL).',
      },
      [
        eff({ kind: 'kmem_cache_destroy', cache: 'pte_list_desc' }),
        eff({ kind: 'kmem_cache_destroy', cache: 'kvm_mmu_page_header' }),
      ],
    ),
  ];
  if (s.mmioReevaluate)
    fns.push(
      fn(
        t,
        {
          name: 'kvm_mmu_spte_module_init',
          file: FILES.spte,
          returns: 'void',
          owner: 'kvm',
          summary: 'kvm.ko load: snapshots module params the SPTE code needs at every vendor load.',
        },
        [
          eff({ kind: 'mmio_caching_snapshot' }),
          ...(s.physSource === 'kvm_host.maxphyaddr' ? [eff({ kind: 'maxphyaddr_snapshot' })] : []),
        ],
      ),
    );
  if (o.fullSetup) {
    const c = creationSteps(era, { nrCheck: false, sizedByNrSptes: false });
    fns.push(
      fn(
        t,
        {
          name: 'kvm_mmu_vendor_module_init',
          file: FILES.mmu,
          returns: 'int',
          owner: 'kvm',
          summary:
            'Vendor module load, before the vendor’s hardware_setup(): resets the masks and performs the “full” MMU setup — the kmem caches' +
            (s.percpuCounter ? ', the percpu counter and the shrinker.' : '.'),
        },
        [BUILD_BUG_ON, call('kvm_mmu_reset_all_pte_masks'), ...c.body],
        c.labels,
      ),
      fn(
        t,
        {
          name: 'kvm_mmu_vendor_module_exit',
          file: FILES.mmu,
          returns: 'void',
          owner: 'kvm',
          summary: 'Vendor module unload (or a failed load): undoes the full MMU setup.',
        },
        releaseSteps(era),
      ),
    );
  } else {
    fns.push(
      fn(
        t,
        {
          name: 'kvm_mmu_vendor_module_init',
          file: FILES.mmu,
          returns: 'void',
          owner: 'kvm',
          summary:
            'In the v1 series: only resets the masks, still before the vendor’s hardware_setup(); the rest moves after it.',
          ...(o.vendorInitSrc ? { src: o.vendorInitSrc } : {}),
        },
        [BUILD_BUG_ON, call('kvm_mmu_reset_all_pte_masks')],
      ),
    );
  }
  return fns;
}
