import { shownMessage, type CompareFinding } from '../../engine/view';
import { seek } from '../../state/actions';
import { useAppStore } from '../../state/store';
import { Advice, KIND_LABEL } from '../panes/findingParts';
import '../panes/findings.css';

/** Each side's findings, said by where they are: in both, only on the left, only on the right. */
export function CompareFindingsPane({ className }: { className: string }) {
  const view = useAppStore((s) => s.comparison.view);
  const findings = view?.findings ?? [];
  const names = view?.sides.map((s) => s.name) ?? ['left', 'right'];
  const where = (f: CompareFinding) =>
    f.side === 'both'
      ? 'in both'
      : f.side === 'left'
        ? `only on the left (${names[0]})`
        : `only on the right (${names[1]})`;
  return (
    <section className={`panel findings ${className}`} aria-label="Findings">
      <h2>
        Findings <span className="aside">{view ? `${findings.length} found` : ''}</span>
      </h2>
      {view && findings.length === 0 && (
        <p className="none">The checker finds nothing on either side.</p>
      )}
      <ol className="finding-list">
        {findings.map((f, i) => (
          <li key={i} className={`finding ${f.kind}`} data-kind={f.kind} data-side={f.side}>
            <div className="finding-head">
              <span className="kind">
                {KIND_LABEL[f.kind]} <span className="side">{where(f)}</span>
              </span>
              {f.rows.length > 0 && (
                <button type="button" onClick={() => seek(f.rows[0]! + 1)}>
                  Go to row {f.rows[0]! + 1}
                </button>
              )}
            </div>
            <p>
              {where(f)}: {shownMessage(f.message)}
            </p>
            {f.rightMessage && <p>On the right: {shownMessage(f.rightMessage)}</p>}
            <Advice advice={f.advice} links={f.links} />
          </li>
        ))}
      </ol>
    </section>
  );
}
