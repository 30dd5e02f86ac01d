/**
 * Answers the worker works out once per run, kept in the store: the open rmap head's
 * history and which edit produced each finding. One value per run and question, so
 * the lookahead (lookahead.ts) is used with a position that never moves: it asks
 * one query at a time and drops the answers of runs the user has moved on from.
 * A failure is kept as the answer, so it is shown rather than asked again forever.
 */
import type { StoreApi } from 'zustand';
import type { EditAttribution, ValueAccess } from '../engine/view';
import { createLookahead } from './lookahead';
import type { AppState, WorkerAnswer } from './store';

/** The worker's value for `runId` (null: that run is gone), or its error as the answer. */
const answerOf = <T>(runId: number, asked: Promise<T | null>): Promise<WorkerAnswer<T> | null> =>
  asked.then(
    (value) => value && { runId, value },
    (e: unknown) => ({ runId, error: e instanceof Error ? e.message : String(e) }),
  );

const NOWHERE = () => 0;
const runOf = (s: AppState) => s.run.runId;

export function createRmapHistoryFetcher(
  store: StoreApi<AppState>,
  fetch: (runId: number, gfn: number) => Promise<ValueAccess[] | null>,
): () => void {
  type Answer = NonNullable<AppState['rmapHistory']>;
  return createLookahead<Answer>(store, {
    position: NOWHERE,
    scope: runOf,
    want({ history, run }) {
      if (history?.kind !== 'rmap' || run.status !== 'done') return null;
      const { runId } = run;
      const { gfn } = history;
      return {
        key: String(gfn),
        fetch: () => answerOf(runId, fetch(runId, gfn)).then((a) => a && { ...a, gfn }),
      };
    },
    shownKey: ({ rmapHistory: h, run }) => (h && h.runId === run.runId ? String(h.gfn) : null),
    show: (rmapHistory) => store.setState({ rmapHistory }),
  });
}

export function createAttributionFetcher(
  store: StoreApi<AppState>,
  fetch: (runId: number) => Promise<EditAttribution | null>,
): () => void {
  type Answer = NonNullable<AppState['attribution']>;
  return createLookahead<Answer>(store, {
    position: NOWHERE,
    scope: runOf,
    want({ run }) {
      if (run.status !== 'done' || !run.edits.length || !run.findings.length) return null;
      const { runId } = run;
      return {
        key: 'attribution',
        fetch: () => answerOf(runId, fetch(runId)),
      };
    },
    shownKey: ({ attribution: a, run }) => (a && a.runId === run.runId ? 'attribution' : null),
    show: (attribution) => store.setState({ attribution }),
  });
}
