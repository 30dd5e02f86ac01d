import {
  closeCompare,
  openComparison,
  openCompare,
  setRightKernel,
  swapSides,
} from '../../state/compare';
import { THREAD_ARGUMENTS } from '../presets';
import { useAppStore } from '../../state/store';
import { VariantSelect } from '../VariantSelect';

/** The review thread's arguments, each opening the comparison that shows it. */
function ArgumentPicker() {
  return (
    <select
      aria-label="Arguments from the review thread"
      value=""
      onChange={(e) => {
        const a = THREAD_ARGUMENTS.find((x) => x.id === e.target.value);
        if (a) openComparison(a.left, a.right);
      }}
    >
      <option value="">Arguments from the thread…</option>
      {THREAD_ARGUMENTS.map((a) => (
        <option key={a.id} value={a.id}>
          {a.label}
        </option>
      ))}
    </select>
  );
}

/** "Compare…" in single mode; the right side's variant, Swap and Close in compare mode. */
export function CompareControls() {
  const view = useAppStore((s) => s.view);
  const right = useAppStore((s) => s.compareInput);
  const rightEdits = right?.edits?.length ?? 0;
  if (view !== 'compare' || !right)
    return (
      <>
        <button type="button" onClick={openCompare} title="Put another ordering side by side">
          Compare…
        </button>
        <ArgumentPicker />
      </>
    );
  return (
    <div className="compare-controls" role="group" aria-label="Compare with">
      <label>
        Compare with
        <VariantSelect
          label="Right kernel variant"
          value={right.kernel}
          onChange={setRightKernel}
        />
      </label>
      {rightEdits > 0 && (
        <span className="aside">
          with {rightEdits} ordering edit{rightEdits > 1 ? 's' : ''}
        </span>
      )}
      <button type="button" onClick={swapSides} title="Edit the right side's ordering instead">
        Swap sides
      </button>
      <button type="button" onClick={closeCompare}>
        Close comparison
      </button>
      <ArgumentPicker />
    </div>
  );
}
