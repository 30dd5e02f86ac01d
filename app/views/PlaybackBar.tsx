import { setSpeed } from '../state/actions';
import { commandById } from '../state/commands';
import { selectTraceLength } from '../state/selectors';
import { useAppStore } from '../state/store';
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
  const step = useAppStore((s) => s.step);
  const length = useAppStore(selectTraceLength);
  const speed = useAppStore((s) => s.speed);
  const running = useAppStore((s) => s.run.status === 'running');
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
          step {step} / {length}
          {running ? ' …' : ''}
        </span>
      </div>
      <Timeline />
    </section>
  );
}
