/** The chain follows the step, and the next step's chain is at hand before the step is taken. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Trace, type ChainView } from '../engine/view';
import { createEngineApi } from '../worker/api';
import type { RunMessage } from '../worker/protocol';
import { createChainFetcher } from './chainFetcher';
import { createAppStore, DEFAULT_INPUT, emptyRun, initialAppState } from './store';
import { deferredQueries } from './testing';

const store = createAppStore();
const get = store.getState;
const set = store.setState;

const GFN = 4096;
const api = createEngineApi();
let trace: Trace;
let firstFault: number;

beforeAll(async () => {
  const messages: RunMessage[] = [];
  const workload = [
    { op: 'map', gfn: GFN, sptes: 40 },
    { op: 'unmap', gfn: GFN, sptes: 25 },
  ] as const;
  await api.run(1, { ...DEFAULT_INPUT, workload }, (m) => messages.push(m));
  trace = new Trace(messages[0]!.start!.initial);
  for (const m of messages) trace.append(m.events);
  firstFault = trace.events.findIndex((e) => e.tick !== undefined) + 1;
});

/** The worker's chain queries, answered from the in-thread engine when the test says so. */
const fakeWorker = () =>
  deferredQueries((_runId: number, gfn: number, eventIndex: number) =>
    api.chain(1, gfn, eventIndex),
  );
/** The event index each query asked about. */
const askedIndexes = (w: ReturnType<typeof fakeWorker>) => w.asked.map((q) => q.args[2]);

/** A fetcher that has fetched the current step's chain and the next one's. */
async function fetchedAhead() {
  const worker = fakeWorker();
  const follow = createChainFetcher(store, worker.fetch);
  follow();
  await worker.asked[0]!.answer();
  await worker.asked[1]!.answer();
  return { worker, follow };
}

const len = (v: ChainView | undefined) =>
  !v || v.form === 'empty' ? 0 : v.form === 'single' ? 1 : v.descs.reduce((n, d) => n + d.count, 0);

beforeEach(() =>
  set(
    {
      ...initialAppState(DEFAULT_INPUT),
      run: { ...emptyRun(1), status: 'done', trace },
      gfn: GFN,
      step: firstFault,
    },
    true,
  ),
);

describe('chain fetcher', () => {
  it('fetches the current step’s chain, then the next step’s, one query at a time', async () => {
    const worker = fakeWorker();
    const follow = createChainFetcher(store, worker.fetch);
    follow();
    follow(); // a second change while the first query is out asks nothing more
    expect(askedIndexes(worker)).toEqual([firstFault - 1]);
    await worker.asked[0]!.answer();
    expect(len(get().chain?.view)).toBe(1);
    expect(askedIndexes(worker)).toEqual([firstFault - 1, firstFault]);
  });

  it('shows a step’s chain in the same update as the step once it was fetched ahead', async () => {
    const { worker, follow } = await fetchedAhead();
    set({ step: firstFault + 1 });
    follow();
    expect(get().chain).toMatchObject({ tick: trace.tickAt(firstFault), gfn: GFN });
    expect(len(get().chain?.view)).toBe(2);
    // …and asks for the one after.
    expect(askedIndexes(worker).at(-1)).toBe(firstFault + 1);
  });

  it('fetches the previous step’s chain ahead once the user steps back', async () => {
    const at = firstFault + 5;
    set({ step: at });
    const { worker, follow } = await fetchedAhead();
    set({ step: at + 1 });
    follow();
    await worker.asked[2]!.answer(); // the one after
    set({ step: at });
    follow(); // the step come back to is kept: shown at once, not asked again…
    expect(len(get().chain?.view)).toBe(6);
    // …and the step before it is asked for.
    expect(askedIndexes(worker)).toEqual([at - 1, at, at + 1, at - 2]);
  });

  it('shows no chain before the VM exists, without asking the worker', () => {
    const worker = fakeWorker();
    set({ step: 1 });
    createChainFetcher(store, worker.fetch)();
    expect(get().chain?.view).toEqual({ form: 'empty' });
    expect(worker.asked).toHaveLength(0);
  });

  it('drops what it kept for a run once another run is shown', async () => {
    const { worker, follow } = await fetchedAhead();
    set((s) => ({ run: { ...s.run, runId: 2 }, chain: null }));
    follow();
    expect(get().chain).toBeNull();
    expect(askedIndexes(worker).at(-1)).toBe(firstFault - 1);
  });
});
