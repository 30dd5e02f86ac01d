/**
 * Lines up two runs' traces so that the same kernel action sits on the same row,
 * even when a step moved to another function or a function was renamed between
 * variants: events are matched by what they do, not by where they sit.
 */
import { splitStepId } from '../checker/context';
import { containerName } from '../edits';
import type { RunResult } from '../runner';
import type { TraceEvent } from '../run/trace';
import { functionNamed } from '../variants/graph';
import type { VariantDef } from '../variants/types';
import { eventName } from '../words';

export type RowKind = 'same' | 'left-only' | 'right-only';

export interface AlignedRow {
  /** Event index in the left run's trace, or null for a right-only row. */
  left: number | null;
  right: number | null;
  kind: RowKind;
  /** An unmatched event whose twin (same signature) is unmatched on the other side. */
  moved?: boolean;
  /** For a moved row: the row holding the other half of the move. */
  partner?: number;
}

/**
 * What identifies a kernel action across variants: a step's own name (the call or
 * effect, never the function it sits in), or the title of an event without a step.
 * A skipped step keeps its name, so "skipped here, ran there" stays on one row.
 */
export function signature(e: TraceEvent): string {
  if (e.kind === 'workload') return `workload:${e.title}`;
  if (e.stepId && (e.kind === 'call' || e.kind === 'effect' || e.kind === 'skip'))
    return `step:${splitStepId(e.stepId).what}`;
  return `${e.kind}:${e.title}`;
}

/** One unit of the diff: an event, or a whole run of workload events (aligned by order instead). */
interface Token {
  sig: string;
  first: number;
  count: number;
}

function tokenize(events: readonly TraceEvent[]): Token[] {
  const out: Token[] = [];
  events.forEach((e, i) => {
    const last = out.at(-1);
    if (e.kind === 'workload' && last?.sig === 'workload') last.count++;
    else out.push({ sig: e.kind === 'workload' ? 'workload' : signature(e), first: i, count: 1 });
  });
  return out;
}

/** Longest common subsequence of two signature lists, as [i, j] pairs in order. */
function lcs(a: readonly string[], b: readonly string[]): [number, number][] {
  const pairs: [number, number][] = [];
  // Equal heads and tails are always part of some LCS: trim them before the O(n·m) table.
  let pre = 0;
  for (; pre < a.length && pre < b.length && a[pre] === b[pre]; pre++) pairs.push([pre, pre]);
  let suf = 0;
  while (
    suf < a.length - pre &&
    suf < b.length - pre &&
    a[a.length - 1 - suf] === b[b.length - 1 - suf]
  )
    suf++;
  const n = a.length - pre - suf;
  const m = b.length - pre - suf;
  const w = m + 1;
  const table = new (Math.min(n, m) < 0xffff ? Uint16Array : Uint32Array)((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      table[i * w + j] =
        a[pre + i] === b[pre + j]
          ? table[(i + 1) * w + j + 1]! + 1
          : Math.max(table[(i + 1) * w + j]!, table[i * w + j + 1]!);
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[pre + i] === b[pre + j]) pairs.push([pre + i++, pre + j++]);
    else if (table[(i + 1) * w + j]! >= table[i * w + j + 1]!) i++;
    else j++;
  }
  for (let k = suf; k > 0; k--) pairs.push([a.length - k, b.length - k]);
  return pairs;
}

