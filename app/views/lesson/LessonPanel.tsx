/**
 * The lesson being taken: its step's words, a prediction to make, and the way on.
 * The step's place in the run is found by its pin (app/lessons/pins.ts); what a
 * prediction's right answer is comes from the run shown, never from the lesson.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import {
  answer,
  choiceLabel,
  describePin,
  judge,
  lessonById,
  LESSONS,
  needsChain,
  pinnedEvent,
  pinnedPosition,
  type Answer,
  type Lesson,
  type Prediction,
} from '../../lessons';
import { jumpToEvent, seek } from '../../state/actions';
import { exitLesson, lessonStepBy, openLesson, returnToLessonStep } from '../../state/lesson';
import { useAppStore } from '../../state/store';
import { keepHighlighted } from './highlight';
import { LessonText } from './LessonText';
import './lesson.css';

export function LessonPanel({ embedded = false }: { embedded?: boolean }) {
  const place = useAppStore((s) => (s.lesson ? `${s.lesson.id}/${s.lesson.step}` : null));
  const lesson = useAppStore((s) => (s.lesson ? lessonById(s.lesson.id) : undefined));
  const n = useAppStore((s) => s.lesson?.step ?? 0);
  if (!place || !lesson) return null;
  // A new step starts afresh: no choice made, its own marks.
  return <LessonStep key={place} lesson={lesson} n={n} embedded={embedded} />;
}

/** Where the step stands in the run on screen: its own run, once that is shown. */
function useStepPlace(lesson: Lesson, n: number) {
  const step = lesson.steps[n]!;
  const own = useAppStore((s) => s.lesson !== null && s.run.runId > s.lesson.afterRun);
  const done = useAppStore((s) => s.run.status === 'done');
  const trace = useAppStore((s) => s.run.trace);
  useAppStore((s) => s.run.version); // the trace grows in place
  const left = useAppStore((s) => s.lesson?.input !== s.input || s.view !== 'single');
  const position = own && trace ? pinnedPosition(trace.events, step.at, done) : null;
  return { own, done, trace, left, position, missing: own && done && position === null };
}

export function LessonStep({
  lesson,
  n,
  embedded,
}: {
  lesson: Lesson;
  n: number;
  embedded: boolean;
}) {
  const step = lesson.steps[n]!;
  const total = lesson.steps.length;
  const { own, done, left, position, missing } = useStepPlace(lesson, n);
  const cursor = useAppStore((s) => s.step);
  const [revealedAt, setRevealedAt] = useState<number | null>(null);
  const card = useRef<HTMLElement>(null);

  // Mark what the step points at once its run is on screen, and bring it into view.
  const ready = own && done;
  useEffect(() => {
    const root = card.current?.closest('.app');
    if (!root || !ready) return;
    return keepHighlighted(root, step.highlight, (rows, pane) => {
      const target = rows[0] ?? pane;
      if (target && !embedded) target.scrollIntoView({ block: 'nearest' });
    });
  }, [ready, step.highlight, embedded]);

  // The card sticks to the top of the window: marked rows scroll into view below it.
  useLayoutEffect(() => {
    const el = card.current;
    if (!el || embedded) return;
    const ro = new ResizeObserver(() =>
      document.documentElement.style.setProperty('--lesson-card-height', `${el.offsetHeight}px`),
    );
    ro.observe(el);
    return () => {
      ro.disconnect();
      document.documentElement.style.removeProperty('--lesson-card-height');
    };
  }, [embedded]);

  const next = LESSONS[LESSONS.findIndex((l) => l.id === lesson.id) + 1];
  const away = !left && position !== null && cursor !== position && cursor !== revealedAt;
  return (
    <section
      ref={card}
      className={`lesson-card ${embedded ? 'embedded' : ''}`}
      aria-label="Lesson"
      data-lesson={lesson.id}
      data-lesson-step={n}
      data-lesson-ready={ready && position !== null ? 'true' : undefined}
    >
      <div className="lesson-head">
        <span className="lesson-title">{lesson.title}</span>
        <span className="lesson-progress">
          Step {n + 1} of {total}
        </span>
        <progress value={n + 1} max={total} aria-label="Lesson progress" />
        {!embedded && (
          <button type="button" className="lesson-exit" onClick={exitLesson}>
            Exit lesson
          </button>
        )}
      </div>
      <div className="lesson-body">
        <div className="lesson-text">
          <h2>{step.title}</h2>
          <LessonText text={step.text} />
        </div>
        {step.predict && (
          <PredictionBox
            key={n}
            prediction={step.predict}
            lesson={lesson}
            n={n}
            onReveal={setRevealedAt}
          />
        )}
        {left && (
          <p className="lesson-away">
            The scenario on screen is not this step’s any more.{' '}
            <button type="button" onClick={returnToLessonStep}>
              Back to the lesson’s scenario
            </button>
          </p>
        )}
        {missing && (
          <p className="lesson-away" role="alert">
            This step could not find its place in this kernel’s trace (it looks for{' '}
            {describePin(step.at)}).
          </p>
        )}
        {away && (
          <p className="lesson-away">
            <button type="button" onClick={() => seek(position)}>
              Back to step {position}, where this lesson step stands
            </button>
          </p>
        )}
      </div>
      <nav className="lesson-nav" aria-label="Lesson steps">
        <button type="button" onClick={() => lessonStepBy(-1)} disabled={n === 0}>
          Back
        </button>
        {n + 1 < total ? (
          <button type="button" className="primary" onClick={() => lessonStepBy(1)}>
            Next
          </button>
        ) : (
          <>
            {next && (
              <button type="button" className="primary" onClick={() => openLesson(next.id)}>
                Next lesson: {next.title}
              </button>
            )}
            {!embedded && (
              <button type="button" onClick={exitLesson}>
                Finish
              </button>
            )}
          </>
        )}
      </nav>
    </section>
  );
}

