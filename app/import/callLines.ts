/**
 * Call lines: for each step of a hand-written variant, the line of its own call in its
 * caller's definition in the tree the variant was written from (`mmu call-lines`,
 * scripts/call-lines.ts). A step is matched by what it does, never by its text: a call
 * step by its callee (`@hardware_setup` by the vendor op), an effect by the catalogue's
 * rule for the C call or assignment (catalogue.ts), the n-th such step of a function (or
 * of one of its error labels) to the n-th such item there; an assignment the catalogue places
 * at its last occurrence, as the importer does. Notes summarise several
 * statements and get no line. Pure: the tree comes in as the importer's IR.
 */
import type { Effect } from '../engine/effects/types';
import type { ModelEffectKey } from '../engine/variants/imported';
import type { StepDef, VariantDef } from '../engine/variants/types';
import { assignRuleFor, ruleFor } from './catalogue';
import type { ExtractedFunction, Item, TreeImport } from './ir';

/** Step id → line of its call, in its caller's file. */
export type CallLineTable = Record<string, number>;

export interface CallLines {
  lines: CallLineTable;
  /** Steps with no line, and why (sorted by id). */
  unmatched: { id: string; why: string }[];
}

/** Whether one of the catalogue's effect keys ("kmem_cache_create:pte_list_desc") names this effect. */
function keyNames(key: ModelEffectKey, e: Effect): boolean {
  const [kind, qualifier] = key.split(':');
  if (kind !== e.kind) return false;
  if (!qualifier) return true;
  const q = e as { cache?: string; from?: string; vendor?: string; nested?: true };
  return qualifier === 'nested'
    ? q.nested === true
    : qualifier === q.cache || qualifier === q.from || (qualifier === q.vendor && !q.nested);
}

/** Whether a C item is this step: the same call, op call or modelled effect. */
function itemIs(item: Item, step: StepDef): boolean {
  if ('call' in step.op) {
    if (item.kind !== 'call') return false;
    return step.op.call === item.callee;
  }
  const effect = step.op.effect;
  if (item.kind === 'call') {
    // The model runs this modelled function's work as an effect of its caller.
    if (effect.kind === 'set_mmio_spte_mask') return item.callee === 'kvm_mmu_set_mmio_spte_mask';
    const meaning = ruleFor(item)?.means;
    return !!meaning && 'effect' in meaning && keyNames(meaning.effect, effect);
  }
  if (item.kind === 'assign') {
    const rule = assignRuleFor(item.target, item.value);
    return !!rule && keyNames(rule.effect, effect);
  }
  return false;
}

const isLastPlaced = (i: Extract<Item, { kind: 'assign' }>): boolean =>
  assignRuleFor(i.target, i.value)?.placement === 'last';

/** The lines of a function's steps that the C shows, by step id; misses with a reason. */
function functionLines(
  fn: { name: string; body: StepDef[]; labels: { name: string; steps: StepDef[] }[] },
  c: ExtractedFunction | undefined,
  out: CallLines,
  seen: Map<string, number>,
): void {
  const sections = [
    { label: null as string | null, steps: fn.body },
    ...fn.labels.map((l) => ({ label: l.name as string | null, steps: l.steps })),
  ];
  for (const { label, steps } of sections) {
    const items = c?.items.filter((i) => i.label === label) ?? [];
    const used = new Set<Item>();
    for (const step of steps) {
      if ('effect' in step.op && step.op.effect.kind === 'note') continue;
      if (step.src && step.src.kind !== 'kernel') continue; // from a patch: its mail is its source
      const candidates = items.filter((i) => !used.has(i) && itemIs(i, step));
      // An assignment the importer places at its last occurrence (where the decision is final).
      const last = candidates[0]?.kind === 'assign' && isLastPlaced(candidates[0]);
      const hit = last ? candidates.at(-1) : candidates[0];
      if (!hit) {
        out.unmatched.push({
          id: step.id,
          why: c ? 'no such call in its caller' : `${fn.name} is not in the tree`,
        });
        continue;
      }
      used.add(hit);
      const before = seen.get(step.id);
      if (before !== undefined && before !== hit.line)
        throw new Error(`${step.id}: line ${hit.line} in one variant, ${before} in another`);
      seen.set(step.id, hit.line);
    }
  }
}

/** The call lines of every step of these variants (all written from the tree) in the tree. */
export function callLines(tree: TreeImport, variants: readonly VariantDef[]): CallLines {
  const extracted = new Map(tree.files.flatMap((f) => f.functions).map((f) => [f.name, f]));
  const out: CallLines = { lines: {}, unmatched: [] };
  const seen = new Map<string, number>();
  for (const v of variants)
    for (const fn of Object.values(v.functions))
      if (fn.src.kind === 'kernel') functionLines(fn, extracted.get(fn.name), out, seen);
  out.lines = Object.fromEntries([...seen].sort(([a], [b]) => a.localeCompare(b)));
  const unique = new Map(out.unmatched.filter((u) => !seen.has(u.id)).map((u) => [u.id, u]));
  out.unmatched = [...unique.values()].sort((a, b) => a.id.localeCompare(b.id));
  return out;
}