/** Aligns two event lists; exported for tests that build events by hand. */
export function alignEvents(
  left: readonly TraceEvent[],
  right: readonly TraceEvent[],
): AlignedRow[] {
  const ta = tokenize(left);
  const tb = tokenize(right);
  const rows: AlignedRow[] = [];
  const only = (t: Token, side: 'left' | 'right') => {
    for (let k = t.first; k < t.first + t.count; k++)
      rows.push(
        side === 'left'
          ? { left: k, right: null, kind: 'left-only' }
          : { left: null, right: k, kind: 'right-only' },
      );
  };
  let i = 0;
  let j = 0;
  const matches = lcs(
    ta.map((t) => t.sig),
    tb.map((t) => t.sig),
  );
  for (const [mi, mj] of [...matches, [ta.length, tb.length] as const]) {
    for (; i < mi; i++) only(ta[i]!, 'left');
    for (; j < mj; j++) only(tb[j]!, 'right');
    if (mi === ta.length) break;
    const a = ta[i++]!;
    const b = tb[j++]!;
    // Workload runs pair up by order: the k-th event on each side, when it does the same thing.
    for (let k = 0; k < Math.max(a.count, b.count); k++) {
      const l = k < a.count ? a.first + k : null;
      const r = k < b.count ? b.first + k : null;
      if (l !== null && r !== null && (a.sig !== 'workload' || left[l]!.title === right[r]!.title))
        rows.push({ left: l, right: r, kind: 'same' });
      else {
        if (l !== null) rows.push({ left: l, right: null, kind: 'left-only' });
        if (r !== null) rows.push({ left: null, right: r, kind: 'right-only' });
      }
    }
  }
  pairMoves(rows, left, right);
  return rows;
}

/** The k-th unmatched occurrence of a signature on the left pairs with the k-th on the right. */
function pairMoves(
  rows: AlignedRow[],
  left: readonly TraceEvent[],
  right: readonly TraceEvent[],
): void {
  const waiting = new Map<string, number[]>();
  rows.forEach((row, k) => {
    if (row.kind !== 'left-only' || left[row.left!]!.kind === 'workload') return;
    const sig = signature(left[row.left!]!);
    const queue = waiting.get(sig);
    if (queue) queue.push(k);
    else waiting.set(sig, [k]);
  });
  rows.forEach((row, k) => {
    if (row.kind !== 'right-only' || right[row.right!]!.kind === 'workload') return;
    const partner = waiting.get(signature(right[row.right!]!))?.shift();
    if (partner === undefined) return;
    Object.assign(row, { moved: true, partner });
    Object.assign(rows[partner]!, { moved: true, partner: k });
  });
}

export const align = (left: RunResult, right: RunResult): AlignedRow[] =>
  alignEvents(left.trace.events, right.trace.events);

// ---- what changed in the ordering -------------------------------------------------------

export interface OrderingChange {
  kind: 'moved' | 'left-only' | 'right-only';
  /** Its rows, the first one's event first: a move's two halves and what ran inside it. */
  rows: number[];
  /** The step as the kernel names it: "kvm_mmu_reset_all_pte_masks()", "the EPT shadow_* masks". */
  what: string;
  /** Its step id (null for module, return and VM events), for tools. */
  step: string | null;
  left: number | null;
  right: number | null;
  /** Function (and error label) the step sits in, on each side, as edits name it ("kvm_init@out_irqfd"). */
  from: string | null;
  to: string | null;
  /** The step just before it in the same function, in words, on each side (null: the first step). */
  afterLeft: string | null;
  afterRight: string | null;
  /** For a move: whether it now runs later than before. */
  later: boolean;
  /** Changes MMU state or calls MMU code; the rest are notes, only counted. */
  significant: boolean;
}

const MMU_DIR = 'arch/x86/kvm/mmu/';

/** A step that touches no modelled state: the report counts these instead of listing them. */
const isNote = (e: TraceEvent): boolean =>
  e.kind === 'effect' &&
  e.changes.length + e.reads.length + e.writes.length + e.probes.length === 0 &&
  e.errno === null &&
  e.warn === null;

/** Worth a line in a review: changes or reads MMU state, or calls into MMU code. */
function isSignificant(e: TraceEvent, v: VariantDef): boolean {
  if (e.kind === 'call')
    return functionNamed(v, splitStepId(e.stepId!).what)?.file.startsWith(MMU_DIR) ?? false;
  return !isNote(e);
}

