/**
 * A patched tree as ordering edits (move, remove) of the unpatched variant, so that a
 * review's scenario stays short and opens in the app's ordering editor. Returns null when
 * the patch does something edits cannot say (a new call, a changed edge or guard, a new
 * function): the scenario then carries the patched tree as imported data. Every result is
 * checked by applying the edits and comparing with the patched variant.
 */
import { applyEdits, containerName } from '../engine/edits';
import type { Edit } from '../engine/scenario';
import type { FunctionDef, StepDef, VariantDef } from '../engine/variants/types';

/** What a step is, without where it came from (its id and source move with it). */
function canon(s: StepDef): string {
  const op =
    'call' in s.op
      ? `call:${s.op.call}`
      : s.op.effect.kind === 'note'
        ? `note:${s.op.effect.label}`
        : JSON.stringify(s.op.effect);
  return `${op}|${s.onError ?? ''}|${s.when ?? ''}`;
}

interface Container {
  fn: string;
  label: string | null;
  steps: StepDef[];
}

const containersOf = (f: FunctionDef): Container[] => [
  { fn: f.name, label: null, steps: f.body },
  ...f.labels.map((l) => ({ fn: f.name, label: l.name, steps: l.steps })),
];

function containerOf(v: VariantDef, c: Pick<Container, 'fn' | 'label'>): StepDef[] {
  const f = v.functions[c.fn]!;
  return c.label === null ? f.body : f.labels.find((l) => l.name === c.label)!.steps;
}

/** Same functions, labels and steps (by what they are), and the same entries. */
function sameShape(a: VariantDef, b: VariantDef): boolean {
  const shape = (v: VariantDef) =>
    JSON.stringify([
      v.kvm,
      v.intel,
      v.amd,
      Object.values(v.functions)
        .sort((x, y) => x.name.localeCompare(y.name))
        .map((f) => [f.name, f.returns, containersOf(f).map((c) => [c.label, c.steps.map(canon)])]),
    ]);
  return shape(a) === shape(b);
}

const count = (steps: StepDef[], want: string) => steps.filter((s) => canon(s) === want).length;

export function editsBetween(before: VariantDef, after: VariantDef): Edit[] | null {
  const names = (v: VariantDef) => Object.keys(v.functions).sort().join();
  if (names(before) !== names(after)) return null;
  for (const f of Object.values(after.functions))
    if (
      f.labels.map((l) => l.name).join() !==
      before.functions[f.name]!.labels.map((l) => l.name).join()
    )
      return null;
  const edits: Edit[] = [];
  let cur = before;
  const apply = (e: Edit): boolean => {
    const r = applyEdits(cur, [e]);
    if (!r.ok) return false;
    cur = r.value.variant;
    edits.push(e);
    return true;
  };
  const targets = Object.values(after.functions).flatMap(containersOf);
  // 1. Steps that change place: from where the current variant has more of them than the
  //    patched one, to right after the step that precedes them there.
  for (const t of targets)
    t.steps.forEach((step, i) => {
      const want = canon(step);
      if (count(containerOf(cur, t), want) >= count(t.steps, want)) return;
      const from = Object.values(cur.functions)
        .flatMap(containersOf)
        .find((c) => count(c.steps, want) > count(containerOf(after, c), want));
      const id = from?.steps.find((s) => canon(s) === want)?.id;
      const before = i > 0 ? canon(t.steps[i - 1]!) : null;
      const have = containerOf(cur, t);
      const index = before === null ? 0 : have.findIndex((s) => canon(s) === before) + 1;
      if (id) apply({ move: id, to: containerName(t.fn, t.label), index });
    });
  // 2. Steps the patch removed.
  for (const t of targets) {
    const left = new Map<string, number>();
    for (const s of t.steps) left.set(canon(s), (left.get(canon(s)) ?? 0) + 1);
    for (const s of containerOf(cur, t)) {
      const n = left.get(canon(s)) ?? 0;
      if (n > 0) left.set(canon(s), n - 1);
      else if (!apply({ remove: s.id })) return null;
    }
  }
  // 3. Order within each place: the first step out of place moves up.
  for (const t of targets)
    for (let i = 0; i < t.steps.length; i++) {
      const want = canon(t.steps[i]!);
      const have = containerOf(cur, t);
      if (have[i] && canon(have[i]!) === want) continue;
      const id = have.slice(i + 1).find((s) => canon(s) === want)?.id;
      if (!id || !apply({ move: id, to: containerName(t.fn, t.label), index: i })) return null;
    }
  return sameShape(cur, after) ? edits : null;
}
