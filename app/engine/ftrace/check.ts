/**
 * Holds a real function_graph capture against the model's run of the same kernel, vendor
 * and params. Both sides become trees of the kernel functions the model knows (the trace's
 * other calls are dropped, their callees kept at the nearest known caller); the trees are
 * flattened in call order and lined up with the compare machinery's alignment, then every
 * matched call is checked for sitting inside the same matched caller. A function the model
 * expects that the trace cannot show (kernel.ts, NOT_TRACEABLE) is reported as such, never
 * silently matched.
 */
import { alignEvents } from '../compare/align';
import type { RunResult } from '../index';
import type { TraceEvent } from '../run/trace';
import {
  CORE_FUNCTIONS,
  knownCalls,
  modelName,
  notTraceable,
  type KnownCalls,
  type NotTraceable,
} from './kernel';
import { modelCalls, type ModelSide } from './model';
import type { FtraceCall, FtraceCapture } from './parse';
import type { TraceRowKind } from './words';

export type { TraceRowKind };

export interface TraceSide {
  /** As traced: "__kmem_cache_create_args", "svm_init [kvm_amd]". */
  name: string;
  line: number;
  cpu: number;
  time: number | null;
}

export interface TraceRow {
  kind: TraceRowKind;
  /** The model's name for the function. */
  name: string;
  /** Nesting among the functions both know: 0 for a top-level call. */
  depth: number;
  model: ModelSide | null;
  trace: TraceSide | null;
  /** The row of its caller (on the side it comes from), or null at the top level. */
  callerRow: number | null;
  /** A call on both sides in a different order: the row of its other half. */
  movedTo?: number;
  /** nesting: where each side has it; not-visible: why. */
  note?: string;
}

export interface TraceCheck {
  rows: TraceRow[];
  counts: Record<TraceRowKind, number>;
  /** No call only in the model, only in the trace, or nested differently. */
  agrees: boolean;
  /** Calls in the capture the model does not know: not compared. */
  unknownCalls: number;
  /** What was left out and why, and what the reader noticed about the capture. */
  notes: string[];
}

export interface TraceCheckOptions {
  /**
   * Functions whose body did not run because a fault injector made them return at entry:
   * the model's work inside them is not compared (the model fails them further in).
   */
  skippedBodies?: readonly string[];
}

/** A node of either side's tree of known calls (a ModelCall is one). */
interface Node {
  name: string;
  children: Node[];
  model?: ModelSide;
  trace?: TraceSide;
}

// ---- the trace's side --------------------------------------------------------------------

/**
 * The capture as a tree of the calls the model knows (kernel.ts, knownCalls). Another call
 * is dropped and its callees are kept at the nearest kept caller, except that a core function
 * the model knows (kmem_cache_destroy, free_percpu) counts only where KVM calls it: below an
 * unknown function that is not a KVM module's (shrinker_free() freeing per-CPU memory), it is
 * the kernel's business. A capture without module tags (trace-cmd report) cannot tell a KVM
 * helper from a core one, so both count as core there. Returns how many calls were dropped.
 */
function traceTree(capture: FtraceCapture, known: KnownCalls): { roots: Node[]; unknown: number } {
  let unknown = 0;
  const keep = (calls: readonly FtraceCall[], inside: string | null, inCore: boolean): Node[] =>
    calls.flatMap((c) => {
      const name = modelName(c.name);
      if (c.unresolved || !known.names.has(name)) {
        unknown++;
        return keep(c.children, inside, inCore || !KVM_MODULES.has(c.module ?? ''));
      }
      if (inCore && CORE_FUNCTIONS.includes(name)) return [];
      if (inside !== null && !known.defined.has(inside) && !known.inner.get(inside)?.has(name))
        return [];
      const traced = c.module ? `${c.name} [${c.module}]` : c.name;
      return [
        {
          name,
          children: keep(c.children, name, false),
          trace: { name: traced, line: c.line, cpu: c.cpu, time: c.time },
        },
      ];
    });
  return { roots: keep(capture.roots, null, false), unknown };
}

