/**
 * Drift: how an imported kernel differs from the nearest hand-written variant, in kernel
 * words with file:line on both sides. Both variants run the same scenarios (each vendor's
 * load and unload, and a load failing at each fault point), the engine's aligner lines
 * the traces up (app/engine/compare/align.ts), and every difference that touches MMU state
 * or MMU code becomes an item: a step added, removed or moved (to another place in the
 * order or to another function), a guard or an error edge changed. Era facts the tree
 * contradicts and unmodelled calls in MMU code are items too. Items the model explains
 * (explained.ts) carry their reason; `mmu import --check` fails on the others.
 */
import { align, orderingChanges } from '../engine/compare/align';
import { findStep } from '../engine/edits';
import { FAULT_POINTS, VENDORS, type FaultPoint, type Vendor, type VariantId } from '../engine/ids';
import { runValidated, type RunResult } from '../engine/runner';
import { validateScenario } from '../engine/scenario';
import type { TraceEvent } from '../engine/run/trace';
import { sourceLabel } from '../engine/variants/sources';
import type { VariantDef } from '../engine/variants/types';
import { explain, type Explanation } from './explained';
import type { FactCheck } from './facts';
import type { SynthesisReport } from './synthesize';

export type DriftKind = 'added' | 'removed' | 'moved' | 'guard' | 'edge' | 'fact' | 'unknown';

/** One side of an item: where the step sits and where its source is. */
export interface DriftSide {
  where: string;
  src: string;
}

export interface DriftItem {
  kind: DriftKind;
  /** The step as the kernel names it: "kvm_mmu_vendor_module_init()", "register_shrinker". */
  what: string;
  /** The hand-written variant's side, and the import's. */
  model: DriftSide | null;
  tree: DriftSide | null;
  /** What changed, in words. */
  detail: string;
  /** Which vendor loads show it. */
  vendors: Vendor[];
  explained: Explanation | null;
}

export interface DriftReport {
  against: VariantId;
  version: string;
  items: DriftItem[];
  /** Steps that line up, per vendor's plain load and unload. */
  aligned: Record<Vendor, number>;
  /** Differences in steps that touch no MMU state (notes and plain calls), counted only. */
  notes: number;
}

const MMU_CODE = 'arch/x86/kvm/mmu/';

/** A step the review would list: it calls a modelled function or touches MMU state. */
const significant = (e: TraceEvent): boolean =>
  e.kind === 'call' ||
  ((e.kind === 'effect' || e.kind === 'skip') &&
    e.reads.length + e.writes.length + e.probes.length > 0);

const side = (e: TraceEvent | null): DriftSide | null =>
  e && {
    where: e.label ? `${e.fn}@${e.label}` : (e.fn ?? '—'),
    src: e.src ? sourceLabel(e.src) : '—',
  };

