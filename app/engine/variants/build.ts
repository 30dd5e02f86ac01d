/** Puts an era's functions together into a variant. */
import type { Era } from './era';
import { byName } from './dsl';
import { kvmModuleFunctions, archEraFunctions, vendorInitEraFunctions, type ArchMmu } from './x86';
import {
  vmxHardwareSetup,
  vmxHardwareUnsetup,
  vmxModule,
  vmxSetupMeSpteMask,
  type AltMmu,
} from './vmx';
import { svmFunctions, svmModule } from './svm';
import type { FunctionDef, VariantDef } from './types';

export interface AssembleOptions extends Pick<
  VariantDef,
  'id' | 'title' | 'kind' | 'summary' | 'rmap' | 'sources'
> {
  era: Era;
  /** kvm_arch_init() era: where the MMU's vendor-load work sits. Omit for the v6.3+ structure. */
  arch?: ArchMmu;
  alt?: AltMmu;
  /** MMU functions of this variant (mmuFunctions() plus whatever a patch adds). */
  mmu: FunctionDef[];
  base?: VariantDef['base'];
}

export function assemble(o: AssembleOptions): VariantDef {
  const alt = o.alt ?? 'none';
  const vmx = vmxModule(o.era);
  const svm = svmModule(o.era);
  const functions = byName([
    ...kvmModuleFunctions(o.era),
    ...(o.arch ? archEraFunctions(o.era, o.arch) : vendorInitEraFunctions(o.era)),
    ...o.mmu,
    ...vmx.fns,
    vmxHardwareSetup(o.era, alt),
    vmxHardwareUnsetup(o.era, alt),
    vmxSetupMeSpteMask(o.era),
    ...svm.fns,
    ...svmFunctions(o.era, alt),
  ]);
  return {
    id: o.id,
    title: o.title,
    kind: o.kind,
    summary: o.summary,
    tree: o.era.tree,
    shape: o.era.shape,
    rmap: o.rmap,
    functions,
    kvm: { init: 'kvm_x86_init', exit: 'kvm_x86_exit' },
    intel: vmx.entry,
    amd: svm.entry,
    ...(o.base ? { base: o.base } : {}),
    sources: o.sources,
  };
}