/** For each event, the call event that entered its function (-1 at the top level). */
function callers(events: readonly TraceEvent[]): number[] {
  const lastCallAt: number[] = [];
  return events.map((e, i) => {
    const d = e.stack.length;
    const c = d >= 2 ? (lastCallAt[d - 1] ?? -1) : -1;
    const p = events[c];
    // Events without a call of their own (module, VM, workload) carry a synthetic stack.
    const inside =
      p !== undefined && p.moduleOp === e.moduleOp && p.stack.every((f, k) => e.stack[k] === f);
    if (e.kind === 'call') {
      lastCallAt.length = d + 1;
      lastCallAt[d] = i;
    }
    return inside ? c : -1;
  });
}

/** Where the step ran; not its id's prefix, which an ordering edit leaves as it was. */
const whereOf = (e: TraceEvent): string | null => e.fn && containerName(e.fn, e.label);

/** The step before event i in the same function call, skipping what its callees ran. */
function stepBefore(events: readonly TraceEvent[], i: number, v: VariantDef): string | null {
  const e = events[i]!;
  for (let k = i - 1; k >= 0; k--) {
    const p = events[k]!;
    if (p.stack.length < e.stack.length || p.moduleOp !== e.moduleOp) return null;
    if (p.stack.length === e.stack.length) return p.fn === e.fn ? eventName(p, v) : null;
  }
  return null;
}

/**
 * The moves, insertions and removals of an alignment, one per step: what a moved
 * or inserted call ran moves or appears with it and is folded into it.
 */
export function orderingChanges(
  rows: readonly AlignedRow[],
  left: RunResult,
  right: RunResult,
): OrderingChange[] {
  const le = left.trace.events;
  const re = right.trace.events;
  const lCaller = callers(le);
  const rCaller = callers(re);
  const lRow = new Map<number, number>();
  const rRow = new Map<number, number>();
  rows.forEach((row, k) => {
    if (row.left !== null) lRow.set(row.left, k);
    if (row.right !== null) rRow.set(row.right, k);
  });
  const parentRow = (k: number): number | undefined => {
    const row = rows[k]!;
    return row.left !== null ? lRow.get(lCaller[row.left]!) : rRow.get(rCaller[row.right!]!);
  };
  /** Whether row k is part of the same change as its caller's row p. */
  const foldsInto = (k: number, p: number): boolean => {
    const row = rows[k]!;
    const up = rows[p]!;
    if (row.kind !== up.kind || Boolean(row.moved) !== Boolean(up.moved)) return false;
    return !row.moved || parentRow(row.partner!) === up.partner;
  };
  const byHead = new Map<number, OrderingChange>();
  rows.forEach((row, k) => {
    if (row.kind === 'same' || (row.moved && row.kind === 'right-only')) return;
    let head = k;
    for (let p = parentRow(head); p !== undefined && foldsInto(head, p); p = parentRow(head))
      head = p;
    const l = row.left !== null ? le[row.left]! : null;
    const r =
      row.kind === 'right-only'
        ? re[row.right!]!
        : row.moved
          ? re[rows[row.partner!]!.right!]!
          : null;
    const significant =
      (l !== null && isSignificant(l, left.variant)) ||
      (r !== null && isSignificant(r, right.variant));
    const halves = row.moved ? [k, row.partner!] : [k];
    const seen = byHead.get(head);
    if (seen) {
      seen.rows.push(...halves);
      seen.significant ||= significant;
      return;
    }
    const e = (l ?? r)!;
    byHead.set(head, {
      kind: row.moved ? 'moved' : row.kind,
      rows: halves,
      what: eventName(e, l ? left.variant : right.variant),
      step: e.stepId,
      left: l?.index ?? null,
      right: r?.index ?? null,
      from: l && whereOf(l),
      to: r && whereOf(r),
      afterLeft: l && stepBefore(le, l.index, left.variant),
      afterRight: r && stepBefore(re, r.index, right.variant),
      later: row.moved === true && row.partner! > k,
      significant,
    });
  });
  return [...byHead.values()];
}