const KVM_MODULES = new Set(['kvm', 'kvm_amd', 'kvm_intel']);

// ---- scope and visibility ----------------------------------------------------------------

const names = (nodes: readonly Node[], into = new Set<string>()): Set<string> => {
  for (const n of nodes) {
    into.add(n.name);
    names(n.children, into);
  }
  return into;
};

/** The largest subtrees whose root has one of `rootNames`, in call order. */
function subtreesNamed(nodes: readonly Node[], rootNames: Set<string>): Node[] {
  return nodes.flatMap((n) => (rootNames.has(n.name) ? [n] : subtreesNamed(n.children, rootNames)));
}

/** A flattened call: its place in call order, its depth and its caller's place. */
interface Flat {
  node: Node;
  depth: number;
  parent: number | null;
  /** Model only: functions the trace cannot show that were expected just before this call. */
  hidden: { node: Node; why: NotTraceable; depth: number; parent: number | null }[];
}

/**
 * Flattens in call order. On the model's side a NOT_TRACEABLE function absent from the
 * capture is taken out (its callees move up to its caller) and remembered where it was.
 */
function flatten(
  roots: readonly Node[],
  hide: (n: Node) => NotTraceable | undefined,
  skipBodies: ReadonlySet<string>,
): { flat: Flat[]; trailing: Flat['hidden'] } {
  const flat: Flat[] = [];
  let pending: Flat['hidden'] = [];
  const walk = (nodes: readonly Node[], depth: number, parent: number | null) => {
    for (const n of nodes) {
      const why = hide(n);
      if (why) {
        pending.push({ node: n, why, depth, parent });
        walk(n.children, depth, parent);
        continue;
      }
      flat.push({ node: n, depth, parent, hidden: pending });
      pending = [];
      if (!skipBodies.has(n.name)) walk(n.children, depth + 1, flat.length - 1);
    }
  };
  walk(roots, 0, null);
  return { flat, trailing: pending };
}

// ---- alignment ---------------------------------------------------------------------------

/**
 * The alignment works on trace events: each call becomes a call event whose step is the
 * function's name, so "the same kernel action" means "a call of the same function". The
 * fields the alignment does not read are copied from a real event of the run.
 */
function asEvents(flat: readonly Flat[], template: TraceEvent): TraceEvent[] {
  return flat.map((f, index) => ({
    ...template,
    index,
    kind: 'call',
    stepId: `${f.parent === null ? '' : flat[f.parent]!.node.name}/${f.node.name}`,
    title: `${f.node.name}()`,
  }));
}

const EMPTY_COUNTS = (): Record<TraceRowKind, number> => ({
  agree: 0,
  'model-only': 0,
  'trace-only': 0,
  nesting: 0,
  'not-visible': 0,
});

