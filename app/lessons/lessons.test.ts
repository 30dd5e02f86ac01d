/**
 * Every lesson file against the schema, and every lesson step against the engine:
 * its scenario runs, its pin finds its event, what it highlights exists there, the
 * glossary has every term it links, and each prediction has exactly one choice that
 * says what the engine's trace says.
 */
import { describe, expect, it } from 'vitest';
import { ChainIndex, runScenario, type RunResult } from '../engine';
import { mustRun } from '../engine/testing';
import { glossaryEntry } from './glossary';
import { LESSON_FILES, LESSONS, stepScenario, TOUR_ID } from './index';
import { pinnedEvent, pinnedPosition } from './pins';
import { answer, judge, needsChain, sameValue } from './predictions';
import { LessonSchema, type Lesson, type LessonStep } from './schema';
import { termsIn } from './text';

const runs = new Map<string, RunResult>();
function runOf(lesson: Lesson, step: LessonStep): RunResult {
  const input = stepScenario(lesson, step);
  const key = JSON.stringify(input);
  let r = runs.get(key);
  if (!r) {
    const out = runScenario(input);
    if (!out.ok) throw new Error(`${lesson.id}: scenario ${key} does not run: ${out.error}`);
    runs.set(key, (r = out.value));
  }
  return r;
}

const STEPS = LESSONS.flatMap((lesson) =>
  lesson.steps.map((step, n) => ({
    lesson,
    step,
    n,
    name: `${lesson.id} ${n + 1}: ${step.title}`,
  })),
);

describe('lesson files', () => {
  it('there are at least six lessons, the tour first', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(6);
    expect(LESSONS[0]!.id).toBe(TOUR_ID);
  });

  it.each(LESSON_FILES.map((f) => [f.file, f.lesson] as const))(
    '%s follows the schema and is named after its id',
    (file, lesson) => {
      const parsed = LessonSchema.safeParse(lesson);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      expect(file).toBe(`${lesson.id}.json`);
    },
  );

  it('ids and orders are unique', () => {
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
    expect(new Set(LESSONS.map((l) => l.order)).size).toBe(LESSONS.length);
  });

  it('the schema refuses unknown fields, a pin without a step and a prediction with one choice', () => {
    const good = LESSONS[0]!;
    const step = good.steps[0]!;
    const bad = (change: Partial<LessonStep> & Record<string, unknown>) =>
      LessonSchema.safeParse({ ...good, steps: [{ ...step, ...change }] }).success;
    expect(bad({})).toBe(true);
    expect(bad({ colour: 'red' })).toBe(false);
    expect(bad({ at: { occurrence: 2 } as never })).toBe(false);
    expect(
      bad({
        predict: {
          question: 'q',
          ask: { mask: 'shadow_x_mask' },
          choices: [{ value: '0x0' }],
          explain: 'e',
        },
      }),
    ).toBe(false);
    expect(LessonSchema.safeParse({ ...good, id: 'Not An Id' }).success).toBe(false);
  });
});

describe.each(STEPS)('$name', ({ lesson, step }) => {
  it('stands on an event of its scenario', () => {
    const r = runOf(lesson, step);
    expect(pinnedEvent(r.trace.events, step.at, true)).not.toBeNull();
  });

  it('highlights what exists at that step, and links only glossary terms', () => {
    const r = runOf(lesson, step);
    const at = pinnedEvent(r.trace.events, step.at, true)!;
    const state = r.trace.stateAt(at);
    const h = step.highlight;
    for (const m of [...(h?.masks ?? []), ...(h?.bits ? [h.bits.mask] : [])])
      expect(state.masks, m).toHaveProperty([m]);
    for (const c of h?.config ?? []) expect(state.config, c).toHaveProperty([c]);
    for (const c of h?.lifecycle ?? []) expect(state.lifecycle, c).toHaveProperty([c]);
    const cacheNames = Object.values(state.caches).map((c) => c.name);
    for (const c of h?.caches ?? []) expect(cacheNames).toContain(c);
    if (h?.pane === 'rmaps' || step.gfn !== undefined) expect(step.gfn).toBeDefined();
    const texts = [step.text, step.predict?.question ?? '', step.predict?.explain ?? ''];
    const missing = texts.flatMap(termsIn).filter((t) => !glossaryEntry(t));
    expect(missing).toEqual([]);
  });

  it.runIf(step.predict)('has exactly one choice that is what the engine answers', () => {
    const p = step.predict!;
    const r = runOf(lesson, step);
    const at = pinnedEvent(r.trace.events, p.answerAt ?? step.at, true)!;
    // The app fetches the chain of the gfn the step selects.
    if (needsChain(p.ask)) expect(step.gfn).toBe(p.ask.gfn);
    const chain = needsChain(p.ask) ? new ChainIndex(r).chainAt(p.ask.gfn, at) : null;
    const a = answer(p.ask, at, r.trace, chain);
    if (a.ok !== true) throw new Error(`no answer: ${JSON.stringify(a)}`);
    const right = p.choices.filter((c) => sameValue(c.value, a.value));
    expect(right, `the engine answers ${JSON.stringify(a.value)}`).toHaveLength(1);
    // A prediction is asked before what it predicts is on screen.
    const shownAt = pinnedPosition(r.trace.events, step.at, true)!;
    expect(shownAt).toBeLessThanOrEqual(a.event);
    expect(p.explain.includes('{answer}')).toBe(true);
  });
});

