import { memo, useState } from 'react';
import { shownMessage, type EditAttribution, type Finding } from '../../engine/view';
import { jumpToEvent } from '../../state/actions';
import { useAppStore } from '../../state/store';
import { selectAttribution } from '../../state/valueHistory';
import { Term } from '../Glossary';
import { Advice, FindingSourceLine, KIND_LABEL, kindSummary } from './findingParts';
import './findings.css';

/** Findings shown before "Show all": a long list would push the panes below out of sight. */
const FOLDED_COUNT = 3;

const FindingItem = memo(function FindingItem({
  finding: f,
  folded,
  index,
  attribution,
  edits,
}: {
  finding: Finding;
  /** Hidden while the list is folded, unless the step is at one of its events. */
  folded: boolean;
  index: number;
  attribution: EditAttribution | { error: string } | null;
  edits: string[];
}) {
  // Only this item re-renders when the step enters or leaves one of its events.
  const current = useAppStore((s) => f.events.includes(s.step - 1));
  return (
    <li
      className={`finding ${f.kind}`}
      data-kind={f.kind}
      aria-current={current ? 'true' : undefined}
      hidden={folded && !current}
    >
      <div className="finding-head">
        <span className="kind">
          <Term name={f.kind}>{KIND_LABEL[f.kind]}</Term>
        </span>
        <span className="at">
          {f.events.length > 1 && 'steps '}
          {f.events.map((e, i) => (
            <button
              key={i}
              type="button"
              onClick={() => jumpToEvent(e)}
              aria-label={i === 0 ? `Go to step ${e + 1}` : `Go to step ${e + 1}, also involved`}
            >
              {f.events.length > 1 ? e + 1 : `Go to step ${e + 1}`}
            </button>
          ))}
        </span>
      </div>
      <p>{shownMessage(f.message)}</p>
      <FindingSourceLine attribution={attribution} index={index} edits={edits} />
      <Advice advice={f.advice} links={f.links} />
    </li>
  );
});

export function FindingsPane({ className }: { className: string }) {
  const findings = useAppStore((s) => s.run.findings);
  const notes = useAppStore((s) => s.run.notes);
  const edits = useAppStore((s) => s.run.edits);
  const status = useAppStore((s) => s.run.status);
  const [showAll, setShowAll] = useState(false);
  const foldable = findings.length > FOLDED_COUNT;
  const attribution = useAppStore(selectAttribution);
  return (
    <section className={`panel findings ${className}`} aria-label="Findings">
      <h2>
        Findings{' '}
        <span className="aside">
          {status === 'done' ? `${findings.length} found` : status === 'running' ? 'checking…' : ''}
        </span>
      </h2>
      {status === 'done' && findings.length === 0 && (
        <p className="none">No ordering hazard in this run.</p>
      )}
      {foldable && <p className="summary">{kindSummary(findings.map((f) => f.kind))}</p>}
      <ol className="finding-list">
        {findings.map((f, i) => (
          <FindingItem
            key={i}
            finding={f}
            folded={foldable && !showAll && i >= FOLDED_COUNT}
            index={i}
            attribution={attribution}
            edits={edits}
          />
        ))}
      </ol>
      {foldable && (
        <button
          type="button"
          className="show-all"
          aria-expanded={showAll}
          onClick={() => setShowAll(!showAll)}
        >
          {showAll ? `Show the first ${FOLDED_COUNT}` : `Show all ${findings.length} findings`}
        </button>
      )}
      {edits.length > 0 && (
        <>
          <h3>Ordering edits</h3>
          <ul className="notes">
            {edits.map((e, i) => (
              <li key={i}>{shownMessage(e)}</li>
            ))}
          </ul>
        </>
      )}
      {notes.length > 0 && (
        <>
          <h3>Notes</h3>
          <ul className="notes">
            {notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