const what = (e: TraceEvent): string => {
  const id = e.stepId ?? e.title;
  const name = id.slice(id.lastIndexOf('/') + 1).replace(/#\d+$/, '');
  return e.kind === 'call' ? `${name}()` : name;
};

function run(variant: VariantDef, vendor: Vendor, fail: FaultPoint | null): RunResult {
  const s = validateScenario({
    v: 1,
    kernel: 'v6.0',
    vendor,
    modules: fail
      ? ['load kvm', `load kvm_${vendor}`]
      : ['load kvm', `load kvm_${vendor}`, `unload kvm_${vendor}`],
    ...(fail ? { fail: [{ at: fail }] } : {}),
  });
  if (!s.ok) throw new Error(s.error);
  const r = runValidated(s.value, variant);
  if (!r.ok) throw new Error(`${variant.id}: ${r.error}`);
  return r.value;
}

/** The differences between two runs of the same scenario. */
function differences(model: RunResult, tree: RunResult): { items: DriftItem[]; notes: number } {
  const rows = align(model, tree);
  const le = model.trace.events;
  const re = tree.trace.events;
  const items: DriftItem[] = [];
  let notes = 0;
  const item = (
    kind: DriftKind,
    l: TraceEvent | null,
    r: TraceEvent | null,
    detail: string,
  ): DriftItem => ({
    kind,
    what: what((l ?? r)!),
    model: side(l),
    tree: side(r),
    detail,
    vendors: [],
    explained: null,
  });
  for (const o of orderingChanges(rows, model, tree)) {
    const l = o.left === null ? null : le[o.left]!;
    const r = o.right === null ? null : re[o.right]!;
    // Calls of modelled functions are structure, wherever their code lives.
    if (!o.significant && l?.kind !== 'call' && r?.kind !== 'call') {
      notes++;
      continue;
    }
    if (o.kind === 'left-only')
      items.push(item('removed', l, null, `not in the tree (after ${o.afterLeft ?? 'the start'})`));
    else if (o.kind === 'right-only')
      items.push(item('added', null, r, `new (after ${o.afterRight ?? 'the start'})`));
    else
      items.push(
        item(
          'moved',
          l,
          r,
          `now after ${o.afterRight ?? 'the start'} (was after ${o.afterLeft ?? 'the start'})`,
        ),
      );
  }
  for (const row of rows) {
    if (row.kind !== 'same') continue;
    const l = le[row.left!]!;
    const r = re[row.right!]!;
    if (!l.stepId || !r.stepId || !(significant(l) || significant(r))) continue;
    const a = side(l)!;
    const b = side(r)!;
    if (a.where !== b.where) items.push(item('moved', l, r, `now in ${b.where} (was ${a.where})`));
    const ls = findStep(model.variant, l.stepId)?.step;
    const rs = findStep(tree.variant, r.stepId)?.step;
    if (!ls || !rs) continue;
    if ((ls.onError ?? null) !== (rs.onError ?? null))
      items.push(
        item('edge', l, r, `on error: ${rs.onError ?? 'ignored'} (was ${ls.onError ?? 'ignored'})`),
      );
    if ((ls.when ?? null) !== (rs.when ?? null))
      items.push(
        item(
          'guard',
          l,
          r,
          `runs ${rs.when ? `when ${rs.when}` : 'always'} (was ${ls.when ? `when ${ls.when}` : 'always'})`,
        ),
      );
  }
  return { items, notes };
}

const key = (i: DriftItem) =>
  [i.kind, i.what, i.model?.where, i.tree?.where, i.model?.src, i.tree?.src, i.detail].join('|');

/**
 * The drift of an imported variant from a hand-written one, with the tree's era facts and
 * its unmodelled calls from the synthesis.
 */
export function drift(
  imported: VariantDef,
  against: VariantDef,
  o: { version: string; facts: readonly FactCheck[]; report: SynthesisReport },
): DriftReport {
  const seen = new Map<string, DriftItem>();
  const aligned = {} as Record<Vendor, number>;
  let notes = 0;
  for (const vendor of VENDORS)
    for (const fail of [null, ...FAULT_POINTS]) {
      const model = run(against, vendor, fail);
      const tree = run(imported, vendor, fail);
      const d = differences(model, tree);
      if (!fail) {
        aligned[vendor] = align(model, tree).filter((r) => r.kind === 'same').length;
        notes += d.notes;
      }
      // A failed load adds what its unwind does; the order of a load is the plain run's.
      const inUnwind = (i: DriftItem) => [i.model, i.tree].some((x) => x?.where.includes('@'));
      for (const i of fail ? d.items.filter(inUnwind) : d.items) {
        const k = key(i);
        const known = seen.get(k) ?? i;
        if (!known.vendors.includes(vendor)) known.vendors.push(vendor);
        seen.set(k, known);
      }
    }
  const items = [...seen.values()];
  for (const f of o.facts)
    items.push({
      kind: 'fact',
      what: f.fact,
      model: { where: `era of ${imported.id}`, src: JSON.stringify(f.era) },
      tree: { where: f.where.fn, src: `${f.where.file}:${f.where.line} (v${o.version})` },
      detail: `the tree shows ${JSON.stringify(f.value)} (${f.how})`,
      vendors: [...VENDORS],
      explained: null,
    });
  // A call the model does not know inside MMU code may be MMU state the model misses.
  for (const c of o.report.unknownCalls)
    if (c.file.startsWith(MMU_CODE))
      items.push({
        kind: 'unknown',
        what: c.call,
        model: null,
        tree: { where: c.fn, src: `${c.file}:${c.line} (v${o.version})` },
        detail: 'a call in MMU code the catalogue does not know',
        vendors: [...VENDORS],
        explained: null,
      });
  for (const i of items) i.explained = explain(o.version, i);
  return { against: against.id, version: o.version, items, aligned, notes };
}

/** The unmodelled calls the report lists beside the drift: those that can fail. */
export const failableUnknownCalls = (r: SynthesisReport) =>
  r.unknownCalls.filter((c) => c.onError !== undefined);
