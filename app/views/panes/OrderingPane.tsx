import { memo } from 'react';
import { shownMessage } from '../../engine/view';
import { jumpToEvent } from '../../state/actions';
import { redoEdit, resetEdits, undoEdit } from '../../state/edits';
import { useAppStore } from '../../state/store';
import { selectAttribution } from '../../state/valueHistory';
import { FindingSourceLine, KIND_LABEL } from './findingParts';
import { containersOf, useFunctions, type Container } from './ordering/containers';
import { keepFocusOnMove } from './ordering/keepFocusOnMove';
import { dropAt, isDragging, sameRowStep, StepRow } from './ordering/StepRow';
import './ordering.css';

function ContainerListView({ container }: { container: Container }) {
  const length = container.steps.length;
  return (
    <ol
      ref={keepFocusOnMove}
      className="step-list"
      aria-label={
        container.label ? `${container.fn} error label ${container.label}` : `${container.fn} body`
      }
      onDragOver={(e) => {
        if (isDragging() && length === 0) e.preventDefault();
      }}
      onDrop={(e) => {
        if (length) return;
        e.preventDefault();
        dropAt(container.key, 0);
      }}
    >
      {container.steps.map((s, index) => (
        <StepRow key={s.id} step={s} place={{ key: container.key, index, length }} />
      ))}
      {length === 0 && <li className="empty">(empty: drop a step here)</li>}
    </ol>
  );
}

/**
 * Every run brings a fresh copy of the variant, so a list compares the rows it shows: an
 * edit re-renders the one or two lists it changed, not every function's.
 */
const ContainerList = memo(
  ContainerListView,
  ({ container: a }, { container: b }) =>
    a.key === b.key &&
    a.steps.length === b.steps.length &&
    a.steps.every((s, i) => sameRowStep(s, b.steps[i]!)),
);

/** Functions worth opening at first: the MMU's and the vendor's hardware setup. */
const openAtFirst = (name: string, owner: string) =>
  owner === 'kvm'
    ? name.includes('mmu') || name.startsWith('kvm_arch') || name.includes('vendor_init')
    : name.includes('hardware_setup');

/** The run's findings, each with the edit that produced it (the findings pane has the whole story). */
function EditFindings({ edits }: { edits: string[] }) {
  const findings = useAppStore((s) => s.run.findings);
  const done = useAppStore((s) => s.run.status === 'done');
  const attribution = useAppStore(selectAttribution);
  if (!done) return null;
  if (!findings.length) return <p className="edit-findings none">These edits cause no finding.</p>;
  return (
    <details className="edit-findings-box" open>
      <summary>
        {findings.length} finding{findings.length === 1 ? '' : 's'}, and the edits behind them
      </summary>
      <ol className="edit-findings" aria-label="Which edit produced each finding">
        {findings.map((f, i) => (
          <li key={i} data-kind={f.kind}>
            <span className="kind">{KIND_LABEL[f.kind]}</span>{' '}
            <button type="button" onClick={() => jumpToEvent(f.events[0]!)}>
              step {f.events[0]! + 1}
            </button>
            <FindingSourceLine attribution={attribution} index={i} edits={edits} />
          </li>
        ))}
      </ol>
      {attribution && 'untestable' in attribution && attribution.untestable.length > 0 && (
        <ul className="edit-untestable" aria-label="Edits that cannot be dropped alone">
          {attribution.untestable.map((u) => (
            <li key={u.edit}>
              Edit {u.edit + 1} cannot be dropped alone to test it: {u.reason}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

export function OrderingPane({ className }: { className: string }) {
  const descriptions = useAppStore((s) => s.run.edits);
  const canUndo = useAppStore((s) => s.editUndo.length > 0);
  const canRedo = useAppStore((s) => s.editRedo.length > 0);
  const { functions } = useFunctions();
  return (
    <section className={`panel ordering ${className}`} aria-label="Ordering">
      <h2>
        Ordering
        <span className="aside">
          <button type="button" onClick={undoEdit} disabled={!canUndo}>
            Undo
          </button>
          <button type="button" onClick={redoEdit} disabled={!canRedo}>
            Redo
          </button>
          <button type="button" onClick={resetEdits} disabled={descriptions.length === 0}>
            Reset
          </button>
        </span>
      </h2>
      <p className="hint">
        Drag a step to another place, or focus it and press <kbd>Alt</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd>
        ; “Move…” puts it into another function or error label. Every edit re-runs and re-checks at
        once.
      </p>
      {descriptions.length > 0 && (
        <>
          <ol className="edit-list" aria-label="Edits">
            {descriptions.map((d, i) => (
              <li key={i}>{shownMessage(d)}</li>
            ))}
          </ol>
          <EditFindings edits={descriptions} />
        </>
      )}
      {functions.map((f) => (
        <details key={f.name} className="fn" open={openAtFirst(f.name, f.owner)}>
          <summary>
            <code>{f.name}()</code> <span className="file">{f.file.split('/').pop()}</span>
          </summary>
          {containersOf(f).map((c) => (
            <div key={c.key} className={c.label ? 'label-block' : undefined}>
              {c.label && <code className="label-name">{c.label}:</code>}
              <ContainerList container={c} />
            </div>
          ))}
        </details>
      ))}
    </section>
  );
}
