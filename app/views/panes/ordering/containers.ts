import { useMemo } from 'react';
import type { FunctionDef, StepDef, VariantDef } from '../../../engine/view';
import { moduleEntry, reachable } from '../../../engine/viewDetails';
import { useAppStore } from '../../../state/store';

/** A list of steps the editor can drop into: a function body or one of its error labels. */
export interface Container {
  key: string;
  fn: string;
  label: string | null;
  steps: StepDef[];
}

export const containersOf = (f: FunctionDef): Container[] => [
  { key: f.name, fn: f.name, label: null, steps: f.body },
  ...f.labels.map((l) => ({
    key: `${f.name}@${l.name}`,
    fn: f.name,
    label: l.name,
    steps: l.steps,
  })),
];

/** Functions that run for the modules this scenario loads, in call order. */
function functionsOf(v: VariantDef, modules: string[]): FunctionDef[] {
  const roots = [...new Set(['kvm', ...modules])].flatMap((m) => {
    const e = moduleEntry(v, m as 'kvm' | 'kvm_intel' | 'kvm_amd');
    return [e.init, e.exit];
  });
  return reachable(v, roots, { withLabels: true });
}

/**
 * Per variant and module list: the functions in the order they were first listed.
 * Edits then move steps, not whole functions: a block stays where the reviewer
 * last saw it even when an edit changes the call order (and React need not move
 * large subtrees on every edit).
 */
const listedOrder = new Map<string, string[]>();

/** `functions` (in call order) in their first-listed order; newly reachable ones go last. */
export function inListedOrder(key: string, functions: FunctionDef[]): FunctionDef[] {
  let order = listedOrder.get(key);
  if (!order) listedOrder.set(key, (order = []));
  const rank = new Map(order.map((name, i) => [name, i]));
  for (const f of functions)
    if (!rank.has(f.name)) {
      rank.set(f.name, order.length);
      order.push(f.name);
    }
  return [...functions].sort((a, b) => rank.get(a.name)! - rank.get(b.name)!);
}

/** The functions of the current run, and every place a step can go. */
export function useFunctions(): { functions: FunctionDef[]; containers: Container[] } {
  const variant = useAppStore((s) => s.run.variant);
  const modules = useAppStore((s) => s.run.scenario?.modules.map((m) => m.module).join(',') ?? '');
  return useMemo(() => {
    const functions = variant
      ? inListedOrder(`${variant.id} ${modules}`, functionsOf(variant, modules.split(',')))
      : [];
    return { functions, containers: functions.flatMap(containersOf) };
  }, [variant, modules]);
}