/** The engine's answer to a prediction in the run on screen (null until that run is shown). */
function useAnswer(p: Prediction, lesson: Lesson, n: number): Answer | null {
  const step = lesson.steps[n]!;
  const { own, done, trace } = useStepPlace(lesson, n);
  const chain = useAppStore((s) => s.chain);
  const runId = useAppStore((s) => s.run.runId);
  if (!own || !trace) return null;
  const at = pinnedEvent(trace.events, p.answerAt ?? step.at, done);
  if (at === null) return done ? { ok: false, error: 'the step is not in this run' } : null;
  const fits =
    needsChain(p.ask) &&
    chain !== null &&
    chain.runId === runId &&
    chain.gfn === p.ask.gfn &&
    chain.tick === trace.tickAt(at);
  return answer(p.ask, at, trace, fits ? chain.view : null);
}

function PredictionBox({
  prediction: p,
  lesson,
  n,
  onReveal,
}: {
  prediction: Prediction;
  lesson: Lesson;
  n: number;
  onReveal: (position: number) => void;
}) {
  const [chosen, setChosen] = useState<number | null>(null);
  const a = useAnswer(p, lesson, n);
  const choose = (i: number) => {
    setChosen(i);
    // Show the step that answers it: the flash, the new row, the chain.
    if (a && a.ok !== false) {
      jumpToEvent(a.event);
      onReveal(a.event + 1);
    }
  };
  const verdict = chosen !== null && a?.ok === true ? judge(p, chosen, a.value) : null;
  const said = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // The card scrolls on a small screen: bring the answer into it.
    if (verdict) said.current?.scrollIntoView({ block: 'nearest' });
  }, [verdict?.answer, chosen]); // eslint-disable-line react-hooks/exhaustive-deps
  const questionId = `lesson-q-${lesson.id}-${n}`;
  return (
    <div className="prediction" role="group" aria-labelledby={questionId}>
      <p id={questionId} className="prediction-q">
        <span className="prediction-tag">Predict</span> <LessonText text={p.question} inline />
      </p>
      <div className="choices">
        {p.choices.map((c, i) => {
          const mark =
            verdict === null
              ? ''
              : i === verdict.rightChoice
                ? 'right'
                : i === chosen
                  ? 'wrong'
                  : '';
          return (
            <button
              key={i}
              type="button"
              className={`choice ${mark}`}
              aria-pressed={chosen === i}
              disabled={a === null}
              onClick={() => choose(i)}
            >
              {choiceLabel(c)}
            </button>
          );
        })}
      </div>
      <div aria-live="polite" className="verdict-region" ref={said}>
        {chosen !== null && a?.ok === 'needs-chain' && <p>Checking with the engine…</p>}
        {chosen !== null && a?.ok === false && (
          <p className="verdict wrong">The engine cannot answer this here: {a.error}.</p>
        )}
        {verdict && (
          <div className={`verdict ${verdict.right ? 'right' : 'wrong'}`}>
            <p>
              <strong>{verdict.right ? 'Right.' : 'Not quite.'}</strong>{' '}
              {!verdict.right && <>The engine says: {verdict.answer}. </>}
            </p>
            <LessonText text={verdict.explanation} />
          </div>
        )}
      </div>
    </div>
  );
}