export function checkTrace(
  capture: FtraceCapture,
  run: RunResult,
  o: TraceCheckOptions = {},
): TraceCheck {
  const known = knownCalls(run.variant);
  const functions = run.variant.functions;
  const notes: string[] = [...capture.notes];
  const traced = traceTree(capture, known);
  // Only calls inside a function the model defines are compared: a capture also holds the
  // same core functions called by anything else that ran (a shell's exit frees percpu memory).
  const defined = new Set(Object.keys(functions));
  const traceRoots = subtreesNamed(traced.roots, defined);
  const outside = traced.roots.filter((n) => subtreesNamed([n], defined).length === 0).length;
  const rootNames = new Set(traceRoots.map((n) => n.name));
  const model: Node[] = modelCalls(run);
  const modelRoots = subtreesNamed(model, rootNames);
  const within = (m: Node): Node[] => (modelRoots.includes(m) ? [m] : m.children.flatMap(within));
  const uncovered = model.filter((m) => within(m).length === 0);
  if (uncovered.length)
    notes.push(
      `not in the capture, not compared: ${uncovered.map((m) => `${m.name}()`).join(', ')}${rootNames.size ? '' : ' (the capture has no call of a function the model defines)'}`,
    );
  for (const m of model) {
    const parts = within(m);
    if (parts.length && !parts.includes(m))
      notes.push(
        `${m.name}(): only ${[...new Set(parts.map((p) => `${p.name}()`))].join(', ')} in the capture`,
      );
  }
  if (outside)
    notes.push(
      `${outside} top-level call${outside > 1 ? 's' : ''} of known functions outside any function the model defines (other tasks' work) not compared`,
    );
  const inTrace = names(traceRoots);
  const skip = new Set(o.skippedBodies ?? []);
  for (const s of skip)
    notes.push(`${s}() returned at its entry (forced): the model's work inside it is not compared`);
  const left = flatten(
    modelRoots,
    (n) => (inTrace.has(n.name) ? undefined : notTraceable(n.name)),
    skip,
  );
  const right = flatten(traceRoots, () => undefined, skip);
  const template = run.trace.events[0]!;
  const aligned = alignEvents(asEvents(left.flat, template), asEvents(right.flat, template));

  const rows: TraceRow[] = [];
  const rowOfLeft = new Map<number, number>();
  const rowOfRight = new Map<number, number>();
  const pushHidden = (hidden: Flat['hidden']) => {
    for (const h of hidden)
      rows.push({
        kind: 'not-visible',
        name: h.node.name,
        depth: h.depth,
        callerRow: h.parent === null ? null : rowOfLeft.get(h.parent)!,
        model: h.node.model ?? null,
        trace: null,
        note: `${h.why.why} in this build: ${h.why.detail}`,
      });
  };
  aligned.forEach((a) => {
    const l = a.left === null ? null : left.flat[a.left]!;
    const r = a.right === null ? null : right.flat[a.right]!;
    pushHidden(l?.hidden ?? []);
    if (a.left !== null) rowOfLeft.set(a.left, rows.length);
    if (a.right !== null) rowOfRight.set(a.right, rows.length);
    const node = (l ?? r)!.node;
    rows.push({
      kind: a.kind === 'same' ? 'agree' : a.kind === 'left-only' ? 'model-only' : 'trace-only',
      name: node.name,
      depth: (l ?? r)!.depth,
      callerRow: l
        ? l.parent === null
          ? null
          : rowOfLeft.get(l.parent)!
        : r!.parent === null
          ? null
          : rowOfRight.get(r!.parent)!,
      model: l?.node.model ?? null,
      trace: r?.node.trace ?? null,
    });
  });
  pushHidden(left.trailing);
  // Moves: the k-th unmatched call of a name on one side pairs with the k-th on the other.
  aligned.forEach((a) => {
    if (a.moved && a.partner !== undefined) {
      const here = a.left !== null ? rowOfLeft.get(a.left)! : rowOfRight.get(a.right!)!;
      const p = aligned[a.partner]!;
      rows[here]!.movedTo = p.left !== null ? rowOfLeft.get(p.left)! : rowOfRight.get(p.right!)!;
    }
  });
  // Nesting: a matched call must sit in the matched call of its caller.
  aligned.forEach((a) => {
    if (a.kind !== 'same') return;
    const l = left.flat[a.left!]!;
    const r = right.flat[a.right!]!;
    const lp = l.parent === null ? null : rowOfLeft.get(l.parent)!;
    const rp = r.parent === null ? null : rowOfRight.get(r.parent)!;
    if (lp === rp) return;
    const row = rows[rowOfLeft.get(a.left!)!]!;
    row.kind = 'nesting';
    const inside = (p: number | null, f: Flat[]) =>
      p === null ? 'at the top level' : `inside ${f[p]!.node.name}()`;
    const [mi, ti] = [inside(l.parent, left.flat), inside(r.parent, right.flat)];
    row.note =
      mi === ti
        ? `${mi} on both sides, but not the same call of it (the two do not line up)`
        : `the model has it ${mi}, the trace ${ti}`;
  });
  const counts = EMPTY_COUNTS();
  for (const r of rows) counts[r.kind]++;
  return {
    rows,
    counts,
    agrees: counts['model-only'] + counts['trace-only'] + counts.nesting === 0,
    unknownCalls: traced.unknown,
    notes,
  };
}
