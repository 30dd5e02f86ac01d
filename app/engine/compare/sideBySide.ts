/**
 * A comparison as the app's compare mode draws it: small, serialisable (it crosses
 * the worker boundary instead of two whole runs), and with every row, difference and
 * finding already placed on the aligned rows, so the UI only looks things up.
 */
import type { Finding, Link } from '../checker';

import type { FindingKind } from '../ids';
import type { RunResult } from '../runner';
import type { EventKind } from '../run/trace';
import { eventName, placeWords } from '../words';
import type { RowKind } from './align';
import type { CellDiff, Comparison } from './diff';
import { changeSentence, reviewOf, sideNames, type CompareFormat } from './report';

export interface CompareSide {
  kernel: string;
  vendor: string;
  title: string;
  /** How the review names this side ("seed-p2", "v6.0/intel", "v6.0 (left)"). */
  name: string;
  events: number;
  edits: string[];
}

/** One side's event on a row. */
export interface RowHalf {
  index: number;
  kind: EventKind;
  /** The step as the kernel names it ("kvm_configure_mmu()"), or the event's title. */
  name: string;
  /** The function it ran in, in words ("kvm_init() at its out_irqfd label" while unwinding). */
  where: string | null;
  depth: number;
}

export interface CompareRow {
  kind: RowKind;
  moved: boolean;
  /** A moved row's other half. */
  partner: number | null;
  left: RowHalf | null;
  right: RowHalf | null;
  /** Events of each run applied once this row is: stepping the rows steps both runs. */
  leftStep: number;
  rightStep: number;
}

export interface CompareChange {
  kind: 'moved' | 'left-only' | 'right-only';
  /** The review's sentence for it. */
  text: string;
  rows: number[];
}

export interface CompareFinding {
  side: 'both' | 'left' | 'right';
  kind: FindingKind;
  message: string;
  /** The right side's wording when both have it but say it differently. */
  rightMessage: string | null;
  advice: string;
  links: Link[];
  /** The rows of the events the finding names, first the most relevant. */
  rows: number[];
}

export interface CompareView {
  sides: [CompareSide, CompareSide];
  rows: CompareRow[];
  /** Significant ordering changes, as the review lists them. */
  changes: CompareChange[];
  /** From `row` on (after it is applied), these cells differ; see stateDiffs(). */
  stateDiffs: { row: number; cells: CellDiff[] }[];
  firstDivergence: number | null;
  /** Cells that differ once both runs have finished. */
  final: CellDiff[];
  findings: CompareFinding[];
  /** The review as plain text, Markdown and a reply to send. */
  report: Record<CompareFormat, string>;
}

const side = (r: RunResult, name: string): CompareSide => ({
  kernel: r.scenario.kernel,
  vendor: r.scenario.vendor,
  title: r.variant.title,
  name,
  events: r.trace.length,
  edits: r.edits,
});

function half(r: RunResult, index: number | null): RowHalf | null {
  if (index === null) return null;
  const e = r.trace.events[index]!;
  return {
    index,
    kind: e.kind,
    name: eventName(e, r.variant),
    where: e.fn && placeWords(e.fn, e.label),
    depth: e.stack.length,
  };
}

export function sideBySide(c: Comparison): CompareView {
  const names = sideNames(c.left, c.right);
  const rowOf = [new Map<number, number>(), new Map<number, number>()] as const;
  let leftStep = 0;
  let rightStep = 0;
  const rows = c.rows.map((row, k): CompareRow => {
    if (row.left !== null) {
      rowOf[0].set(row.left, k);
      leftStep = row.left + 1;
    }
    if (row.right !== null) {
      rowOf[1].set(row.right, k);
      rightStep = row.right + 1;
    }
    return {
      kind: row.kind,
      moved: row.moved ?? false,
      partner: row.partner ?? null,
      left: half(c.left, row.left),
      right: half(c.right, row.right),
      leftStep,
      rightStep,
    };
  });
  const rowsOf = (f: Finding, s: 0 | 1) =>
    f.events.map((i) => rowOf[s].get(i)).filter((k) => k !== undefined);
  const finding = (
    where: CompareFinding['side'],
    f: Finding,
    s: 0 | 1,
    right: Finding | null = null,
  ): CompareFinding => ({
    side: where,
    kind: f.kind,
    message: f.message,
    rightMessage: right && right.message !== f.message ? right.message : null,
    advice: f.advice,
    links: f.links,
    rows: rowsOf(f, s),
  });
  return {
    sides: [side(c.left, names[0]), side(c.right, names[1])],
    rows,
    changes: c.ordering
      .filter((o) => o.significant)
      .map((o) => ({ kind: o.kind, text: changeSentence(o, names, c), rows: o.rows })),
    stateDiffs: c.stateDiffs.map((d) => ({ row: d.row, cells: d.cells })),
    firstDivergence: c.firstDivergence?.row ?? null,
    final: c.final,
    findings: [
      ...c.findings.both.map((b) => finding('both', b.left, 0, b.right)),
      ...c.findings.onlyLeft.map((f) => finding('left', f, 0)),
      ...c.findings.onlyRight.map((f) => finding('right', f, 1)),
    ],
    report: reviewOf(c),
  };
}

/** The cells that differ once `applied` rows have run (the last recorded difference before it). */
export function cellsAt(view: CompareView, applied: number): CellDiff[] {
  if (applied >= view.rows.length) return view.final;
  let cells: CellDiff[] = [];
  for (const d of view.stateDiffs) {
    if (d.row >= applied) break;
    cells = d.cells;
  }
  return cells;
}
