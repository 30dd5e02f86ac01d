import { shownMessage } from '../engine/view';
import { showNotice } from '../state/actions';
import { useAppStore } from '../state/store';
import { RunProgress } from './RunProgress';

/** What the user should know about the current run: errors in the scenario, a long run, a stopped engine. */
export function Notices() {
  const status = useAppStore((s) => s.run.status);
  const error = useAppStore((s) => s.run.error);
  const hasTrace = useAppStore((s) => s.run.trace !== null);
  const notice = useAppStore((s) => s.notice);
  return (
    <div aria-live="polite">
      <RunProgress />
      {notice && (
        <div className="notice info" role="status">
          {shownMessage(notice)}{' '}
          <button type="button" onClick={() => showNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      {status === 'cancelled' && error && (
        <div className="notice info" role="status">
          {shownMessage(error)}.
        </div>
      )}
      {(status === 'invalid' || status === 'failed') && error && (
        <div className="notice error" role="alert">
          {shownMessage(error)}
          {hasTrace && status === 'invalid' ? ' — showing the last scenario that ran.' : ''}
        </div>
      )}
    </div>
  );
}
