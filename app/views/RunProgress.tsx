import { useEffect, useState } from 'react';
import { cancelRun } from '../state/runner';
import { useAppStore } from '../state/store';

/** A run still going after this long shows its progress and a Cancel button. */
export const SHOW_PROGRESS_AFTER_MS = 300;

/** The progress of a run that takes a while, with a way to stop it. */
export function RunProgress() {
  const runId = useAppStore((s) => (s.run.status === 'running' ? s.run.runId : null));
  const progress = useAppStore((s) => s.run.progress);
  const [shownFor, setShownFor] = useState<number | null>(null);
  useEffect(() => {
    if (runId === null) return;
    const timer = setTimeout(() => setShownFor(runId), SHOW_PROGRESS_AFTER_MS);
    return () => clearTimeout(timer);
  }, [runId]);
  if (runId === null || shownFor !== runId) return null;
  const percent = Math.floor(progress * 100);
  return (
    <div className="notice info run-progress" role="status">
      <label>
        Running the scenario… {percent}% <progress max={100} value={percent} />
      </label>{' '}
      <button type="button" onClick={cancelRun}>
        Cancel
      </button>
    </div>
  );
}
