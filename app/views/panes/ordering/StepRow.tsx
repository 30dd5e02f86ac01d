import { memo, useState, type DragEvent, type KeyboardEvent } from 'react';
import { stepLabel, type StepDef } from '../../../engine/view';
import { applyEdit } from '../../../state/edits';
import { useFunctions } from './containers';

/** Where a row sits: its container (function body or error label) and its index there. */
export interface RowPlace {
  key: string;
  index: number;
  /** Steps in the container. */
  length: number;
}

/** The engine's index for "insert before position `at` of `key`", once the step has left its old place. */
function engineIndex(from: { key: string; index: number }, key: string, at: number): number {
  return from.key === key && from.index < at ? at - 1 : at;
}

/** Which half of the row the pointer is over: drop before or after it. */
function halfOf(e: DragEvent): 'before' | 'after' {
  const r = e.currentTarget.getBoundingClientRect();
  return e.clientY < r.top + r.height / 2 ? 'before' : 'after';
}

let dragged: { id: string; key: string; index: number } | null = null;

/** Drops the dragged step at `index` of container `key`, unless that is where it was. */
export function dropAt(key: string, index: number): void {
  const from = dragged;
  dragged = null;
  if (!from) return;
  const at = engineIndex(from, key, index);
  if (from.key === key && from.index === at) return;
  void applyEdit({ move: from.id, to: key, index: at });
}

export const isDragging = (): boolean => dragged !== null;

function MoveForm({ step, onDone }: { step: StepDef; onDone: () => void }) {
  const { containers } = useFunctions();
  const [target, setTarget] = useState(containers[0]!.key);
  const container = containers.find((c) => c.key === target) ?? containers[0]!;
  const others = container.steps.filter((s) => s.id !== step.id);
  const [position, setPosition] = useState(others.length);
  const at = Math.min(position, others.length);
  return (
    <form
      className="move-form"
      onSubmit={(e) => {
        e.preventDefault();
        void applyEdit({ move: step.id, to: container.key, index: at }).then(onDone);
      }}
    >
      <label>
        into
        <select aria-label="Move into" value={target} onChange={(e) => setTarget(e.target.value)}>
          {containers.map((c) => (
            <option key={c.key} value={c.key}>
              {c.label ? `${c.fn} @${c.label}` : `${c.fn}()`}
            </option>
          ))}
        </select>
      </label>
      <label>
        position
        <select
          aria-label="Position"
          value={at}
          onChange={(e) => setPosition(Number(e.target.value))}
        >
          <option value={0}>at the start</option>
          {others.map((s, i) => (
            <option key={s.id} value={i + 1}>
              after {stepLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Move</button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

function StepRowView({ step, place }: { step: StepDef; place: RowPlace }) {
  const [moving, setMoving] = useState(false);
  const [hint, setHint] = useState<'before' | 'after' | null>(null);
  const label = stepLabel(step);
  const goto =
    step.onError && step.onError !== 'return' && step.onError !== 'continue' ? step.onError : null;
  const onKeyDown = (e: KeyboardEvent<HTMLLIElement>) => {
    if (e.target !== e.currentTarget || !e.altKey) return;
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    const at = e.key === 'ArrowUp' ? place.index - 1 : place.index + 1;
    if (at < 0 || at >= place.length) return;
    void applyEdit({ move: step.id, to: place.key, index: at });
  };
  return (
    <li
      className={`step-row ${hint ?? ''}`}
      data-step={step.id}
      tabIndex={0}
      draggable
      aria-label={goto ? `${label}, on error go to ${goto}` : label}
      aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
      onKeyDown={onKeyDown}
      onDragStart={(e) => {
        dragged = { id: step.id, key: place.key, index: place.index };
        e.dataTransfer.setData('text/plain', step.id);
        e.dataTransfer.effectAllowed = 'move';
      }}
      onDragOver={(e) => {
        if (!dragged) return;
        e.preventDefault();
        setHint(halfOf(e));
      }}
      onDragLeave={() => setHint(null)}
      onDrop={(e) => {
        e.preventDefault();
        setHint(null);
        // From the drop itself: the last dragover's re-render may not have happened yet.
        dropAt(place.key, halfOf(e) === 'before' ? place.index : place.index + 1);
      }}
    >
      <span className="grip" aria-hidden="true">
        ⠿
      </span>
      <code title={step.id}>{label}</code>
      {goto && <span className="goto">→ {goto}</span>}
      <span className="row-actions">
        <button type="button" onClick={() => setMoving((m) => !m)} aria-label={`Move ${label} to…`}>
          Move…
        </button>
        <button
          type="button"
          onClick={() => void applyEdit({ remove: step.id })}
          aria-label={`Remove ${label}`}
        >
          Remove
        </button>
      </span>
      {moving && <MoveForm step={step} onDone={() => setMoving(false)} />}
    </li>
  );
}

/**
 * Every run brings a fresh copy of the variant, so rows compare what they show:
 * only the rows an edit actually moved re-render.
 */
/** Whether two copies of a step show the same row (what else a step holds does not reach it). */
export const sameRowStep = (a: StepDef, b: StepDef): boolean =>
  a.id === b.id && a.onError === b.onError && stepLabel(a) === stepLabel(b);

export const StepRow = memo(
  StepRowView,
  (a, b) =>
    sameRowStep(a.step, b.step) &&
    a.place.key === b.place.key &&
    a.place.index === b.place.index &&
    a.place.length === b.place.length,
);
