/**
 * Connects the store to the engine worker: every scenario change starts a run,
 * streamed events extend the trace, and chain queries follow the selected gfn.
 */
import { Trace, type ScenarioInput, type TraceEvent } from '../engine/view';
import { EngineClient } from '../worker/client';
import type { RunMessage, RunStart } from '../worker/protocol';
import { openDefault, takePendingLink } from './actions';
import { createChainFetcher } from './chainFetcher';
import { expectComparison, receiveComparison, startCompareRunner } from './compareRunner';
import { selectComparedInput } from './selectors';
import { emptyRun, useAppStore, type AppState, type RunView } from './store';

const set = useAppStore.setState;
const get = useAppStore.getState;

/**
 * Where to put the user once a run has streamed far enough: back on the same step
 * after an edit to the scenario (matched by step id), or exactly on the step a link
 * names.
 */
interface Anchor {
  stepId: string | null;
  occurrence: number;
  step: number;
  exact: boolean;
}
let anchor: Anchor | null = null;
/** The run a link opened: if its scenario cannot run, fall back to the default. */
let linkRun: number | null = null;
/** True while the runner itself moves the step (so a user's move can cancel the anchor). */
let placing = false;

function place(update: (s: AppState) => Partial<AppState>): void {
  placing = true;
  try {
    set(update);
  } finally {
    placing = false;
  }
}

function currentAnchor(): Anchor {
  const { run, step } = get();
  const events = run.trace?.events ?? [];
  const e = events[step - 1];
  if (!e) return { stepId: null, occurrence: 0, step, exact: false };
  const occurrence = events
    .slice(0, step)
    .filter((x) => x.stepId === e.stepId && x.title === e.title).length;
  return { stepId: e.stepId ? `${e.stepId}|${e.title}` : null, occurrence, step, exact: false };
}

/** Index + 1 of the anchor's event in `events`, if it is there. */
function findAnchor(events: readonly TraceEvent[], a: Anchor): number | null {
  if (a.exact) return events.length >= a.step ? a.step : null;
  if (!a.stepId) return null;
  let seen = 0;
  for (const e of events)
    if (e.stepId && `${e.stepId}|${e.title}` === a.stepId && ++seen === a.occurrence)
      return e.index + 1;
  return null;
}

function startedRun(s: AppState, runId: number, start: RunStart): RunView {
  return {
    ...emptyRun(runId),
    status: 'running',
    scenario: start.scenario,
    variant: start.variant,
    edits: start.edits,
    trace: new Trace(start.initial),
    gfns: s.run.gfns,
  };
}

/**
 * A scenario tried before it becomes the input (an ordering edit): it is committed
 * with its run's first message, in the same render, or dropped with the reason.
 */
interface Trial {
  runId: number;
  accept: () => void;
  reject: (error: string) => void;
}
let trial: Trial | null = null;
/** The input of the latest run started, so committing a trial's input does not run it again. */
let running: unknown = null;

/** The run asked to compare itself with the right side (compare mode), and for which input. */
let runCompare: { runId: number; left: ScenarioInput; right: ScenarioInput } | null = null;

/** Starts a run of `input`; in compare mode it also compares itself with the right side. */
function startRun(client: EngineClient, input: ScenarioInput): number {
  const right = selectComparedInput(get());
  const runId = client.run(input, right ?? undefined);
  runCompare = right ? { runId, left: input, right } : null;
  if (right) expectComparison(input, right);
  return runId;
}

function passComparison(m: RunMessage): void {
  if (m.comparison && runCompare?.runId === m.runId)
    receiveComparison(runCompare.left, runCompare.right, m.comparison);
}

