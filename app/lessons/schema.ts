/**
 * The shape of a lesson file (app/lessons/*.json; docs/lessons.md). A lesson says
 * where to stand in which scenario, what to look at, what to say and what to ask;
 * it never says what the answer is — the engine's trace does (predictions.ts).
 *
 * The unit tests validate every file with this schema; the app reads the files
 * through the types below only, so zod stays out of the main thread's bundle.
 */
import { z } from 'zod';
import type { ScenarioInput } from '../engine/view';
import { LESSON_ID, MAX_LESSON_ID, MAX_LESSON_STEPS } from './place';

/**
 * Where a lesson step stands: on the `occurrence`th event of a step id (1 = the
 * first time the step runs), just after it (or just before it, to ask what it will
 * do), or at the end of the run. Step ids, not positions, so lessons survive
 * changes to the trace.
 */
const PinSchema = z.union([
  z.strictObject({
    step: z.string().min(1).max(200),
    occurrence: z.number().int().min(1).max(100_000).optional(),
    before: z.boolean().optional(),
  }),
  z.strictObject({ end: z.literal(true) }),
]);

/** What a prediction asks the engine about the pinned event (predictions.ts computes it). */
const ProbeSchema = z.union([
  /** The mask's value after the event. */
  z.strictObject({ mask: z.string() }),
  /** The bits of the mask that the event flips. */
  z.strictObject({ maskChange: z.string() }),
  /** A config global's value after the event. */
  z.strictObject({ config: z.string() }),
  /** A field of the newest kmem cache of that name after the event. */
  z.strictObject({
    cache: z.string(),
    field: z.enum(['objectSize', 'objectsPerSlab', 'objects', 'slabs', 'live']),
  }),
  /** The percpu counter's or the shrinker's state after the event. */
  z.strictObject({ lifecycle: z.string() }),
  /** The next step the kernel runs after the event (its step id). */
  z.strictObject({ next: z.literal(true) }),
  /** The VM's reverse-map totals after the event. */
  z.strictObject({ rmap: z.enum(['heads', 'sptes', 'descs', 'vcpuCacheDescs']) }),
  /**
   * One gfn's chain after the event: its form, how many descriptors it has, or
   * where its newest spte sits.
   */
  z.strictObject({
    chain: z.enum(['form', 'descs', 'newest']),
    gfn: z.number().int().min(0),
  }),
]);

const ChoiceSchema = z.strictObject({
  /** Compared with the engine's answer: a hex string for masks, a list of bit numbers for maskChange, … */
  value: z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.number().int())]),
  /** What the learner reads (the value, formatted, when absent). */
  label: z.string().min(1).max(200).optional(),
});

const PredictionSchema = z.strictObject({
  question: z.string().min(1).max(400),
  ask: ProbeSchema,
  /** Where the answer is read, when it is later than the step stands (e.g. the end of the run). */
  answerAt: PinSchema.optional(),
  /** Exactly one of them is what the engine answers (the unit tests check it). */
  choices: z.array(ChoiceSchema).min(2).max(6),
  /** Said after the learner answers, right or wrong; `{answer}` is replaced by the engine's answer. */
  explain: z.string().min(1).max(2000),
});

export const PANES = ['playback', 'callstack', 'masks', 'findings', 'caches', 'rmaps'] as const;

const HighlightSchema = z.strictObject({
  pane: z.enum(PANES),
  masks: z.array(z.string()).optional(),
  /** Bits of one mask row to mark. */
  bits: z
    .strictObject({ mask: z.string(), bits: z.array(z.number().int().min(0).max(63)) })
    .optional(),
  config: z.array(z.string()).optional(),
  caches: z.array(z.string()).optional(),
  lifecycle: z.array(z.string()).optional(),
});

/**
 * The scenario a step runs: checked by the engine when it runs (the unit tests run
 * every one), so only its outline is checked here.
 */
const ScenarioSchema = z.custom<ScenarioInput>(
  (x) => typeof x === 'object' && x !== null && (x as { v?: unknown }).v === 1,
  { message: 'expected a scenario ({ "v": 1, "kernel": …, "vendor": … })' },
);

const LessonStepSchema = z.strictObject({
  title: z.string().min(1).max(120),
  /** Replaces the lesson's scenario for this step. */
  scenario: ScenarioSchema.optional(),
  at: PinSchema,
  /** The gfn whose chain the reverse-map pane shows. */
  gfn: z.number().int().min(0).optional(),
  highlight: HighlightSchema.optional(),
  /** Paragraphs (blank lines between), with [[glossary term]], [[term|shown words]] and `code`. */
  text: z.string().min(1).max(3000),
  predict: PredictionSchema.optional(),
});

export const LessonSchema = z.strictObject({
  id: z.string().regex(LESSON_ID).max(MAX_LESSON_ID),
  /** Lessons are listed by this number. */
  order: z.number().int().min(0),
  title: z.string().min(1).max(120),
  /** One sentence for the list of lessons. */
  summary: z.string().min(1).max(300),
  scenario: ScenarioSchema,
  steps: z.array(LessonStepSchema).min(1).max(MAX_LESSON_STEPS),
});

export type Lesson = z.infer<typeof LessonSchema>;
export type LessonStep = Lesson['steps'][number];
export type Pin = LessonStep['at'];
export type Probe = z.infer<typeof ProbeSchema>;
export type Prediction = z.infer<typeof PredictionSchema>;
export type Choice = z.infer<typeof ChoiceSchema>;
export type ChoiceValue = Choice['value'];
export type Highlight = z.infer<typeof HighlightSchema>;
export type Pane = (typeof PANES)[number];
