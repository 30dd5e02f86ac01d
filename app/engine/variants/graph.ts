/** The static call graph of a variant: which functions and steps a module entry can reach. */
import type { ModuleName } from '../ids';
import { own } from '../own';
import type { FunctionDef, StepDef, VariantDef } from './types';

type Op = 'hardware_setup' | 'hardware_unsetup';

/** The variant's function of that name; a name inherited from Object.prototype is none. */
export const functionNamed = (
  v: Pick<VariantDef, 'functions'>,
  name: string,
): FunctionDef | undefined => own(v.functions, name);

/** Functions a call names: "@op" is the vendor's op; for no particular vendor, both vendors'. */
export function calleesOf(
  v: Pick<VariantDef, 'intel' | 'amd'>,
  step: StepDef,
  module?: ModuleName,
): string[] {
  if (!('call' in step.op)) return [];
  const c = step.op.call;
  if (!c.startsWith('@')) return [c];
  const op = c.slice(1) as Op;
  if (module === 'kvm_intel') return [v.intel.ops[op]];
  if (module === 'kvm_amd') return [v.amd.ops[op]];
  return [v.intel.ops[op], v.amd.ops[op]];
}

export const stepsOf = (f: FunctionDef, withLabels: boolean): StepDef[] =>
  withLabels ? [...f.body, ...f.labels.flatMap((l) => l.steps)] : f.body;

/** Every function reachable from `roots` (depth first, each once). */
export function reachable(
  v: VariantDef,
  roots: readonly string[],
  o: { module?: ModuleName; withLabels: boolean },
): FunctionDef[] {
  const seen = new Set<string>();
  const out: FunctionDef[] = [];
  const todo = [...roots].reverse();
  while (todo.length) {
    const f = functionNamed(v, todo.pop()!);
    if (!f || seen.has(f.name)) continue;
    seen.add(f.name);
    out.push(f);
    const next = stepsOf(f, o.withLabels).flatMap((s) => calleesOf(v, s, o.module));
    todo.push(...next.reverse());
  }
  return out;
}

export function moduleEntry(v: VariantDef, module: ModuleName): { init: string; exit: string } {
  return module === 'kvm' ? v.kvm : module === 'kvm_intel' ? v.intel : v.amd;
}
