/**
 * Puts a variant together from an era's facts and a function tree: the trees
 * written in this directory (assemble(), shippedVariant()), or one derived from a
 * kernel's C elsewhere (variantFromEra()).
 */
import { byName, FILES } from './dsl';
import { globalsShape, valuesOf, type CoreFacts, type Era } from './era';
import { mmuFunctions } from './mmu';
import { svmFunctions, svmModule } from './svm';
import type { FunctionDef, VariantDef } from './types';
import {
  vmxHardwareSetup,
  vmxHardwareUnsetup,
  vmxModule,
  vmxSetupMeSpteMask,
  type AltMmu,
} from './vmx';
import { kvmModuleFunctions, archEraFunctions, vendorInitEraFunctions, type ArchMmu } from './x86';

export type VariantMeta = Pick<VariantDef, 'id' | 'title' | 'kind' | 'summary' | 'sources'> &
  Partial<Pick<VariantDef, 'base'>>;
/** What a variant's era does not say: its functions and where the module entries are. */
export type FunctionTree = Pick<VariantDef, 'functions' | 'phases' | 'kvm' | 'intel' | 'amd'>;

/** A variant of `era` with the function tree `tree`; everything else comes from the era's facts. */
export function variantFromEra(
  era: Era<CoreFacts>,
  meta: VariantMeta,
  tree: FunctionTree,
): VariantDef {
  const f = valuesOf(era);
  return {
    id: meta.id,
    title: meta.title,
    kind: meta.kind,
    summary: meta.summary,
    tree: era.tree,
    shape: globalsShape(f),
    rmap: {
      algorithm: f.rmapAlgorithm,
      capacity: f.rmapCapacity,
      stacks: { add: f.rmapAddStack, remove: f.rmapRemoveStack },
    },
    ...tree,
    ...(meta.base ? { base: meta.base } : {}),
    sources: meta.sources,
  };
}

export interface AssembleOptions extends VariantMeta {
  era: Era;
  /** Where the v1 series puts the MMU's vendor-load work (only on the kvm_arch_init() structure). */
  placement?: Exclude<ArchMmu, 'vendor-module-init'>;
  alt?: AltMmu;
  /** MMU functions of this variant (mmuFunctions() plus whatever a patch adds). */
  mmu: FunctionDef[];
}

export function assemble(o: AssembleOptions): VariantDef {
  const alt = o.alt ?? 'none';
  const f = valuesOf(o.era);
  if (o.placement && f.vendorInit !== 'kvm_arch_init')
    throw new Error(`${o.id}: the v1 series is modelled on the kvm_arch_init() structure only`);
  const vmx = vmxModule(o.era);
  const svm = svmModule(o.era);
  const functions = byName([
    ...kvmModuleFunctions(o.era),
    ...(f.vendorInit === 'kvm_arch_init'
      ? archEraFunctions(o.era, o.placement ?? 'vendor-module-init')
      : vendorInitEraFunctions(o.era)),
    ...o.mmu,
    ...vmx.fns,
    vmxHardwareSetup(o.era, alt),
    vmxHardwareUnsetup(o.era, alt),
    vmxSetupMeSpteMask(o.era),
    ...svm.fns,
    ...svmFunctions(o.era, alt),
  ]);
  return variantFromEra(o.era, o, {
    functions,
    phases: {
      maskReset: ['kvm_mmu_reset_all_pte_masks'],
      configureMmu: ['kvm_configure_mmu'],
      hardwareSetup: [f.vmxHardwareSetup],
    },
    kvm: { init: 'kvm_x86_init', exit: 'kvm_x86_exit' },
    intel: vmx.entry,
    amd: svm.entry,
  });
}

/** A shipped kernel's variant: its era's facts and nothing else. */
export function shippedVariant(
  era: Era,
  meta: Pick<VariantDef, 'id' | 'title' | 'summary'>,
): VariantDef {
  return assemble({
    ...meta,
    kind: 'shipped',
    era,
    mmu: mmuFunctions(era, { fullSetup: true }),
    sources: [{ kind: 'kernel', tree: era.tree, file: FILES.mmu }],
  });
}
