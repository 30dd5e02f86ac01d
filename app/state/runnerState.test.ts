/**
 * The runner's bookkeeping, fed the messages the engine API really sends (run in
 * this thread, as the worker runs it): where the user lands after an edit or a link,
 * what a tried edit does, when a link falls back, and which run carries a comparison.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ScenarioInput } from '../engine/view';
import { createEngineApi } from '../worker/api';
import type { RunMessage } from '../worker/protocol';
import {
  applyRunFailure,
  applyRunMessage,
  IDLE_RUNNER,
  runStarted,
  type RunnerState,
} from './runnerState';
import { DEFAULT_INPUT, initialAppState, type AppState } from './store';

/** The scenario most tests run: the series' patch 2, whose step ids they name. */
const SEED: ScenarioInput = { v: 1, kernel: 'seed-p2', vendor: 'intel' };

const api = createEngineApi();
let nextRunId = 1;

/**
 * The messages a run of `input` sends (compared with `right` if given), with its id.
 * The clock stands still, so a busy machine cannot slice it: one message, as a short
 * run is sent; split() makes a streamed one.
 */
async function messagesOf(input: unknown, right?: ScenarioInput) {
  const runId = nextRunId++;
  const messages: RunMessage[] = [];
  const clock = vi.spyOn(performance, 'now').mockReturnValue(0);
  await api.run(runId, input, (m) => messages.push(m), right).finally(() => clock.mockRestore());
  expect(messages).toHaveLength(1);
  return { runId, messages };
}

/** Splits a run's one message into two, as a longer run streams: the first `n` events, then the rest. */
function split([m]: RunMessage[], n: number): RunMessage[] {
  const { outcome, comparison, ...first } = m!;
  return [
    { ...first, events: m!.events.slice(0, n) },
    {
      runId: m!.runId,
      events: m!.events.slice(n),
      ...(outcome && { outcome }),
      ...(comparison && { comparison }),
    },
  ];
}

/** Feeds `messages` in order, as the runner does: each update applied to the store before the next. */
function feed(runner: RunnerState, s: AppState, messages: RunMessage[]) {
  const applied = [];
  for (const m of messages) {
    const a = applyRunMessage(runner, s, m);
    applied.push(a);
    runner = a.runner;
    if (a.update) s = { ...s, ...a.update };
  }
  return { runner, s, applied };
}

/** The default scenario's run and the runner state of a link opened on it at `step`. */
async function openedAt(s: AppState, step: number) {
  const { runId, messages } = await messagesOf(SEED);
  const opened = { step, fallBack: true };
  return { messages, started: runStarted(s, { runId, input: SEED, right: null, opened }) };
}

/** The store showing a finished run of `input`, at `step`. */
async function showing(input: ScenarioInput, step: number) {
  const { runId, messages } = await messagesOf(input);
  const s0 = { ...initialAppState(input) };
  const started = runStarted(s0, { runId, input, right: null });
  const { s } = feed(started, s0, messages);
  return { ...s, step };
}

const stepOf = (s: AppState, stepId: string, occurrence = 1) =>
  s.run.trace!.events.filter((e) => e.stepId === stepId)[occurrence - 1]!.index + 1;

const PTE_LIST_DESC = 'kvm_mmu_hardware_setup/kmem_cache_create:pte_list_desc';
const RESET_MASKS = 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks';
const removeResetMasks = (input: ScenarioInput): ScenarioInput => ({
  ...input,
  edits: [{ remove: RESET_MASKS }],
});

