/**
 * Compare mode's half of the runner: whenever either side changes, the worker runs
 * both and compares them; the newest request wins. When the left side changes (an
 * edit, a parameter), its run is asked to compare itself (expectComparison), and the
 * comparison comes with the run's last message: one answer, one render. When only
 * the right side changes, the comparison is requested on its own. The aligned row
 * stays where it was (clamped), and the left run's step follows it.
 */
import type { StoreApi } from 'zustand';
import type { ScenarioInput } from '../engine/view';
import type { EngineClient } from '../worker/client';
import type { CompareOutcome } from '../worker/protocol';
import { rowPlace } from './actions';
import { counterpartOf, rightSideOf } from './compare';
import { createRightEventFetcher } from './rightEventFetcher';
import { selectComparedInput as wanted } from './selectors';
import type { AppState } from './store';

/** What the worker answered a comparison with: its outcome, or why the engine stopped. */
export type ComparisonAnswer = CompareOutcome | { failed: string };

/** A comparison a run brought back (runnerState.ts): of which sides, and the answer. */
export interface ComparisonOf {
  left: ScenarioInput;
  right: ScenarioInput;
  answer: ComparisonAnswer;
}

export interface CompareRunner {
  /** A run of `left` was asked to compare itself with `right`: wait for that answer. */
  expect(left: ScenarioInput, right: ScenarioInput): void;
  /** The comparison a run brought back; dropped if something newer was asked since. */
  receive(c: ComparisonOf): void;
  /** Starts following the store (after the runner's first run: it may carry the first comparison). */
  follow(): () => void;
}

interface Request {
  left: ScenarioInput;
  right: ScenarioInput;
  outcome: ComparisonAnswer | null;
  delivered: boolean;
}

const isCurrent = (r: Request, s: AppState) => s.input === r.left && wanted(s) === r.right;

/** The store update that shows a comparison's answer. */
function shown(o: ComparisonAnswer, s: AppState): Partial<AppState> {
  if ('failed' in o)
    return {
      comparison: {
        ...s.comparison,
        status: 'failed',
        error: o.failed,
      },
    };
  if (!o.ok && o.side === 'right') {
    // Only a link or file can name a right side that does not run: compare with a good one.
    const kernel = counterpartOf(s.input.kernel);
    return {
      compareInput: rightSideOf(s.input, kernel),
      notice: `The compared scenario could not run: ${o.error}. Comparing with ${kernel} instead.`,
    };
  }
  if (!o.ok)
    return {
      comparison: {
        ...s.comparison,
        status: 'invalid',
        error: `The left side cannot run: ${o.error}`,
      },
    };
  const comparison = {
    id: s.comparison.id + 1,
    status: 'done' as const,
    view: o.view,
    error: null,
  };
  return { comparison, ...rowPlace({ ...s, comparison }, s.compareRow) };
}

export function createCompareRunner(
  store: StoreApi<AppState>,
  client: Pick<EngineClient, 'compare' | 'eventOf'>,
): CompareRunner {
  const { getState: get, setState: set } = store;
  /** The newest request; its answer is shown once its left side is the input. */
  let asked: Request | null = null;
  let stopped = false;

  /** Shows the answer to the newest request if it has come and is about the current sides. */
  function deliver(): void {
    const r = asked;
    if (!r?.outcome || r.delivered || !isCurrent(r, get())) return;
    r.delivered = true;
    const o = r.outcome;
    set((s) => shown(o, s));
  }

  function request(left: ScenarioInput, right: ScenarioInput): void {
    if (stopped) return;
    const r: Request = { left, right, outcome: null, delivered: false };
    asked = r;
    client.compare(left, right).then(
      (o) => {
        r.outcome = o;
        if (asked === r) deliver();
      },
      (e: Error) => {
        r.outcome = { failed: e.message };
        if (asked === r) deliver();
      },
    );
  }

  function start(s: AppState): void {
    const right = wanted(s);
    if (!right) return;
    set((x) => ({ comparison: { ...x.comparison, status: 'running' } }));
    if (asked && isCurrent(asked, s)) deliver();
    else request(s.input, right);
  }

  return {
    expect(left, right) {
      asked = { left, right, outcome: null, delivered: false };
    },

    receive({ left, right, answer }) {
      const r = asked;
      if (!r || r.left !== left || r.right !== right || r.outcome) return;
      r.outcome = answer;
      deliver();
    },

    follow() {
      start(get());
      const followRight = createRightEventFetcher(store, (input, i) => client.eventOf(input, i));
      const unsubscribe = store.subscribe((s, prev) => {
        if (wanted(s) && (s.input !== prev.input || wanted(s) !== wanted(prev))) start(s);
        // The left run re-places its step when it finishes; the row decides it here.
        else if (wanted(s) && s.comparison.view && s.run !== prev.run && s.run.status === 'done')
          set((x) => rowPlace(x, x.compareRow));
        if (
          s.compareRow !== prev.compareRow ||
          s.comparison !== prev.comparison ||
          s.leftTab !== prev.leftTab
        )
          followRight();
      });
      return () => {
        unsubscribe();
        stopped = true;
        asked = null;
      };
    },
  };
}
