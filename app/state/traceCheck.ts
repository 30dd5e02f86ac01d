/**
 * The trace view: a function_graph capture of a real kernel, held against the model's run
 * of the current scenario (docs/ground-truth.md). Opening a capture checks it in the worker
 * first, so a file that is not one is explained and what is shown stays; while a capture is
 * open, every change of the scenario checks it again, and the newest request wins.
 */
import type { StoreApi } from 'zustand';
import type { ScenarioInput } from '../engine/view';
import type { EngineClient } from '../worker/client';
import type { TraceCheckOutcome } from '../worker/protocol';
import { notOpened } from './actions';
import { NO_TRACE, useAppStore, type AppState, type TraceFile } from './store';

/** The update that starts opening `file` (the trace runner checks it). */
export const openingTrace =
  (file: TraceFile) =>
  (s: AppState): Partial<AppState> => ({ traceCheck: { ...s.traceCheck, opening: file } });

/** The update that closes the trace view (its count goes on: tests wait on it). */
export const closingTrace = (s: AppState): Partial<AppState> => ({
  traceCheck: { ...NO_TRACE, id: s.traceCheck.id },
});

export const openTrace = (file: TraceFile): void => useAppStore.setState(openingTrace(file));
export const closeTrace = (): void => useAppStore.setState(closingTrace);

interface Request {
  file: TraceFile;
  input: ScenarioInput;
  /** The file is being opened (not yet shown), rather than checked again. */
  opening: boolean;
}

type Answer = TraceCheckOutcome | { failed: string };

/** Why a check could not be made, as a clause ("the capture was made with the nop tracer…"). */
function whyNot(a: Answer): string | null {
  if ('failed' in a) return `the engine stopped (${a.failed}); it has been restarted`;
  if (a.ok) return null;
  return a.of === 'scenario' ? `the model cannot run this scenario: ${a.error}` : a.error;
}

/** The store update that shows the answer to `r`. */
function answered(s: AppState, r: Request, a: Answer): Partial<AppState> {
  const t = s.traceCheck;
  const why = whyNot(a);
  if (r.opening && why !== null)
    return {
      traceCheck: { ...t, opening: null, status: t.capture ? 'done' : 'idle' },
      notice: notOpened(r.file.name, why),
    };
  if (why !== null)
    return {
      traceCheck: {
        ...t,
        status: 'failed',
        error: `The trace could not be checked again: ${why}. Showing the last check.`,
      },
    };
  const view = (a as Extract<TraceCheckOutcome, { ok: true }>).view;
  return {
    traceCheck: {
      opening: null,
      capture: r.file,
      id: t.id + 1,
      status: 'done',
      view,
      error: null,
    },
    ...(r.opening && { notice: null }),
  };
}

/** Follows the store: checks a capture being opened, and the open one when the scenario changes. */
export function createTraceRunner(
  store: StoreApi<AppState>,
  client: Pick<EngineClient, 'checkTrace'>,
): () => void {
  /** The newest request; an answer to any other is dropped. */
  let asked: Request | null = null;

  function request(r: Request): void {
    asked = r;
    store.setState((s) => ({ traceCheck: { ...s.traceCheck, status: 'checking' } }));
    const deliver = (a: Answer) => {
      if (asked !== r) return;
      asked = null;
      store.setState((s) => answered(s, r, a));
    };
    client
      .checkTrace(r.file.name, r.file.text, r.input)
      .then(deliver, (e: Error) => deliver({ failed: e.message }));
  }

  // A capture opened before the runner started (runner.ts starts it with the first) is checked now.
  const { opening } = store.getState().traceCheck;
  if (opening) request({ file: opening, input: store.getState().input, opening: true });
  const unsubscribe = store.subscribe((s, prev) => {
    const t = s.traceCheck;
    const file = t.opening ?? t.capture;
    if (!file) asked = null;
    else if ((t.opening && t.opening !== prev.traceCheck.opening) || s.input !== prev.input)
      request({ file, input: s.input, opening: t.opening !== null });
  });
  return () => {
    unsubscribe();
    asked = null;
  };
}
