/**
 * Compare mode as a standalone SVG (and PNG): the two sides' aligned steps with the
 * current row marked, the ordering changes, the state differences at that row and
 * the findings by side. Same plain drawing as the single view's export.
 */
import type { CompareView, RowHalf } from '../engine/view';
import { cellsAt, shownValue } from '../engine/viewDetails';
import { C, Canvas, W } from './exportView';

const ROW_H = 15;
const KIND_FILL = { same: '#ffffff', 'left-only': '#fbecd9', 'right-only': '#e3ecfa' };

/** A step's name indented by call depth (SVG collapses leading spaces). */
function half(c: Canvas, x: number, h: RowHalf | null) {
  if (h) c.text(x + Math.max(0, h.depth - 1) * 6, c.y, h.name, { size: 10, mono: true });
}

export function renderCompareSvg(view: CompareView, row: number): string {
  const [left, right] = view.sides;
  const c = new Canvas();
  c.y = 28;
  c.text(16, c.y, `Patch-ordering review: ${left.name} vs ${right.name}`, {
    size: 18,
    weight: 'bold',
  });
  c.y += 20;
  c.text(16, c.y, `${left.title} · ${right.title} · row ${row} of ${view.rows.length}`, {
    color: C.muted,
  });

  c.heading('Aligned steps');
  const width = (W - 32 - 60) / 2;
  c.y += 14;
  c.text(56, c.y, `Left: ${left.name}`, { weight: 'bold', size: 11 });
  c.text(56 + width + 30, c.y, `Right: ${right.name}`, { weight: 'bold', size: 11 });
  view.rows.forEach((r, k) => {
    const top = c.y + 4;
    c.rect(16, top, W - 32, ROW_H, k + 1 === row ? '#fff4c2' : KIND_FILL[r.kind]);
    c.y += ROW_H;
    const mark = r.kind === 'same' ? '' : r.moved ? '⇄' : r.kind === 'left-only' ? '−' : '+';
    c.text(44, c.y, String(k + 1), { size: 10, color: C.muted, anchor: 'end' });
    half(c, 56, r.left);
    c.text(56 + width + 12, c.y, mark, { size: 10, color: C.on, anchor: 'middle' });
    half(c, 56 + width + 30, r.right);
  });

  c.heading(`Ordering (${view.changes.length} differences)`);
  for (const ch of view.changes) c.lines(16, `row ${ch.rows[0]! + 1}: ${ch.text}`);

  const cells = cellsAt(view, row);
  c.heading(row >= view.rows.length ? 'State at the end' : `State after row ${row}`);
  if (!cells.length) c.lines(16, 'The MMU state is the same on both sides.', { color: C.muted });
  for (const d of cells)
    c.lines(
      16,
      `${d.key}: ${left.name} ${shownValue(d, d.left)}, ${right.name} ${shownValue(d, d.right)}`,
    );

  c.heading(`Findings (${view.findings.length})`);
  if (!view.findings.length) c.lines(16, 'The checker finds nothing on either side.');
  for (const f of view.findings) {
    const where =
      f.side === 'both' ? 'in both' : `only in ${f.side === 'left' ? left.name : right.name}`;
    c.lines(16, `${where}: [${f.kind}] ${f.message}`, { color: C.bad });
  }
  return c.svg();
}
