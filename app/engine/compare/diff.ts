/**
 * What differs between two aligned runs: the MMU state after each shared step,
 * at the end, and the findings. Cells are compared as the report shows them (masks
 * in hex, caches by name), so every difference is one a reader of the review can see.
 */
import { hex } from '../bits';
import { splitStepId } from '../checker/context';
import type { Finding } from '../checker';
import type { RunResult } from '../runner';
import { configShown } from '../model/globals';
import { applyChange, cloneState, type KmemCache, type MmuState } from '../model/state';
import type { Scenario } from '../scenario';
import { finalState } from '../report';
import type { TraceEvent } from '../run/trace';
import { align, orderingChanges, type AlignedRow, type OrderingChange } from './align';

export type CellSection = 'masks' | 'config' | 'caches' | 'lifecycle' | 'modules';

export interface CellDiff {
  section: CellSection;
  /** Global name, cache name or module name. */
  key: string;
  /** As displayed; null: the kernel has no such global, or the cache was never created. */
  left: string | null;
  right: string | null;
}

/** A cell's value in words, also where one side has none. */
export const shownValue = (c: CellDiff, v: string | null): string =>
  v ?? (c.section === 'caches' ? 'not created' : 'no such global');

/** Cells keyed "section:key", valued as displayed. */
type Cells = Map<string, string>;

/** The cache in use (the latest of that name), and any older ones nothing destroyed. */
function cacheValue(c: KmemCache, leaked: number): string {
  const older = leaked ? `; ${leaked} older one${leaked > 1 ? 's' : ''} never destroyed` : '';
  return `${c.objectSize} B, ${c.objects} objects${c.live ? '' : ', destroyed'}${older}`;
}

/** `modules`: the run's module sequence; a vendor module's globals count only if it loads. */
function cellsOf(s: MmuState, modules: Scenario['modules']): Cells {
  const out: Cells = new Map();
  for (const [k, v] of Object.entries(s.masks)) out.set(`masks:${k}`, hex(v));
  for (const [k, v] of Object.entries(s.config))
    if (configShown(k, modules)) out.set(`config:${k}`, String(v));
  // A reload creates a new cache under the same name: the latest one is the one in use.
  const latest = new Map<string, KmemCache>();
  for (const c of Object.values(s.caches))
    if ((latest.get(c.name)?.id ?? -1) < c.id) latest.set(c.name, c);
  for (const c of latest.values()) {
    const leaked = Object.values(s.caches).filter((o) => o.name === c.name && o.live && o !== c);
    out.set(`caches:${c.name}`, cacheValue(c, leaked.length));
  }
  for (const [k, v] of Object.entries(s.lifecycle)) out.set(`lifecycle:${k}`, v);
  for (const [k, v] of Object.entries(s.modules))
    out.set(`modules:${k}`, v ? 'loaded' : 'not loaded');
  return out;
}

/**
 * Cells that differ. A cell one kernel lacks (a global it does not have, a cache it
 * has not created) counts as different once the other side's value leaves its start.
 */
function diffCells(a: Cells, b: Cells, aStart: Cells, bStart: Cells): CellDiff[] {
  const out: CellDiff[] = [];
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    const l = a.get(id);
    const r = b.get(id);
    const differs =
      l !== undefined && r !== undefined
        ? l !== r
        : l !== undefined
          ? l !== aStart.get(id)
          : r !== bStart.get(id);
    if (!differs) continue;
    const colon = id.indexOf(':');
    out.push({
      section: id.slice(0, colon) as CellSection,
      key: id.slice(colon + 1),
      left: l ?? null,
      right: r ?? null,
    });
  }
  return out;
}

/** Cells that differ between a state of the left run and one of the right run. */
export function diffStates(
  left: RunResult,
  right: RunResult,
  a: MmuState,
  b: MmuState,
): CellDiff[] {
  const [lm, rm] = [left.scenario.modules, right.scenario.modules];
  return diffCells(
    cellsOf(a, lm),
    cellsOf(b, rm),
    cellsOf(left.trace.initial, lm),
    cellsOf(right.trace.initial, rm),
  );
}