describe('predictions', () => {
  const { trace } = mustRun('v6.6', 'intel');
  const reset = pinnedEvent(
    trace.events,
    { step: 'kvm_mmu_reset_all_pte_masks/reset_default_masks' },
    true,
  )!;
  // kernel-facts.md §3.1: the reset's x86 defaults (present 0x1, nx bit 63).
  it('answers a mask value and the bits a step flips from the trace', () => {
    expect(answer({ mask: 'shadow_present_mask' }, reset, trace)).toEqual({
      ok: true,
      value: '0x1',
      event: reset,
    });
    expect(answer({ maskChange: 'shadow_nx_mask' }, reset, trace)).toMatchObject({
      value: [63],
    });
    expect(answer({ maskChange: 'shadow_x_mask' }, reset, trace)).toMatchObject({ value: [] });
  });

  it('answers the next step with the event that runs it', () => {
    const a = answer({ next: true }, reset, trace);
    expect(a).toMatchObject({
      ok: true,
      value: 'kvm_mmu_reset_all_pte_masks/kvm_mmu_set_mmio_spte_mask:reset',
    });
    expect(a.ok === true && a.event).toBe(reset + 1);
  });

  it('asks for the chain when it needs one, and says what it cannot answer', () => {
    expect(answer({ chain: 'form', gfn: 1 }, reset, trace)).toEqual({
      ok: 'needs-chain',
      gfn: 1,
      event: reset,
    });
    expect(
      answer({ chain: 'newest', gfn: 1 }, reset, trace, { form: 'single', spte: 3 }),
    ).toMatchObject({
      value: 'head',
    });
    expect(answer({ rmap: 'descs' }, reset, trace)).toMatchObject({ ok: false });
    expect(answer({ mask: 'shadow_no_such_mask' }, reset, trace)).toMatchObject({ ok: false });
    expect(answer({ mask: 'shadow_x_mask' }, trace.length, trace)).toMatchObject({ ok: false });
  });

  it('compares hex by value and bit lists as sets, and judges a choice', () => {
    expect(sameValue('0x01', '0x1')).toBe(true);
    expect(sameValue([63, 0], [0, 63])).toBe(true);
    expect(sameValue([0], 0)).toBe(false);
    expect(sameValue(true, 'true')).toBe(false);
    const p = {
      question: 'q',
      ask: { mask: 'shadow_present_mask' },
      choices: [{ value: '0x0' }, { value: '0x1', label: 'bit 0' }],
      explain: 'It is {answer}.',
    };
    expect(judge(p, 0, '0x1')).toEqual({
      right: false,
      rightChoice: 1,
      answer: 'bit 0',
      explanation: 'It is bit 0.',
    });
    expect(judge(p, 1, '0x1').right).toBe(true);
  });
});

describe('pins', () => {
  const run = mustRun('v6.6', 'intel', {
    modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_intel'],
  });
  const events = run.trace.events;
  const step = 'kvm_mmu_reset_all_pte_masks/reset_default_masks';
  it('finds the nth run of a step, before or after it', () => {
    const first = pinnedEvent(events, { step }, true)!;
    const second = pinnedEvent(events, { step, occurrence: 2 }, true)!;
    expect(events[first]!.stepId).toBe(step);
    expect(events[second]!.stepId).toBe(step);
    expect(second).toBeGreaterThan(first);
    expect(pinnedPosition(events, { step, occurrence: 2 }, true)).toBe(second + 1);
    expect(pinnedPosition(events, { step, occurrence: 2, before: true }, true)).toBe(second);
  });
  it('finds nothing for a step that does not run that often, or the end of a run still streaming', () => {
    expect(pinnedEvent(events, { step, occurrence: 3 }, true)).toBeNull();
    expect(pinnedEvent(events, { step: 'no/such_step' }, true)).toBeNull();
    expect(pinnedEvent(events, { end: true }, false)).toBeNull();
    expect(pinnedPosition(events, { end: true }, true)).toBe(events.length);
  });
});
