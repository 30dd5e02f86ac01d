/**
 * The v1 series' variants (patches 2 and 3) and the reviewer's alternative: what they
 * change in the MMU's functions. Only those variants need this, so it is a chunk of its
 * own that loadVariant() loads with their era (docs/performance.md, "Bundle").
 */
import { assemble } from './build';
import { eff, FILES, fn } from './dsl';
import { valuesOf, type Era } from './era';
import { eraEffects } from './eraEffects';
import { creationSteps, mmuFunctions, releaseSteps } from './mmu';
import { kernelSource, MAIL, mailSource } from './sources';
import type { FunctionDef, VariantDef } from './types';
import { ALT_SRC } from './vmx';

type Meta = Pick<VariantDef, 'id' | 'title' | 'kind' | 'summary' | 'base'>;

/** The v1 series, patch 2: kvm_mmu_hardware_setup() after the vendor's hardware_setup(). */
function seedMmu(era: Era, p3: boolean): FunctionDef[] {
  const p2 = mailSource(MAIL.p2);
  const created = creationSteps(era, {
    nrCheck: p3,
    sizedByNrSptes: p3,
    ...(p3 ? { src: mailSource(MAIL.p3) } : {}),
  });
  const fns = mmuFunctions(era, { fullSetup: false, vendorInitSrc: p2 }).map((f) =>
    p3 && f.name === 'kvm_configure_mmu' ? { ...f, src: mailSource(MAIL.p3) } : f,
  );
  return [
    ...fns,
    fn(
      era.tree,
      {
        name: 'kvm_mmu_hardware_setup',
        file: FILES.mmu,
        returns: 'int',
        owner: 'kvm',
        src: p3 ? mailSource(MAIL.p3) : p2,
        summary: p3
          ? 'New in the v1 series: the full MMU setup, called by common x86 after the vendor’s hardware_setup(), so pte_list_desc can be sized by nr_sptes_per_pte_list (2 with TDP, 14 without). WARNs and fails with -EIO if called before kvm_configure_mmu().'
          : 'New in the v1 series: the full MMU setup, moved out of kvm_mmu_vendor_module_init() and called by common x86 after the vendor’s hardware_setup(). It cleans up after itself on failure.',
      },
      created.body,
      created.labels,
    ),
    fn(
      era.tree,
      {
        name: 'kvm_mmu_hardware_unsetup',
        file: FILES.mmu,
        returns: 'void',
        owner: 'kvm',
        src: p2,
        summary:
          'The renamed kvm_mmu_vendor_module_exit(), now called from kvm_arch_hardware_unsetup().',
      },
      releaseSteps(era),
    ),
  ];
}

const SEED_SOURCES = [
  mailSource(MAIL.p2),
  kernelSource('v5.19', 'kvm_arch_hardware_setup', FILES.x86),
];

/** seed-p2 (`p3` false) or seed-p3 on `era`. */
export const seedVariant = (era: Era, meta: Meta, p3: boolean): VariantDef =>
  assemble({
    ...meta,
    era,
    placement: 'seed',
    mmu: seedMmu(era, p3),
    sources: p3 ? [mailSource(MAIL.p3), ...SEED_SOURCES] : SEED_SOURCES,
  });

function altMmu(era: Era): FunctionDef[] {
  const created = creationSteps(era, { nrCheck: false, sizedByNrSptes: true });
  return [
    ...mmuFunctions(era, { fullSetup: false, vendorInitSrc: mailSource(MAIL.p2) }).filter(
      (f) => f.name !== 'kvm_configure_mmu',
    ),
    fn(
      era.tree,
      {
        name: 'kvm_configure_mmu',
        file: FILES.mmu,
        returns: 'int',
        owner: 'kvm',
        src: ALT_SRC,
        summary:
          'The reviewer’s alternative: kvm_configure_mmu() sets nr_sptes_per_pte_list and then creates the caches itself (Sean would rename it kvm_mmu_hardware_setup()). No hidden order between two MMU calls — but it returns an error now, and vendor code must undo it.',
      },
      [eff(eraEffects(valuesOf(era)).configureMmu), ...created.body],
      created.labels,
    ),
    fn(
      era.tree,
      {
        name: 'kvm_unconfigure_mmu',
        file: FILES.mmu,
        returns: 'void',
        owner: 'kvm',
        src: ALT_SRC,
        summary: 'The teardown the alternative needs, called from vendor unsetup and error paths.',
      },
      releaseSteps(era),
    ),
  ];
}

/** The reviewer's alternative on `era`. */
export const altVariant = (era: Era, meta: Meta): VariantDef =>
  assemble({
    ...meta,
    era,
    placement: 'alt',
    alt: 'alt',
    mmu: altMmu(era),
    sources: [ALT_SRC, mailSource(MAIL.p2)],
  });