/** One message, one store update: a short run shows up in a single render. */
function onMessage(m: RunMessage): void {
  if (trial?.runId === m.runId) {
    const t = trial;
    trial = null;
    if (m.outcome?.status === 'invalid') {
      anchor = null;
      running = get().input;
      return t.reject(m.outcome.error);
    }
    t.accept();
  }
  const s = get();
  const o = m.outcome;
  if (o?.status === 'cancelled') return;
  if (o?.status === 'invalid') {
    passComparison(m);
    return onInvalid(o.runId, o.error);
  }
  let run = m.start ? startedRun(s, m.runId, m.start) : s.run;
  const trace = run.trace;
  if (!trace || run.runId !== m.runId) return;
  if (m.events.length) {
    trace.append(m.events);
    run = { ...run, version: run.version + 1 };
  }
  const update: Partial<AppState> = { run };
  if (m.start) update.chain = null;
  const a = anchor;
  const placed = a ? findAnchor(trace.events, a) : null;
  if (placed !== null) {
    anchor = null;
    update.step = placed;
  }
  if (o) {
    anchor = null;
    update.run = {
      ...run,
      status: 'done',
      findings: o.findings,
      faults: o.faults,
      notes: o.notes,
      gfns: o.gfns,
    };
    update.gfn = s.gfn !== null && o.gfns.includes(s.gfn) ? s.gfn : (o.gfns[0] ?? null);
    // An anchor the run never reached: as close as the run goes.
    if (placed === null) update.step = Math.min(a ? a.step : s.step, trace.length);
  }
  place(() => update);
  // After the run's own update: the comparison's row places the step in compare mode.
  passComparison(m);
}

function onInvalid(runId: number, error: string): void {
  anchor = null;
  if (runId === linkRun) {
    linkRun = null;
    openDefault(
      `This link’s scenario could not run: ${error}. Showing the default scenario instead.`,
    );
    return;
  }
  // Keep showing the last good run; say why this one could not run.
  set((s) => ({ run: { ...s.run, runId, status: 'invalid', error } }));
}

function onFailure(runId: number, error: string): void {
  if (runCompare?.runId === runId)
    receiveComparison(runCompare.left, runCompare.right, { failed: error });
  set((s) => ({
    run: {
      ...s.run,
      runId,
      status: 'failed',
      error: `The engine stopped: ${error}. It has been restarted.`,
    },
  }));
}

let engine: EngineClient | null = null;

/** Checks a scenario in the worker without running it. */
export function validateInWorker(
  input: unknown,
): Promise<{ ok: true } | { ok: false; error: string }> {
  return engine
    ? engine.validate(input)
    : Promise.resolve({ ok: false, error: 'the engine is not running' });
}

/**
 * Runs `input` without making it the input yet: `accept` must set it as the input
 * (the very same object) and is called when the run starts; `reject` gets the
 * reason if it cannot run. A newer run abandons the trial.
 */
export function tryInput(
  input: ScenarioInput,
  accept: () => void,
  reject: (error: string) => void,
): void {
  if (!engine) return reject('the engine is not running');
  anchor = currentAnchor();
  running = input;
  trial = { runId: startRun(engine, input), accept, reject };
}

export function startRunner(
  client = new EngineClient({ message: onMessage, failure: onFailure }),
): () => void {
  engine = client;
  const start = (input: ScenarioInput) => {
    const link = takePendingLink();
    anchor = link ? { stepId: null, occurrence: 0, step: link.step, exact: true } : currentAnchor();
    running = input;
    trial = null;
    const runId = startRun(client, input);
    linkRun = link?.fallBack ? runId : null;
  };
  void client.catalog().then((catalog) => set({ catalog }));
  start(get().input);
  const followChain = createChainFetcher((runId, gfn, eventIndex) =>
    client.chain(runId, gfn, eventIndex),
  );
  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (s.input !== prev.input && s.input !== running) start(s.input);
    else if (s.step !== prev.step && !placing) anchor = null;
    if (
      s.gfn !== prev.gfn ||
      s.step !== prev.step ||
      s.run.status !== prev.run.status ||
      s.run.runId !== prev.run.runId
    )
      followChain();
  });
  const stopCompare = startCompareRunner(client);
  return () => {
    unsubscribe();
    stopCompare();
    client.dispose();
  };
}
