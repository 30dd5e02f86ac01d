/**
 * Compare mode's half of the runner: whenever either side changes, the worker runs
 * both and compares them; the newest request wins. When the left side changes (an
 * edit, a parameter), its run is asked to compare itself (expectComparison), and the
 * comparison comes with the run's last message: one answer, one render. When only
 * the right side changes, the comparison is requested on its own. The aligned row
 * stays where it was (clamped), and the left run's step follows it.
 */
import type { ScenarioInput } from '../engine/view';
import type { EngineClient } from '../worker/client';
import type { CompareOutcome } from '../worker/protocol';
import { rowPlace } from './actions';
import { counterpartOf, rightSideOf } from './compare';
import { createRightEventFetcher } from './rightEventFetcher';
import { selectComparedInput as wanted } from './selectors';
import { useAppStore, type AppState } from './store';

const set = useAppStore.setState;
const get = useAppStore.getState;

interface Request {
  left: ScenarioInput;
  right: ScenarioInput;
  outcome: CompareOutcome | { failed: string } | null;
  delivered: boolean;
}
/** The newest request; its answer is shown once its left side is the input. */
let asked: Request | null = null;
let client: EngineClient | null = null;

const isCurrent = (r: Request, s: AppState) => s.input === r.left && wanted(s) === r.right;

function show(o: CompareOutcome | { failed: string }): void {
  if ('failed' in o) {
    set((s) => ({
      comparison: {
        ...s.comparison,
        status: 'failed',
        error: `The engine stopped: ${o.failed}. It has been restarted.`,
      },
    }));
  } else if (!o.ok && o.side === 'right') {
    // Only a link or file can name a right side that does not run: compare with a good one.
    set((s) => {
      const kernel = counterpartOf(s.input.kernel);
      return {
        compareInput: rightSideOf(s.input, kernel),
        notice: `The compared scenario could not run: ${o.error}. Comparing with ${kernel} instead.`,
      };
    });
  } else if (!o.ok) {
    set((s) => ({
      comparison: {
        ...s.comparison,
        status: 'invalid',
        error: `The left side cannot run: ${o.error}`,
      },
    }));
  } else
    set((s) => {
      const comparison = {
        id: s.comparison.id + 1,
        status: 'done' as const,
        view: o.view,
        error: null,
      };
      return { comparison, ...rowPlace({ ...s, comparison }, s.compareRow) };
    });
}

/** Shows the answer to the newest request if it has come and is about the current sides. */
function deliver(): void {
  const r = asked;
  if (!r?.outcome || r.delivered || !isCurrent(r, get())) return;
  r.delivered = true;
  show(r.outcome);
}

function request(left: ScenarioInput, right: ScenarioInput): void {
  if (!client) return;
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

/** A run of `left` was asked to compare itself with `right`: wait for that answer. */
export function expectComparison(left: ScenarioInput, right: ScenarioInput): void {
  asked = { left, right, outcome: null, delivered: false };
}

/** The comparison a run of `left` brought back; dropped if something newer was asked since. */
export function receiveComparison(
  left: ScenarioInput,
  right: ScenarioInput,
  outcome: CompareOutcome | { failed: string },
): void {
  const r = asked;
  if (!r || r.left !== left || r.right !== right || r.outcome) return;
  r.outcome = outcome;
  deliver();
}

export function startCompareRunner(engine: EngineClient): () => void {
  client = engine;
  const start = (s: AppState) => {
    const right = wanted(s);
    if (!right) return;
    set((x) => ({ comparison: { ...x.comparison, status: 'running' } }));
    if (asked && isCurrent(asked, s)) deliver();
    else request(s.input, right);
  };
  start(get());
  const followRight = createRightEventFetcher((input, i) => engine.eventOf(input, i));
  const unsubscribe = useAppStore.subscribe((s, prev) => {
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
    client = null;
    asked = null;
  };
}