export interface StateDiff {
  /** The aligned 'same' row after which the cells differ like this. */
  row: number;
  left: number;
  right: number;
  /** Every cell that differs after that row (empty: the states agree again). */
  cells: CellDiff[];
}

/** Applies events (from, to] to a state; true when any of them changed something. */
function replay(s: MmuState, events: readonly TraceEvent[], from: number, to: number): boolean {
  let changed = false;
  for (let i = from + 1; i <= to; i++)
    for (const c of events[i]!.changes) {
      applyChange(s, c);
      changed = true;
    }
  return changed;
}

/**
 * Walks the rows once, replaying both traces alongside, and records each shared
 * row after which the set of differing cells changes.
 */
export function stateDiffs(
  left: RunResult,
  right: RunResult,
  rows: readonly AlignedRow[],
): StateDiff[] {
  const le = left.trace.events;
  const re = right.trace.events;
  const ls = cloneState(left.trace.initial);
  const rs = cloneState(right.trace.initial);
  const [lm, rm] = [left.scenario.modules, right.scenario.modules];
  const lStart = cellsOf(ls, lm);
  const rStart = cellsOf(rs, rm);
  let li = -1;
  let ri = -1;
  let dirty = true;
  let previous = '[]';
  const out: StateDiff[] = [];
  rows.forEach((row, k) => {
    if (row.left !== null) {
      dirty = replay(ls, le, li, row.left) || dirty;
      li = row.left;
    }
    if (row.right !== null) {
      dirty = replay(rs, re, ri, row.right) || dirty;
      ri = row.right;
    }
    if (row.kind !== 'same' || !dirty) return;
    dirty = false;
    const cells = diffCells(cellsOf(ls, lm), cellsOf(rs, rm), lStart, rStart);
    const key = JSON.stringify(cells);
    if (key === previous) return;
    previous = key;
    out.push({ row: k, left: row.left!, right: row.right!, cells });
  });
  return out;
}

export interface FindingsComparison {
  both: { left: Finding; right: Finding }[];
  onlyLeft: Finding[];
  onlyRight: Finding[];
}

/** Findings are the same hazard when their kind and the steps they name (by signature) match. */
export const findingKey = (f: Finding): string =>
  `${f.kind}|${f.steps.map((s) => splitStepId(s).what).join(',')}`;

export function compareFindings(left: Finding[], right: Finding[]): FindingsComparison {
  const waiting = new Map<string, Finding[]>();
  for (const f of right) waiting.set(findingKey(f), [...(waiting.get(findingKey(f)) ?? []), f]);
  const out: FindingsComparison = { both: [], onlyLeft: [], onlyRight: [] };
  for (const f of left) {
    const twin = waiting.get(findingKey(f))?.shift();
    if (twin) out.both.push({ left: f, right: twin });
    else out.onlyLeft.push(f);
  }
  out.onlyRight = right.filter((f) => !out.both.some((b) => b.right === f));
  return out;
}

export interface Comparison {
  left: RunResult;
  right: RunResult;
  rows: AlignedRow[];
  ordering: OrderingChange[];
  /** Shared rows after which the state differences change; see stateDiffs(). */
  stateDiffs: StateDiff[];
  /** The first shared row after which some cell differs. */
  firstDivergence: StateDiff | null;
  /** Differences once both runs have finished. */
  final: CellDiff[];
  findings: FindingsComparison;
}

export function compareRuns(left: RunResult, right: RunResult): Comparison {
  const rows = align(left, right);
  const diffs = stateDiffs(left, right, rows);
  return {
    left,
    right,
    rows,
    ordering: orderingChanges(rows, left, right),
    stateDiffs: diffs,
    firstDivergence: diffs.find((d) => d.cells.length > 0) ?? null,
    final: diffStates(left, right, finalState(left), finalState(right)),
    findings: compareFindings(left.findings, right.findings),
  };
}
