/** A place in a lesson, as the store and links hold it (no schema: this runs on the main thread). */
export interface LessonPlace {
  id: string;
  /** The step, counting from 0. */
  step: number;
}

/** Lesson ids are part of links: lower-case words and dashes. */
export const LESSON_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const MAX_LESSON_ID = 64;
export const MAX_LESSON_STEPS = 60;

/** Whether a link's `l` is a well-formed place (whether the lesson exists is the app's to say). */
export function isLessonPlace(x: unknown): x is LessonPlace {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const { id, step, ...rest } = x as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    typeof id === 'string' &&
    id.length <= MAX_LESSON_ID &&
    LESSON_ID.test(id) &&
    typeof step === 'number' &&
    Number.isInteger(step) &&
    step >= 0 &&
    step < MAX_LESSON_STEPS
  );
}
