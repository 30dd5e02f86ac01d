/**
 * Connects the store to the engine worker: every scenario change starts a run,
 * streamed events extend the trace, and chain queries follow the selected gfn.
 */
import { Trace, type TraceEvent } from '../engine/view';
import { EngineClient } from '../worker/client';
import type { RunMessage, RunOutcome } from '../worker/protocol';
import { openDefault, takePendingLink } from './actions';
import { emptyRun, useAppStore, type AppState } from './store';

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

function onMessage(m: RunMessage): void {
  if (m.type === 'start') {
    set((s) => ({
      run: {
        ...emptyRun(m.runId),
        status: 'running',
        scenario: m.scenario,
        variant: m.variant,
        edits: m.edits,
        trace: new Trace(m.initial),
        gfns: s.run.gfns,
      },
      chain: null,
    }));
    return;
  }
  const { run } = get();
  if (!run.trace || run.runId !== m.runId) return;
  run.trace.append(m.events);
  const placed = anchor ? findAnchor(run.trace.events, anchor) : null;
  if (placed !== null) anchor = null;
  place((s) => ({
    run: { ...s.run, version: s.run.version + 1 },
    ...(placed !== null ? { step: placed } : {}),
  }));
  if (earlyOutcome?.runId === m.runId) onOutcome(earlyOutcome);
}

/** An outcome that overtook the last streamed events (they travel on another port). */
let earlyOutcome: RunOutcome | null = null;

function onOutcome(o: RunOutcome): void {
  const trace = get().run.trace;
  if (o.status === 'done' && get().run.runId === o.runId && (trace?.length ?? 0) < o.events) {
    earlyOutcome = o;
    return;
  }
  earlyOutcome = null;
  const a = anchor;
  anchor = null;
  if (o.status === 'cancelled') return;
  if (o.status === 'invalid' && o.runId === linkRun) {
    linkRun = null;
    openDefault(
      `This link’s scenario could not run: ${o.error}. Showing the default scenario instead.`,
    );
    return;
  }
  if (o.status === 'invalid') {
    // Keep showing the last good run; say why this one could not run.
    set((s) => ({ run: { ...s.run, runId: o.runId, status: 'invalid', error: o.error } }));
    return;
  }
  place((s) => {
    const length = s.run.trace?.length ?? 0;
    const gfn = s.gfn !== null && o.gfns.includes(s.gfn) ? s.gfn : (o.gfns[0] ?? null);
    return {
      run: {
        ...s.run,
        status: 'done',
        findings: o.findings,
        faults: o.faults,
        notes: o.notes,
        gfns: o.gfns,
      },
      gfn,
      step:
        a && findAnchor(s.run.trace?.events ?? [], a) === null
          ? Math.min(a.step, length)
          : Math.min(s.step, length),
    };
  });
}

function onFailure(runId: number, error: string): void {
  set((s) => ({
    run: {
      ...s.run,
      runId,
      status: 'failed',
      error: `The engine stopped: ${error}. It has been restarted.`,
    },
  }));
}

let chainBusy = false;
let chainWanted = false;

/** Asks the worker for the selected gfn's chain at the current step; one request in flight at a time. */
function requestChain(client: EngineClient): void {
  if (chainBusy) {
    chainWanted = true;
    return;
  }
  const { run, gfn, step, chain } = get();
  if (run.status !== 'done' || gfn === null || !run.trace) return;
  const tick = run.trace.tickAt(step - 1);
  if (chain && chain.runId === run.runId && chain.gfn === gfn && chain.tick === tick) return;
  if (tick === null) {
    set({ chain: { runId: run.runId, gfn, tick, view: { form: 'empty' } } });
    return;
  }
  chainBusy = true;
  client
    .chain(run.runId, gfn, step - 1)
    .then((view) => {
      if (view) set({ chain: { runId: run.runId, gfn, tick, view } });
    })
    .catch(() => undefined)
    .finally(() => {
      chainBusy = false;
      if (chainWanted) {
        chainWanted = false;
        requestChain(client);
      }
    });
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

export function startRunner(
  client = new EngineClient({ message: onMessage, outcome: onOutcome, failure: onFailure }),
): () => void {
  engine = client;
  const start = (input: unknown) => {
    const link = takePendingLink();
    anchor = link ? { stepId: null, occurrence: 0, step: link.step, exact: true } : currentAnchor();
    const runId = client.run(input);
    linkRun = link?.fallBack ? runId : null;
  };
  void client.catalog().then((catalog) => set({ catalog }));
  start(get().input);
  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (s.input !== prev.input) start(s.input);
    else if (s.step !== prev.step && !placing) anchor = null;
    if (
      s.gfn !== prev.gfn ||
      s.step !== prev.step ||
      s.run.status !== prev.run.status ||
      s.run.runId !== prev.run.runId
    )
      requestChain(client);
  });
  return () => {
    unsubscribe();
    client.dispose();
  };
}
