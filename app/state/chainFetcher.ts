/** The selected gfn's chain at the current step, fetched ahead as the user steps (lookahead.ts). */
import type { ChainView } from '../engine/view';
import { createLookahead } from './lookahead';
import type { StoreApi } from 'zustand';
import type { AppState } from './store';

export type FetchChain = (
  runId: number,
  gfn: number,
  eventIndex: number,
) => Promise<ChainView | null>;

type Chain = NonNullable<AppState['chain']>;

const keyOf = (c: { gfn: number; tick: number | null }) => `${c.gfn}:${c.tick}`;

export function createChainFetcher(store: StoreApi<AppState>, fetch: FetchChain): () => void {
  return createLookahead<Chain>(store, {
    position: (s) => s.step,
    scope: (s) => s.run.runId,
    want(s, step) {
      const { run, gfn } = s;
      if (run.status !== 'done' || gfn === null || !run.trace) return null;
      if (step < 1 || step > run.trace.length) return null;
      // Steps at the same workload tick share a chain; before the VM exists there is none.
      const tick = run.trace.tickAt(step - 1);
      const chain = { runId: run.runId, gfn, tick };
      if (tick === null) return { key: keyOf(chain), value: { ...chain, view: { form: 'empty' } } };
      return {
        key: keyOf(chain),
        fetch: () => fetch(run.runId, gfn, step - 1).then((view) => view && { ...chain, view }),
      };
    },
    shownKey: ({ chain, run }) => (chain && chain.runId === run.runId ? keyOf(chain) : null),
    show: (chain) => store.setState({ chain }),
  });
}
