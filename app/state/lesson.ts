/**
 * Taking a lesson: each step sets its scenario and places the cursor on its pin
 * once the run has streamed that far (runnerState.ts), wherever today's trace has
 * that step.
 */
import type * as Lessons from '../lessons';
import { NO_EDIT_HISTORY, useAppStore } from './store';

const set = useAppStore.setState;
const get = useAppStore.getState;

let lessons: typeof Lessons | null = null;
let loading: Promise<boolean> | null = null;

/**
 * The lessons (their texts, scenarios and predictions) are a chunk of their own,
 * fetched while the browser is idle, with the welcome, or before a link into a
 * lesson opens. True once they are in; false if the fetch failed (the next call
 * tries again).
 */
export function loadLessons(): Promise<boolean> {
  loading ??= import('../lessons').then(
    (m) => {
      lessons = m;
      return true;
    },
    () => {
      loading = null;
      return false;
    },
  );
  return loading;
}

export const lessonsLoaded = (): boolean => lessons !== null;

/**
 * Opens step `step` of lesson `id` (clamped to the lesson's steps). False, and
 * nothing changes, when there is no such lesson or the lessons are not loaded.
 */
export function openLesson(id: string, step = 0): boolean {
  const lesson = lessons?.lessonById(id);
  if (!lessons || !lesson) return false;
  const n = Math.max(0, Math.min(step, lesson.steps.length - 1));
  const at = lesson.steps[n]!;
  // A new object even when the scenario is the one on screen: the run it starts places the pin.
  const input = structuredClone(lessons.stepScenario(lesson, at));
  set({
    input,
    view: 'single',
    compareInput: null,
    compareRow: 0,
    gfn: at.gfn ?? null,
    playing: false,
    leftTab: 'stack',
    dialog: null,
    notice: null,
    opened: { step: 0, fallBack: false, pin: at.at },
    lesson: { id, step: n, input, afterRun: get().run.runId },
    ...NO_EDIT_HISTORY,
  });
  return true;
}

/** The lesson's next (+1) or previous (-1) step. */
export function lessonStepBy(delta: number): void {
  const l = get().lesson;
  if (l) openLesson(l.id, l.step + delta);
}

/** Back to where the current lesson step stands, after the user moved away from it. */
export function returnToLessonStep(): void {
  const l = get().lesson;
  if (l) openLesson(l.id, l.step);
}

export const exitLesson = (): void => set({ lesson: null });
