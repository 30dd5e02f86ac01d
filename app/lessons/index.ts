/**
 * The lessons: every *.json file in this folder, in their `order`. Adding a lesson
 * is adding a file (docs/lessons.md); lessons.test.ts checks each against the
 * schema and the engine. The app trusts the files it was built with, so the schema
 * (and zod) stays out of the main thread.
 */
import type { Lesson, LessonStep } from './schema';

const files = import.meta.glob<Lesson>('./*.json', { eager: true, import: 'default' });

/** Every lesson, in order, with the file it came from (tests name it). */
export const LESSON_FILES: readonly { file: string; lesson: Lesson }[] = Object.entries(files)
  .map(([file, lesson]) => ({ file: file.replace(/^\.\//, ''), lesson }))
  .sort((a, b) => a.lesson.order - b.lesson.order);

export const LESSONS: readonly Lesson[] = LESSON_FILES.map((f) => f.lesson);

export const lessonById = (id: string): Lesson | undefined => LESSONS.find((l) => l.id === id);

/** The scenario a step runs: its own, or its lesson's. */
export const stepScenario = (lesson: Lesson, step: LessonStep) => step.scenario ?? lesson.scenario;

/** The lesson "Take the tour" starts. */
export const TOUR_ID = 'tour';

export type { Lesson, LessonStep, Pin, Prediction, Probe, Highlight, Pane, Choice } from './schema';
export { isLessonPlace, type LessonPlace } from './place';
export { pinnedEvent, pinnedPosition, describePin } from './pins';
export { answer, judge, needsChain, choiceLabel, formatValue, type Answer } from './predictions';
export { parseText, type Segment } from './text';
export { GLOSSARY, glossaryEntry, type GlossaryEntry } from './glossary';
