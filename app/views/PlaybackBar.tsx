import { setSpeed } from '../state/actions';
import { commandById } from '../state/commands';
import { selectCursor, selectCursorComplete, selectCursorLength } from '../state/selectors';
import { useAppStore } from '../state/store';
import { RowTimeline } from './compare/RowTimeline';
import { Timeline } from './Timeline';

const SPEEDS = [1, 2, 4, 8, 16, 32, 64];

function CommandButton({ id, disabled }: { id: string; disabled?: boolean }) {
  const cmd = commandById(id);
  const label = useAppStore((s) => cmd.label(s));
  return (
    <button
      type="button"
      onClick={cmd.run}
      disabled={disabled}
      title={`${label} (${cmd.keyLabel})`}
    >
      {label}
    </button>
  );
}

export function PlaybackBar() {
  const step = useAppStore(selectCursor);
  const length = useAppStore(selectCursorLength);
  const speed = useAppStore((s) => s.speed);
  const running = useAppStore((s) => !selectCursorComplete(s));
  // In compare mode the cursor moves through aligned rows, and both runs with it.
  const compare = useAppStore((s) => (s.view === 'compare' ? s.comparison.view : null));
  const unit = compare ? 'row' : 'step';
  return (
    <section className="playback" aria-label="Playback">
      <div className="playback-buttons">
        <CommandButton id="restart" disabled={step === 0} />
        <CommandButton id="back" disabled={step === 0} />
        <CommandButton id="play" disabled={length === 0} />
        <CommandButton id="forward" disabled={step >= length} />
        <label>
          <span className="visually-hidden">Speed</span>
          <select
            value={speed}
            onChange={(e) => setSpeed(Number(e.target.value))}
            aria-label="Speed"
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s} steps/s
              </option>
            ))}
          </select>
        </label>
        <span className="position" aria-live="off">
          {unit} {step} / {length}
          {running ? ' …' : ''}
        </span>
      </div>
      {compare ? <RowTimeline view={compare} /> : <Timeline />}
    </section>
  );
}