describe('the anchor: where the user lands when a new run streams in', () => {
  it('after an edit, on the same step, found by its id where the edit moved it', async () => {
    const before = await showing(SEED, 0);
    const s = { ...before, step: stepOf(before, PTE_LIST_DESC) };
    const input = removeResetMasks(SEED);
    const { runId, messages } = await messagesOf(input);
    const started = runStarted(s, { runId, input, right: null });
    expect(started.anchor).toMatchObject({ occurrence: 1, exact: false });
    expect(started.anchor?.stepId?.startsWith(`${PTE_LIST_DESC}|`)).toBe(true);
    const { s: after } = feed(started, s, messages);
    expect(after.step).toBe(stepOf(after, PTE_LIST_DESC));
    expect(after.step).toBeLessThan(s.step); // the removed call's events are gone before it
  });

  it('on the same occurrence of a step that runs more than once (a vendor module reloaded)', async () => {
    const reload: ScenarioInput = {
      ...SEED,
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_intel'],
    };
    const before = await showing(reload, 0);
    const s = { ...before, step: stepOf(before, PTE_LIST_DESC, 2) };
    const input = removeResetMasks(reload);
    const { runId, messages } = await messagesOf(input);
    const { s: after } = feed(runStarted(s, { runId, input, right: null }), s, messages);
    expect(after.step).toBe(stepOf(after, PTE_LIST_DESC, 2));
    expect(after.step).not.toBe(stepOf(after, PTE_LIST_DESC, 1));
  });

  it('a link’s step is placed as soon as the run has streamed that far, not before', async () => {
    const s = initialAppState(SEED);
    const { messages, started } = await openedAt(s, 42);
    const [first, rest] = split(messages, 30);
    const one = applyRunMessage(started, s, first!);
    expect(one.update).not.toHaveProperty('step');
    expect(one.runner.anchor).toEqual({ stepId: null, occurrence: 0, step: 42, exact: true });
    const two = applyRunMessage(one.runner, { ...s, ...one.update }, rest!);
    expect(two.update?.step).toBe(42);
    expect(two.runner.anchor).toBeNull();
  });

  it('a lesson step is placed where its pin finds its event, before or after it', async () => {
    const s = initialAppState(SEED);
    const { runId, messages } = await messagesOf(SEED);
    const pin = { step: 'kvm_mmu_reset_all_pte_masks/reset_default_masks', before: true };
    const opened = { step: 0, fallBack: false, pin };
    const started = runStarted(s, { runId, input: SEED, right: null, opened });
    expect(started.anchor?.pin).toEqual(pin);
    const { s: after } = feed(started, s, messages);
    expect(after.step).toBe(stepOf(after, pin.step) - 1);
    const { s: end } = feed(
      runStarted(s, { runId, input: SEED, right: null, opened: { ...opened, pin: { end: true } } }),
      s,
      messages,
    );
    expect(end.step).toBe(end.run.trace!.length);
  });

  it('a pin the run does not have: the start of the run', async () => {
    const s = { ...initialAppState(SEED), step: 12 };
    const { runId, messages } = await messagesOf(SEED);
    const opened = { step: 0, fallBack: false, pin: { step: 'no/such_step' } };
    const { s: after } = feed(
      runStarted(s, { runId, input: SEED, right: null, opened }),
      s,
      messages,
    );
    expect(after.step).toBe(0);
  });

  it('a step the run never reaches: the end of the run', async () => {
    const s = initialAppState(SEED);
    const { messages, started } = await openedAt(s, 5000);
    const { s: after, runner } = feed(started, s, messages);
    expect(after.step).toBe(after.run.trace!.length);
    expect(runner.anchor).toBeNull();
  });

  it('the run done: its findings shown, the selected gfn kept if the run has it, else its first', async () => {
    const input: ScenarioInput = {
      ...SEED,
      workload: [
        { op: 'map', gfn: 7, sptes: 3 },
        { op: 'map', gfn: 9, sptes: 3 },
      ],
    };
    const { runId, messages } = await messagesOf(input);
    const start = (gfn: number | null) => {
      const s = { ...initialAppState(input), gfn };
      return feed(runStarted(s, { runId, input, right: null }), s, messages).s;
    };
    expect(start(9)).toMatchObject({ gfn: 9, run: { status: 'done', runId, gfns: [7, 9] } });
    expect(start(12345).gfn).toBe(7);
  });

  it('messages of a run that is not the one shown change nothing', async () => {
    const s = await showing(SEED, 3);
    const { messages } = await messagesOf(SEED);
    const late: RunMessage = { runId: s.run.runId + 100, events: messages[0]!.events };
    expect(applyRunMessage(IDLE_RUNNER, s, late).update).toBeNull();
  });
});

