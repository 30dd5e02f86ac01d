import type { CellDiff } from '../../engine/view';
import { cellsAt, shownValue } from '../../engine/viewDetails';
import { seek } from '../../state/actions';
import { useAppStore } from '../../state/store';

const SECTION_LABEL: Record<CellDiff['section'], string> = {
  masks: 'mask',
  config: 'config',
  caches: 'kmem cache',
  lifecycle: 'counter',
  modules: 'module',
};

/** What differs: the ordering (whole runs), and the MMU state at the current row. */
export function DifferencesPane({ className }: { className: string }) {
  const view = useAppStore((s) => s.comparison.view);
  const row = useAppStore((s) => s.compareRow);
  if (!view)
    return <section className={`panel differences ${className}`} aria-label="Differences" />;
  const cells = cellsAt(view, row);
  const [left, right] = view.sides;
  const atEnd = row >= view.rows.length;
  return (
    <section className={`panel differences ${className}`} aria-label="Differences">
      <h2>
        Ordering{' '}
        <span className="aside">
          {view.changes.length} difference{view.changes.length === 1 ? '' : 's'}
        </span>
      </h2>
      {view.changes.length === 0 ? (
        <p className="none">Both run the same MMU steps in the same order.</p>
      ) : (
        <ul className="changes">
          {view.changes.map((c, i) => (
            <li key={i} className={c.kind}>
              <button type="button" onClick={() => seek(c.rows[0]! + 1)}>
                row {c.rows[0]! + 1}
              </button>{' '}
              {c.text}
            </li>
          ))}
        </ul>
      )}
      <h2>
        State {atEnd ? 'at the end' : `after row ${row}`}
        {view.firstDivergence !== null && (
          <button
            type="button"
            className="link-like"
            onClick={() => seek(view.firstDivergence! + 1)}
          >
            first differs at row {view.firstDivergence + 1}
          </button>
        )}
      </h2>
      {cells.length === 0 ? (
        <p className="none">The MMU state is the same on both sides.</p>
      ) : (
        <table className="cells" aria-label="State differences">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">{left.name}</th>
              <th scope="col">{right.name}</th>
            </tr>
          </thead>
          <tbody>
            {cells.map((c) => (
              <tr key={`${c.section}:${c.key}`} data-cell={c.key}>
                <th scope="row">
                  <span className="section">{SECTION_LABEL[c.section]}</span> <code>{c.key}</code>
                </th>
                <td>{shownValue(c, c.left)}</td>
                <td>{shownValue(c, c.right)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
