import {
  sourceLabel,
  sourceUrl,
  stepLabel,
  type FunctionDef,
  type Source,
  type StepDef,
  type TraceEvent,
} from '../../engine/view';
import { selectEvent } from '../../state/selectors';
import { useAppStore } from '../../state/store';
import { termProps } from '../Glossary';
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
          {s.ifError && <span className="when"> if (r)</span>}
          {s.onError && s.onError !== 'return' && s.onError !== 'continue' && (
            <span className="goto"> → {s.onError}</span>
          )}
        </li>
      ))}
    </ol>
  );
}

function Listing({ fn, event }: { fn: FunctionDef; event: TraceEvent }) {
  const current = event.stepId;
  return (
    // It scrolls on its own, so it takes focus for keyboard scrolling, as a named region.
    <div className="listing" role="region" tabIndex={0} aria-label={`Steps of ${fn.name}`}>
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

/**
 * What a step's link points at, in words a kernel reviewer expects: the line of its own
 * call (or statement) at the variant's tree; where it has none, its function's definition;
 * for code only a patch has, the patch.
 */
function sourceCaption(event: TraceEvent, fn: FunctionDef | undefined, src: Source): string {
  if (src.kind !== 'kernel') return 'From';
  const own =
    !fn ||
    fn.src.kind !== 'kernel' ||
    fn.src.tree !== src.tree ||
    fn.src.file !== src.file ||
    fn.src.line !== src.line;
  if (!own) return `In ${fn.name}(), defined at`;
  return event.kind === 'call' ? 'Called at' : 'Line';
}

/** The step's phase and who it runs for (the reset, VMX or SVM). */
function Badges({ event }: { event: TraceEvent }) {
  return (
    <span className="aside">
      <span className="phase" style={{ ['--swatch' as string]: `var(--phase-${event.phase})` }}>
        {PHASE_LABEL[event.phase]}
      </span>{' '}
      {event.origin !== 'common' && (
        <span className={`badge ${event.origin}`}>
          {event.origin === 'reset' ? 'reset' : event.origin.toUpperCase()}
        </span>
      )}
    </span>
  );
}

/** Where a step runs (its call stack, linked to the source), what it does and why, and its function's steps. */
function EventDetails({
  event,
  functions,
  folded = false,
}: {
  event: TraceEvent;
  functions: Partial<Record<string, FunctionDef>> | undefined;
  /** The function's steps behind a disclosure (compare mode, where two sides share the pane). */
  folded?: boolean;
}) {
  const fn = event.fn ? functions?.[event.fn] : undefined;
  return (
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
                  title={`${name}() is defined at ${sourceLabel(def.src)}`}
                  {...termProps(name)}
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
            {sourceCaption(event, fn, event.src)}:{' '}
            <a href={sourceUrl(event.src)} target="_blank" rel="noreferrer">
              {sourceLabel(event.src)}
            </a>
          </p>
        )}
      </div>
      {fn &&
        (folded ? (
          <details className="listing-toggle">
            <summary>Steps of {fn.name}()</summary>
            <Listing fn={fn} event={event} />
          </details>
        ) : (
          <Listing fn={fn} event={event} />
        ))}
    </>
  );
}

const IDLE = 'Nothing has run yet. Step forward to load kvm.ko.';

export function CallStackPane({ className }: { className: string }) {
  const compare = useAppStore((s) => s.view === 'compare' && s.comparison.view !== null);
  return compare ? <ComparedStacks className={className} /> : <SingleStack className={className} />;
}

function SingleStack({ className }: { className: string }) {
  const event = useAppStore(selectEvent);
  const functions = useAppStore((s) => s.run.variant?.functions);
  return (
    // The pane scrolls when a step's stack is deep: focusable, so the keyboard can scroll it.
    <section className={`panel callstack ${className}`} aria-label="Call stack" tabIndex={0}>
      <h2>
        Call stack
        {event && <Badges event={event} />}
      </h2>
      {event ? (
        <EventDetails event={event} functions={functions} />
      ) : (
        <p className="idle">{IDLE}</p>
      )}
    </section>
  );
}

/**
 * One side of compare mode at the current row. A side with no step of its own on
 * the row (`stays`) is shown in one line, so the side that moved stands out.
 */
function Side({
  label,
  event,
  functions,
  stays,
  idle,
}: {
  label: string;
  event: TraceEvent | null;
  functions: Partial<Record<string, FunctionDef>> | undefined;
  stays: boolean;
  idle: string;
}) {
  return (
    <div role="group" aria-label={label} className="side">
      <h3>
        {label}
        {event && !stays && <Badges event={event} />}
      </h3>
      {!event ? (
        <p className="idle">{idle}</p>
      ) : stays ? (
        <p className="idle">
          No step of its own on this row; still after <code>{event.title}</code>.
        </p>
      ) : (
        <EventDetails event={event} functions={functions} folded />
      )}
    </div>
  );
}

/** Compare mode: both runs at the current row, the left above the right. */
function ComparedStacks({ className }: { className: string }) {
  const left = useAppStore(selectEvent);
  const leftFunctions = useAppStore((s) => s.run.variant?.functions);
  const sides = useAppStore((s) => s.comparison.view!.sides);
  const row = useAppStore((s) =>
    s.compareRow > 0 ? (s.comparison.view!.rows[s.compareRow - 1] ?? null) : null,
  );
  const right = useAppStore((s) =>
    s.rightEvent?.comparisonId === s.comparison.id ? s.rightEvent : null,
  );
  const stays = (side: 'left' | 'right') => row !== null && row[side] === null;
  return (
    <section
      className={`panel callstack compared ${className}`}
      aria-label="Call stack"
      tabIndex={0}
    >
      <h2>Call stack</h2>
      <Side
        label={`Left: ${sides[0].kernel}`}
        event={left}
        functions={leftFunctions}
        stays={stays('left')}
        idle={IDLE}
      />
      <Side
        label={`Right: ${sides[1].kernel}`}
        event={right?.view?.event ?? null}
        functions={right?.view?.functions}
        stays={stays('right')}
        idle={right ? IDLE : 'Loading…'}
      />
    </section>
  );
}
