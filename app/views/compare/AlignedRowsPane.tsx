import { memo, useEffect, useRef } from 'react';
import { shownMessage, type CompareRow, type RowHalf } from '../../engine/view';
import { seek } from '../../state/actions';
import { useAppStore } from '../../state/store';
import { KIND_LABEL } from '../panes/findingParts';

const KIND_TEXT = {
  same: 'on both sides',
  'left-only': 'only on the left',
  'right-only': 'only on the right',
};

/** A step's name, indented by call depth; where it runs is shown on rows that differ. */
function Half({ half, showWhere }: { half: RowHalf | null; showWhere: boolean }) {
  if (!half) return <span className="half empty" />;
  return (
    <span
      className={`half ${half.kind}`}
      style={{ paddingLeft: `${Math.max(0, half.depth - 1) * 8}px` }}
      title={half.where ? `${half.name} in ${half.where}` : half.name}
    >
      <span className="name">{half.name}</span>
      {showWhere && half.where && <span className="where">in {half.where}</span>}
    </span>
  );
}

/** Scrolls the rows (never the page) just enough to show `row` below the sticky header. */
function keepInView(row: HTMLElement): void {
  const box = row.closest('.aligned-scroll');
  if (!box) return;
  const head = box.querySelector('thead')?.offsetHeight ?? 0;
  const top = row.offsetTop - head;
  const bottom = row.offsetTop + row.offsetHeight - box.clientHeight;
  if (box.scrollTop > top) box.scrollTop = top;
  else if (box.scrollTop < bottom) box.scrollTop = bottom;
}

interface RowProps {
  row: CompareRow;
  index: number;
  divergence: string | null;
  findings: string | null;
}

const halfKey = (h: RowHalf | null) => (h ? `${h.kind}|${h.name}|${h.where}|${h.depth}` : '');

/**
 * React keys for the rows, by what they show (the nth row showing the same), so that
 * an edit which shifts a block of rows moves the rows around it instead of rewriting
 * every row of the block in place.
 */
function rowKeys(rows: readonly CompareRow[]): string[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const base = `${halfKey(r.left)}#${halfKey(r.right)}`;
    const nth = seen.get(base) ?? 0;
    seen.set(base, nth + 1);
    return `${base}#${nth}`;
  });
}

/** Rows are new objects in every comparison; most of them read the same after an edit. */
const sameProps = (a: RowProps, b: RowProps) =>
  a.index === b.index &&
  a.divergence === b.divergence &&
  a.findings === b.findings &&
  (a.row === b.row ||
    (a.row.kind === b.row.kind &&
      a.row.moved === b.row.moved &&
      halfKey(a.row.left) === halfKey(b.row.left) &&
      halfKey(a.row.right) === halfKey(b.row.right)));

/**
 * One aligned row. It re-renders when it becomes or stops being the current one, or
 * when a new comparison changes what it shows (not merely its identity).
 */
const Row = memo(function Row({ row, index, divergence, findings }: RowProps) {
  const current = useAppStore((s) => s.compareRow === index + 1);
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (current && ref.current) keepInView(ref.current);
  }, [current]);
  const what = `${row.moved ? 'moved, ' : ''}${KIND_TEXT[row.kind]}`;
  return (
    <tr
      ref={ref}
      className={`row ${row.kind}${row.moved ? ' moved' : ''}`}
      data-row={index + 1}
      data-kind={row.kind}
      aria-current={current ? 'step' : undefined}
      onClick={() => seek(index + 1)}
    >
      <th scope="row">
        <button
          type="button"
          aria-label={`Go to row ${index + 1}: ${(row.left ?? row.right)!.name}, ${what}`}
          onClick={(e) => {
            e.stopPropagation();
            seek(index + 1);
          }}
        >
          {index + 1}
        </button>
      </th>
      <td>
        <Half half={row.left} showWhere={row.kind !== 'same'} />
      </td>
      <td className="mark" title={what}>
        {row.kind === 'same' ? '' : row.moved ? '⇄' : row.kind === 'left-only' ? '−' : '+'}
        {divergence && (
          <span className="diverges" title={divergence}>
            ≠
          </span>
        )}
        {findings && (
          <span className="finding-mark" title={findings}>
            !
          </span>
        )}
      </td>
      <td>
        <Half half={row.right} showWhere={row.kind !== 'same'} />
      </td>
    </tr>
  );
}, sameProps);

/** The two traces side by side, the same kernel action on the same row. */
export function AlignedRowsPane({ className }: { className: string }) {
  const comparison = useAppStore((s) => s.comparison);
  const view = comparison.view;
  const divergence = new Map<number, string>();
  for (const d of view?.stateDiffs ?? [])
    divergence.set(
      d.row,
      d.cells.length
        ? `After this row: ${d.cells.map((c) => c.key).join(', ')} differ`
        : 'After this row the states agree again',
    );
  const findingRows = new Map<number, string[]>();
  for (const f of view?.findings ?? [])
    for (const r of f.rows) findingRows.set(r, [...(findingRows.get(r) ?? []), KIND_LABEL[f.kind]]);
  const keys = view ? rowKeys(view.rows) : [];
  return (
    <section
      className={`panel aligned ${className}`}
      aria-label="Aligned steps"
      data-status={comparison.status}
      data-comparison-id={comparison.id}
    >
      <h2>
        Aligned steps{' '}
        <span className="aside">
          {comparison.status === 'running' ? 'comparing…' : view ? `${view.rows.length} rows` : ''}
        </span>
      </h2>
      {comparison.error && (
        <p className="notice error" role="alert">
          {shownMessage(comparison.error)}
        </p>
      )}
      {view && (
        <div className="aligned-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Row</span>
                </th>
                <th scope="col">Left: {view.sides[0].name}</th>
                <th scope="col">
                  <span className="visually-hidden">Difference</span>
                </th>
                <th scope="col">Right: {view.sides[1].name}</th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((row, k) => (
                <Row
                  key={keys[k]}
                  row={row}
                  index={k}
                  divergence={divergence.get(k) ?? null}
                  findings={
                    findingRows.has(k) ? `Findings: ${findingRows.get(k)!.join(', ')}` : null
                  }
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
