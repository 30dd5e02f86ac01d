/**
 * A small vocabulary for writing variants: fn(), call(), eff(), note(). Step ids
 * are derived from what a step does, so they read like the kernel and stay stable
 * across variants that share a step.
 */
import type { Effect } from '../effects/types';
import { callSite, kernelSource } from './sources';
import type { FunctionDef, KernelTree, LabelDef, Owner, Source, StepDef, StepOp } from './types';

export type StepSpec = Omit<StepDef, 'id'>;
type StepOptions = Omit<StepSpec, 'op'>;

export const call = (fn: string, o: StepOptions = {}): StepSpec => ({ op: { call: fn }, ...o });
export const eff = (effect: Effect, o: StepOptions = {}): StepSpec => ({ op: { effect }, ...o });
export const note = (label: string, text: string, o: StepOptions = {}): StepSpec =>
  eff({ kind: 'note', label, text }, o);

/** The readable part of a step id. */
export function opSlug(op: StepOp): string {
  if ('call' in op) return op.call.startsWith('@') ? `ops->${op.call.slice(1)}` : op.call;
  const e = op.effect;
  switch (e.kind) {
    case 'note':
      return e.label
        .replace(/\(.*$/, '')
        .trim()
        .replace(/[^A-Za-z0-9_>-]+/g, '_')
        .replace(/^_+|_+$/g, '')
        .slice(0, 48);
    case 'kmem_cache_create':
    case 'kmem_cache_destroy':
    case 'cache_pointer_clear':
      return `${e.kind}:${e.cache}`;
    case 'set_mmio_spte_mask':
      return `kvm_mmu_set_mmio_spte_mask:${e.from}`;
    case 'set_me_spte_mask':
      return 'kvm_mmu_set_me_spte_mask';
    default:
      return e.kind;
  }
}

function withIds(
  prefix: string,
  specs: StepSpec[],
  taken: Set<string>,
  srcOf: (id: string) => Source | undefined,
): StepDef[] {
  return specs.map((spec) => {
    const base = `${prefix}/${opSlug(spec.op)}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}#${n}`;
    taken.add(id);
    const src = spec.src ?? srcOf(id);
    return { id, ...spec, ...(src ? { src } : {}) };
  });
}

export interface FnMeta {
  name: string;
  file: string;
  returns: 'int' | 'void';
  owner: Owner;
  summary: string;
  /** Defaults to the function's definition in `tree`. */
  src?: Source;
}

export function fn(
  tree: KernelTree,
  meta: FnMeta,
  body: StepSpec[],
  labels: [string, StepSpec[]][] = [],
): FunctionDef {
  const taken = new Set<string>();
  // A step's own line: its call in the tree; in a function a patch changed, the patch.
  const patched = meta.src && meta.src.kind !== 'kernel' ? meta.src : undefined;
  const srcOf = (id: string) => patched ?? callSite(tree, meta.file, id);
  const labelDefs: LabelDef[] = labels.map(([name, steps]) => ({
    name,
    steps: withIds(`${meta.name}@${name}`, steps, taken, srcOf),
  }));
  return {
    ...meta,
    src: meta.src ?? kernelSource(tree, meta.name, meta.file),
    body: withIds(meta.name, body, taken, srcOf),
    labels: labelDefs,
  };
}

export const byName = (fns: FunctionDef[]): Record<string, FunctionDef> =>
  Object.fromEntries(fns.map((f) => [f.name, f]));

export const FILES = {
  mmu: 'arch/x86/kvm/mmu/mmu.c',
  spte: 'arch/x86/kvm/mmu/spte.c',
  x86: 'arch/x86/kvm/x86.c',
  kvmMain: 'virt/kvm/kvm_main.c',
  vmx: 'arch/x86/kvm/vmx/vmx.c',
  vmxMain: 'arch/x86/kvm/vmx/main.c',
  tdx: 'arch/x86/kvm/vmx/tdx.c',
  svm: 'arch/x86/kvm/svm/svm.c',
  sev: 'arch/x86/kvm/svm/sev.c',
} as const;
