import {
  sourceLabel,
  sourceUrl,
  stepLabel,
  type FunctionDef,
  type StepDef,
  type TraceEvent,
} from '../../engine/view';
import { selectEvent } from '../../state/selectors';
import { useAppStore } from '../../state/store';
import { PHASE_LABEL } from '../Timeline';
import './callstack.css';

function StepList({ steps, current }: { steps: StepDef[]; current: string | null }) {
  return (
    <ol className="steps">
      {steps.map((s) => (
        <li
          key={s.id}
          aria-current={s.id === current ? 'step' : undefined}
          className={s.id === current ? 'current' : undefined}
        >
          <code>{stepLabel(s)}</code>
          {s.when && <span className="when"> if ({s.when})</span>}
          {s.onError && s.onError !== 'return' && <span className="goto"> → {s.onError}</span>}
        </li>
      ))}
    </ol>
  );
}

function Listing({ fn, event }: { fn: FunctionDef; event: TraceEvent }) {
  const current = event.stepId;
  return (
    <div className="listing" aria-label={`Steps of ${fn.name}`}>
      <StepList steps={fn.body} current={current} />
      {fn.labels.map((l) => (
        <div key={l.name} className={event.label === l.name ? 'label active' : 'label'}>
          <code>{l.name}:</code>
          {l.steps.length ? (
            <StepList steps={l.steps} current={current} />
          ) : (
            <div className="empty">return</div>
          )}
        </div>
      ))}
    </div>
  );
}

export function CallStackPane({ className }: { className: string }) {
  const event = useAppStore(selectEvent);
  const functions = useAppStore((s) => s.run.variant?.functions);
  const fn = event?.fn ? functions?.[event.fn] : undefined;
  return (
    <section className={`panel callstack ${className}`} aria-label="Call stack">
      <h2>
        Call stack
        {event && (
          <span className="aside">
            <span
              className="phase"
              style={{ ['--swatch' as string]: `var(--phase-${event.phase})` }}
            >
              {PHASE_LABEL[event.phase]}
            </span>{' '}
            {event.origin !== 'common' && (
              <span className={`badge ${event.origin}`}>
                {event.origin === 'reset' ? 'reset' : event.origin.toUpperCase()}
              </span>
            )}
          </span>
        )}
      </h2>
      {!event ? (
        <p className="idle">Nothing has run yet. Step forward to load kvm.ko.</p>
      ) : (
        <>
          <ol className="frames">
            {event.stack.map((name, depth) => {
              const def = functions?.[name];
              return (
                <li key={`${depth}-${name}`} style={{ paddingLeft: depth * 10 }}>
                  {def ? (
                    <a
                      href={sourceUrl(def.src)}
                      target="_blank"
                      rel="noreferrer"
                      title={sourceLabel(def.src)}
                    >
                      {name}()
                    </a>
                  ) : (
                    <code>{name}</code>
                  )}
                  {event.frameLabels[depth] && (
                    <code className="goto"> @{event.frameLabels[depth]}</code>
                  )}
                </li>
              );
            })}
          </ol>
          <div className="explain">
            <div className="title">
              <code>{event.title}</code>
              {event.errno && (
                <span className="errno">
                  -{event.errno}
                  {event.injected ? ' (injected)' : ''}
                </span>
              )}
            </div>
            <p>{event.text}</p>
            {event.detail && <p className="detail">{event.detail}</p>}
            {event.warn && <p className="warn">⚠ {event.warn}</p>}
            {event.doubleFree && <p className="warn">✖ {event.doubleFree}</p>}
            {event.overwrote && <p className="warn">✖ {event.overwrote}</p>}
            {(event.reads.length > 0 || event.writes.length > 0) && (
              <p className="footprint">
                {event.reads.length > 0 && (
                  <>
                    reads <code>{event.reads.join(', ')}</code>;{' '}
                  </>
                )}
                {event.writes.length > 0 && (
                  <>
                    writes <code>{event.writes.join(', ')}</code>
                  </>
                )}
              </p>
            )}
            {event.src && (
              <p className="source">
                Source:{' '}
                <a href={sourceUrl(event.src)} target="_blank" rel="noreferrer">
                  {sourceLabel(event.src)}
                </a>
              </p>
            )}
          </div>
          {fn && <Listing fn={fn} event={event} />}
        </>
      )}
    </section>
  );
}