describe('a tried edit (trial)', () => {
  const settle = () => undefined;

  it('becomes the input in the same update as its run’s first message', async () => {
    const s = await showing(SEED, 10);
    const input = removeResetMasks(SEED);
    const accept = { input, notice: null, editUndo: [[]], editRedo: [] };
    const { runId, messages } = await messagesOf(input);
    const started = runStarted(s, { runId, input, right: null, trial: { accept, settle } });
    expect(started.running).toBe(input);
    const a = applyRunMessage(started, s, messages[0]!);
    expect(a.update).toMatchObject({ ...accept, run: { runId, status: 'done' } });
    expect(a.settled).toMatchObject({ error: null });
    expect(a.runner.trial).toBeNull();
  });

  it('that cannot run changes nothing shown and says why', async () => {
    const s = await showing(SEED, 10);
    const input: ScenarioInput = { ...SEED, edits: [{ remove: 'no/such_step' }] };
    const { runId, messages } = await messagesOf(input);
    const started = runStarted(s, {
      runId,
      input,
      right: null,
      trial: { accept: { input }, settle },
    });
    const a = applyRunMessage(started, s, messages[0]!);
    expect(a.update).toBeNull();
    expect(a.settled?.error).toMatch(/no step "no\/such_step"/);
    // The input shown is what runs now: changing it again starts a run.
    expect(a.runner).toMatchObject({ trial: null, anchor: null });
    expect(a.runner.running).toBe(s.input);
  });

  it('is the input even if its run is cancelled before anything is shown', () => {
    const s = initialAppState(SEED);
    const input = removeResetMasks(SEED);
    const started = runStarted(s, {
      runId: 5,
      input,
      right: null,
      trial: { accept: { input }, settle },
    });
    const a = applyRunMessage(started, s, {
      runId: 5,
      events: [],
      outcome: { runId: 5, status: 'cancelled' },
    });
    expect(a.update).toEqual({ input });
    expect(a.settled?.error).toBeNull();
  });
});

describe('a link whose scenario cannot run', () => {
  const broken = { v: 1, kernel: 'v6.0', vendor: 'intel', modules: ['load kvm_intel'] };

  it('falls back to the default scenario, saying why', async () => {
    const s = { ...initialAppState(broken as ScenarioInput), view: 'compare' as const };
    const { runId, messages } = await messagesOf(broken);
    const started = runStarted(s, {
      runId,
      input: broken as ScenarioInput,
      right: null,
      opened: { step: 3, fallBack: true },
    });
    expect(started.linkRun).toBe(runId);
    const a = applyRunMessage(started, s, messages[0]!);
    expect(a.update).toMatchObject({ input: DEFAULT_INPUT, view: 'single', compareInput: null });
    expect(a.update?.notice).toMatch(
      /^This link’s scenario could not run: invalid scenario: modules\[0\].*Showing the default scenario instead\.$/,
    );
    expect(a.runner.linkRun).toBeNull();
  });

  it('opened without asking for a fallback (a file, checked first): no fallback', async () => {
    const s = await showing(SEED, 10);
    const { runId, messages } = await messagesOf(broken);
    const started = runStarted(s, {
      runId,
      input: broken as ScenarioInput,
      right: null,
      opened: { step: 0, fallBack: false },
    });
    expect(started.linkRun).toBeNull();
    expect(applyRunMessage(started, s, messages[0]!).update).not.toHaveProperty('input');
  });

  it('an input the user made that cannot run keeps the last good run on screen', async () => {
    const s = await showing(SEED, 10);
    const { runId, messages } = await messagesOf(broken);
    const started = runStarted(s, { runId, input: broken as ScenarioInput, right: null });
    const a = applyRunMessage(started, s, messages[0]!);
    expect(a.update).toEqual({
      run: { ...s.run, runId, status: 'invalid', error: expect.stringMatching(/modules\[0\]/) },
    });
    expect(a.update?.run?.trace).toBe(s.run.trace);
  });
});

