/**
 * Keeps the store's `chain` on the selected gfn at the current step, asking the
 * worker one query at a time. The chain of the step the user is heading to is
 * fetched ahead, and the last few are kept, so a step usually finds its chain
 * ready and shows it in the same render as the rest of the step; waiting for the
 * worker instead costs a second render and paint after the step's own
 * (docs/performance.md). Only the step ahead in the direction of travel is
 * fetched: the worker replays a chain forward cheaply but from the start when
 * asked for an earlier tick, and the step just left is kept anyway.
 */
import type { ChainView } from '../engine/view';
import { useAppStore, type AppState } from './store';

const set = useAppStore.setState;
const get = useAppStore.getState;

export type FetchChain = (
  runId: number,
  gfn: number,
  eventIndex: number,
) => Promise<ChainView | null>;

/** Chains kept: the current one, the next, and a few the user just left. */
const KEPT = 8;

interface Want {
  runId: number;
  gfn: number;
  tick: number;
  /** An event index at that tick, for the query. */
  eventIndex: number;
}

const keyOf = (w: { runId: number; gfn: number; tick: number }) => `${w.runId}:${w.gfn}:${w.tick}`;

/** The chain `step` shows (null: none to fetch), from the state `s`. */
function wantAt(s: AppState, step: number): Want | null | 'empty' {
  const { run, gfn } = s;
  if (run.status !== 'done' || gfn === null || !run.trace) return null;
  if (step < 1 || step > run.trace.length) return null;
  const tick = run.trace.tickAt(step - 1);
  if (tick === null) return 'empty';
  return { runId: run.runId, gfn, tick, eventIndex: step - 1 };
}

export function createChainFetcher(fetch: FetchChain): { follow: () => void } {
  const kept = new Map<string, ChainView>();
  let keptRun = -1;
  let busy = false;
  let lastStep = 0;
  /** +1 or -1: where the user is heading. */
  let heading = 1;

  const keep = (w: Want, view: ChainView) => {
    kept.delete(keyOf(w));
    kept.set(keyOf(w), view);
    if (kept.size > KEPT) kept.delete(kept.keys().next().value!);
  };

  /** Shows the current step's chain if it is at hand; returns what still has to be fetched. */
  function showCurrent(s: AppState): Want | null {
    const w = wantAt(s, s.step);
    if (w === null) return null;
    if (w === 'empty') {
      const { chain, run, gfn } = s;
      if (!(chain && chain.runId === run.runId && chain.gfn === gfn && chain.tick === null))
        set({ chain: { runId: run.runId, gfn: gfn!, tick: null, view: { form: 'empty' } } });
      return null;
    }
    const { chain } = s;
    if (chain && chain.runId === w.runId && chain.gfn === w.gfn && chain.tick === w.tick)
      return null;
    const view = kept.get(keyOf(w));
    if (!view) return w;
    set({ chain: { runId: w.runId, gfn: w.gfn, tick: w.tick, view } });
    return null;
  }

  /** The next query to send: the current step's chain first, then the one a step ahead. */
  function nextQuery(s: AppState): Want | null {
    const missing = showCurrent(s);
    if (missing) return missing;
    const ahead = wantAt(s, s.step + heading);
    return ahead && ahead !== 'empty' && !kept.has(keyOf(ahead)) ? ahead : null;
  }

  function follow(): void {
    const s = get();
    if (s.run.runId !== keptRun) {
      kept.clear();
      keptRun = s.run.runId;
    }
    // A step back heads back; a jump (Home, the scrubber, a finding) is most often followed by steps forward.
    if (s.step !== lastStep) heading = s.step === lastStep - 1 ? -1 : 1;
    lastStep = s.step;
    if (busy) {
      showCurrent(s); // what is at hand shows now; the rest is asked once the query in flight returns
      return;
    }
    const w = nextQuery(s);
    if (!w) return;
    busy = true;
    fetch(w.runId, w.gfn, w.eventIndex)
      .then((view) => {
        if (view && w.runId === keptRun) keep(w, view);
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
        follow();
      });
  }

  return { follow };
}
