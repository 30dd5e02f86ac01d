/**
 * Ordering edits as data: move a step (earlier, later, or into another function or
 * error label) or remove it. Applying an edit re-derives the variant; an edit that
 * cannot make sense is refused with a message that says why.
 */
import type { Edit, Result } from './scenario';
import { calleesOf, functionNamed, reachable, stepsOf } from './variants/graph';
import type { FunctionDef, StepDef, VariantDef } from './variants/types';
import { placeWords, stepName } from './words';

export interface StepLocation {
  fn: string;
  /** null: the function body; otherwise an error label. */
  label: string | null;
  index: number;
}

export const containerName = (fn: string, label: string | null): string =>
  label ? `${fn}@${label}` : fn;

function containerSteps(f: FunctionDef, label: string | null): StepDef[] | undefined {
  return label === null ? f.body : f.labels.find((l) => l.name === label)?.steps;
}

export function findStep(v: VariantDef, id: string): (StepLocation & { step: StepDef }) | null {
  for (const f of Object.values(v.functions)) {
    for (const [index, step] of f.body.entries())
      if (step.id === id) return { fn: f.name, label: null, index, step };
    for (const l of f.labels)
      for (const [index, step] of l.steps.entries())
        if (step.id === id) return { fn: f.name, label: l.name, index, step };
  }
  return null;
}

/** Functions reachable from any module entry point, following error labels too. */
export function reachableFunctions(v: VariantDef): Set<string> {
  const roots = [v.kvm.init, v.kvm.exit, v.intel.init, v.intel.exit, v.amd.init, v.amd.exit];
  return new Set(reachable(v, roots, { withLabels: true }).map((f) => f.name));
}

/** A call path from a function back to itself, if the call graph has one. */
export function findCycle(v: Pick<VariantDef, 'functions' | 'intel' | 'amd'>): string[] | null {
  const state = new Map<string, 'active' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | null => {
    const f = functionNamed(v, name);
    if (!f || state.get(name) === 'done') return null;
    if (state.get(name) === 'active') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'active');
    path.push(name);
    for (const s of stepsOf(f, true))
      for (const c of calleesOf(v, s)) {
        const cycle = visit(c);
        if (cycle) return cycle;
      }
    path.pop();
    state.set(name, 'done');
    return null;
  };
  for (const name of Object.keys(v.functions)) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return null;
}

const cloneFunctions = (v: VariantDef): Record<string, FunctionDef> =>
  Object.fromEntries(
    Object.entries(v.functions).map(([k, f]) => [
      k,
      { ...f, body: [...f.body], labels: f.labels.map((l) => ({ ...l, steps: [...l.steps] })) },
    ]),
  );

function parseTarget(to: string): { fn: string; label: string | null } {
  const at = to.indexOf('@');
  return at < 0 ? { fn: to, label: null } : { fn: to.slice(0, at), label: to.slice(at + 1) };
}

function describePosition(steps: StepDef[], index: number): string {
  if (steps.length === 0) return 'as its only step';
  if (index === 0) return `at the start, before ${stepName(steps[0]!)}`;
  return `after ${stepName(steps[index - 1]!)}`;
}

export interface AppliedEdits {
  variant: VariantDef;
  /** One readable line per edit. */
  descriptions: string[];
  /** Consequences worth knowing that do not make the edit invalid. */
  warnings: string[];
}

export function applyEdits(base: VariantDef, edits: readonly Edit[]): Result<AppliedEdits> {
  if (edits.length === 0)
    return { ok: true, value: { variant: base, descriptions: [], warnings: [] } };
  const v: VariantDef = { ...base, functions: cloneFunctions(base) };
  const descriptions: string[] = [];
  const warnings: string[] = [];
  for (const [i, edit] of edits.entries()) {
    const at = `edits[${i}]`;
    const id = 'move' in edit ? edit.move : edit.remove;
    const found = findStep(v, id);
    if (!found)
      return {
        ok: false,
        error: `${at}: there is no step "${id}" in ${base.id} (step ids look like "kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks")`,
      };
    const from = functionNamed(v, found.fn)!;
    const fromSteps = containerSteps(from, found.label)!;
    const where = containerName(found.fn, found.label);
    const whereWords = placeWords(found.fn, found.label);
    if ('remove' in edit) {
      fromSteps.splice(found.index, 1);
      descriptions.push(`removed ${stepName(found.step)} from ${whereWords}`);
      continue;
    }
    const target = parseTarget(edit.to);
    const to = functionNamed(v, target.fn);
    if (!to)
      return { ok: false, error: `${at}: there is no function "${target.fn}" in ${base.id}` };
    const toSteps = containerSteps(to, target.label);
    if (!toSteps)
      return {
        ok: false,
        error: `${at}: ${target.fn} has no error label "${target.label}" (it has ${to.labels.map((l) => l.name).join(', ') || 'none'})`,
      };
    if (!reachableFunctions(v).has(target.fn))
      return {
        ok: false,
        error: `${at}: ${target.fn} never runs in ${base.id} — nothing calls it — so a step moved there would never run`,
      };
    fromSteps.splice(found.index, 1);
    if (edit.index > toSteps.length)
      return {
        ok: false,
        error: `${at}: index ${edit.index} is past the end of ${placeWords(target.fn, target.label)} (${toSteps.length} steps without the moved one)`,
      };
    const moved: StepDef = { ...found.step };
    if (
      moved.onError &&
      moved.onError !== 'return' &&
      moved.onError !== 'continue' &&
      !to.labels.some((l) => l.name === moved.onError)
    ) {
      if (to.returns === 'int') {
        warnings.push(
          `${stepName(moved)}: ${target.fn}() has no ${moved.onError} label, so an error now returns straight from ${target.fn}()`,
        );
        moved.onError = 'return';
      } else {
        warnings.push(
          `${stepName(moved)}: ${target.fn}() returns void, so an error from it would be ignored`,
        );
        delete moved.onError;
      }
    }
    const destination = containerName(target.fn, target.label);
    if (destination === where && edit.index === found.index)
      return { ok: false, error: `${at}: the move leaves ${stepName(moved)} where it is` };
    const position = describePosition(toSteps, edit.index);
    descriptions.push(
      destination === where
        ? `moved ${stepName(moved)} ${edit.index <= found.index ? 'earlier' : 'later'} in ${whereWords}, ${position}`
        : `moved ${stepName(moved)} from ${whereWords} into ${placeWords(target.fn, target.label)}, ${position}`,
    );
    toSteps.splice(edit.index, 0, moved);
    const cycle = findCycle(v);
    if (cycle)
      return { ok: false, error: `${at}: the move makes ${cycle.join(' → ')} call itself` };
  }
  return { ok: true, value: { variant: v, descriptions, warnings } };
}