describe('compare mode: the run that compares itself', () => {
  const right: ScenarioInput = { v: 1, kernel: 'alt-configure-mmu', vendor: 'intel' };

  it('hands the comparison its last message carries on, with the sides it was asked for', async () => {
    const s = initialAppState(SEED);
    const { runId, messages } = await messagesOf(SEED, right);
    const started = runStarted(s, { runId, input: SEED, right });
    expect(started.compare).toEqual({ runId, left: SEED, right });
    const a = applyRunMessage(started, s, messages.at(-1)!);
    expect(a.comparison).toMatchObject({
      left: SEED,
      right,
      answer: { ok: true, view: { rows: expect.any(Array) } },
    });
  });

  it('a comparison brought by another run than the one asked is not handed on', async () => {
    const s = initialAppState(SEED);
    const { runId, messages } = await messagesOf(SEED, right);
    const started = runStarted(s, { runId: runId - 1, input: SEED, right });
    const last = { ...messages.at(-1)!, start: messages[0]!.start! };
    expect(applyRunMessage(started, s, last).comparison).toBeNull();
  });

  it('a run started outside compare mode hands nothing on', async () => {
    const s = initialAppState(SEED);
    const { runId, messages } = await messagesOf(SEED, right);
    const started = runStarted(s, { runId, input: SEED, right: null });
    expect(applyRunMessage(started, s, messages.at(-1)!).comparison).toBeNull();
  });

  it('a left side that cannot run is a comparison that failed on the left', async () => {
    const s = initialAppState(SEED);
    const bad = { ...SEED, kernel: 'nope' } as unknown as ScenarioInput;
    const { runId, messages } = await messagesOf(bad, right);
    const a = applyRunMessage(runStarted(s, { runId, input: bad, right }), s, messages[0]!);
    expect(a.comparison?.answer).toMatchObject({ ok: false, side: 'left' });
  });

  it('a run the user cancels keeps what it streamed, says so, and fails its comparison', async () => {
    const s = initialAppState(DEFAULT_INPUT);
    const { runId, messages } = await messagesOf(DEFAULT_INPUT, right);
    const [first] = split(messages, 10);
    const started = runStarted(s, { runId, input: DEFAULT_INPUT, right });
    const { runner, s: shown } = feed(started, s, [{ ...first!, progress: 0.25 }]);
    expect(shown.run).toMatchObject({ status: 'running', progress: 0.25 });
    const a = applyRunMessage(runner, shown, {
      runId,
      events: [],
      outcome: { runId, status: 'cancelled' },
    });
    expect(a.update?.run).toMatchObject({
      status: 'cancelled',
      error: 'Cancelled after 10 steps: the rest of this scenario did not run',
    });
    expect(a.update?.run?.trace?.length).toBe(10);
    expect(a.comparison?.answer).toEqual({ failed: 'Cancelled.' });
  });

  it('a worker that died fails the run and its comparison', () => {
    const s = initialAppState(SEED);
    const started = runStarted(s, { runId: 7, input: SEED, right });
    const a = applyRunFailure(started, s, 7, 'The engine stopped (out of memory).');
    expect(a.update?.run).toMatchObject({
      runId: 7,
      status: 'failed',
      error: 'The engine stopped (out of memory).',
    });
    expect(a.comparison).toEqual({
      left: SEED,
      right,
      answer: { failed: 'The engine stopped (out of memory).' },
    });
    expect(applyRunFailure(started, s, 8, 'x').comparison).toBeNull();
  });
});
