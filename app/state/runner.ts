/**
 * Connects a store to the engine worker: every scenario change starts a run,
 * streamed events extend the trace, and chain queries follow the selected gfn.
 * The bookkeeping is one RunnerState, and what each message does is decided by
 * runnerState.ts; this file only carries it out.
 */
import type { StoreApi } from 'zustand';
import type { ScenarioInput } from '../engine/view';
import { EngineClient, type RunSink } from '../worker/client';
import { createChainFetcher } from './chainFetcher';
import { createCompareRunner } from './compareRunner';
import {
  applyRunFailure,
  applyRunMessage,
  IDLE_RUNNER,
  runStarted,
  type Applied,
  type RunnerState,
  type Trial,
} from './runnerState';
import { selectComparedInput } from './selectors';
import { createAttributionFetcher, createRmapHistoryFetcher } from './workerAnswers';
import { useAppStore, type AppState, type OpenedLink } from './store';

type Validation = { ok: true } | { ok: false; error: string };

export interface Runner {
  /** Checks a scenario in the worker without running it. */
  validate(input: unknown): Promise<Validation>;
  /**
   * Runs `accept.input` without making it the input yet: `accept` is applied with
   * its run's first message; `settle` is told null then, or the reason it cannot run.
   * A newer run abandons the trial.
   */
  tryInput(accept: Trial['accept'], settle: Trial['settle']): void;
  /** Stops the run in progress (what it streamed so far stays shown). */
  cancel(): void;
  stop(): void;
}

/** What the runner asks of the worker (EngineClient, or an in-thread stand-in). */
export type RunnerClient = Pick<
  EngineClient,
  | 'run'
  | 'cancel'
  | 'catalog'
  | 'chain'
  | 'compare'
  | 'eventOf'
  | 'validate'
  | 'rmapHistory'
  | 'attributeFindings'
  | 'checkTrace'
  | 'dispose'
>;

/** Runs `store`'s input in the worker `connect` makes, and keeps running it as it changes. */
export function createRunner(
  store: StoreApi<AppState>,
  connect: (sink: RunSink) => RunnerClient = (sink) => new EngineClient(sink),
): Runner {
  let state: RunnerState = IDLE_RUNNER;
  /** True while the runner itself moves the step (so a user's move can cancel the anchor). */
  let placing = false;

  const apply = (a: Applied) => {
    state = a.runner;
    if (a.update) {
      placing = true;
      try {
        store.setState(a.update);
      } finally {
        placing = false;
      }
    }
    a.settled?.trial.settle(a.settled.error);
    if (a.comparison) compare.receive(a.comparison);
  };
  const client = connect({
    message: (m) => apply(applyRunMessage(state, store.getState(), m)),
    failure: (runId, error) => apply(applyRunFailure(state, store.getState(), runId, error)),
  });
  const compare = createCompareRunner(store, client);

  /** Starts a run of `input`; in compare mode it also compares itself with the right side. */
  const start = (
    input: ScenarioInput,
    how: { opened?: OpenedLink | null; trial?: Omit<Trial, 'runId'> },
  ) => {
    const s = store.getState();
    const right = selectComparedInput(s);
    const runId = client.run(input, right ?? undefined);
    state = runStarted(s, { runId, input, right, ...how });
    if (right) compare.expect(input, right);
  };

  void client.catalog().then((catalog) => store.setState({ catalog }));
  start(store.getState().input, { opened: store.getState().opened });
  const followChain = createChainFetcher(store, (runId, gfn, eventIndex) =>
    client.chain(runId, gfn, eventIndex),
  );
  const followRmapHistory = createRmapHistoryFetcher(store, (runId, gfn) =>
    client.rmapHistory(runId, gfn),
  );
  const followAttribution = createAttributionFetcher(store, (runId) =>
    client.attributeFindings(runId),
  );
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.input !== prev.input && s.input !== state.running)
      // A link opened in this very update places its step; any other change keeps the user's.
      start(s.input, { opened: s.opened !== prev.opened ? s.opened : null });
    else if (s.step !== prev.step && !placing) state = { ...state, anchor: null };
    if (
      s.gfn !== prev.gfn ||
      s.step !== prev.step ||
      s.run.status !== prev.run.status ||
      s.run.runId !== prev.run.runId
    )
      followChain();
    if (s.run.status !== prev.run.status || s.run.runId !== prev.run.runId) followAttribution();
    if (
      s.history !== prev.history ||
      s.run.status !== prev.run.status ||
      s.run.runId !== prev.run.runId
    )
      followRmapHistory();
  });
  const stopCompare = compare.follow();
  // The trace runner comes with the first capture opened: share/files.ts, which opens it,
  // imports traceCheck.ts itself, so the module is in by then.
  let stopTrace: (() => void) | null = null;
  let stopped = false;
  const stopWaitingForTrace = store.subscribe((s) => {
    if (s.traceCheck.opening === null) return;
    stopWaitingForTrace();
    void import('./traceCheck').then(({ createTraceRunner }) => {
      if (!stopped) stopTrace = createTraceRunner(store, client);
    });
  });

  return {
    validate: (input) => client.validate(input),
    tryInput: (accept, settle) => start(accept.input, { trial: { accept, settle } }),
    cancel: () => client.cancel(),
    stop() {
      stopped = true;
      unsubscribe();
      stopCompare();
      stopWaitingForTrace();
      stopTrace?.();
      client.dispose();
    },
  };
}

/** The app's runner, on the app's store. */
let appRunner: Runner | null = null;

export function startRunner(): () => void {
  const runner = createRunner(useAppStore);
  appRunner = runner;
  return () => {
    runner.stop();
    if (appRunner === runner) appRunner = null;
  };
}

/** Checks a scenario in the app's worker without running it. */
export const validateInWorker = (input: unknown): Promise<Validation> =>
  appRunner
    ? appRunner.validate(input)
    : Promise.resolve({ ok: false, error: 'the engine is not running' });

/** Stops the app's run in progress (the Cancel button). */
export const cancelRun = (): void => appRunner?.cancel();

/** Tries an input on the app's runner (Runner.tryInput). */
export function tryInput(accept: Trial['accept'], settle: Trial['settle']): void {
  if (!appRunner) return settle('the engine is not running');
  appRunner.tryInput(accept, settle);
}
