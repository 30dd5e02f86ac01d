/** Compare mode's right-side call stack follows the row, the next row's event fetched ahead. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createEngineApi } from '../worker/api';
import { openCompare } from './compare';
import { createRightEventFetcher } from './rightEventFetcher';
import { DEFAULT_INPUT, initialAppState, useAppStore } from './store';
import { deferredQueries } from './testing';

const get = useAppStore.getState;
const set = useAppStore.setState;
const api = createEngineApi();

/** The worker's event queries, answered from the in-thread engine when the test says so. */
const fakeWorker = () =>
  deferredQueries((input: unknown, eventIndex: number) => api.eventOf(input, eventIndex));
/** The event index each query asked about. */
const askedIndexes = (w: ReturnType<typeof fakeWorker>) => w.asked.map((q) => q.args[1]);

beforeEach(async () => {
  set(initialAppState(DEFAULT_INPUT), true);
  openCompare();
  const out = await api.compare(get().input, get().compareInput);
  if (!out.ok) throw new Error(out.error);
  set({ comparison: { id: 1, status: 'done', view: out.view, error: null } });
});

const rows = () => get().comparison.view!.rows;

describe('right event fetcher', () => {
  it('shows the right run’s event at a row only it has, then fetches the next row’s', async () => {
    const row = rows().findIndex((r) => r.kind === 'right-only') + 1;
    set({ compareRow: row });
    const worker = fakeWorker();
    const follow = createRightEventFetcher(useAppStore, worker.fetch);
    follow();
    const rightStep = rows()[row - 1]!.rightStep;
    expect(askedIndexes(worker)).toEqual([rightStep - 1]);
    expect(worker.asked[0]!.args[0]).toBe(get().compareInput);
    await worker.asked[0]!.answer();
    expect(get().rightEvent).toMatchObject({ comparisonId: 1, rightStep });
    expect(get().rightEvent!.view!.event.index).toBe(rightStep - 1);
    expect(askedIndexes(worker)[1]).toBe(rows()[row]!.rightStep - 1);
    await worker.asked[1]!.answer();
    set({ compareRow: row + 1 });
    follow(); // fetched ahead: shown in the same update as the row
    expect(get().rightEvent!.rightStep).toBe(rows()[row]!.rightStep);
  });

  it('shows nothing to fetch before the first row, and waits while a newer comparison is made', async () => {
    const worker = fakeWorker();
    const follow = createRightEventFetcher(useAppStore, worker.fetch);
    follow();
    expect(get().rightEvent).toEqual({ comparisonId: 1, rightStep: 0, view: null });
    expect(askedIndexes(worker)).toEqual([rows()[0]!.rightStep - 1]); // ahead
    set((s) => ({ comparison: { ...s.comparison, status: 'running' }, compareRow: 5 }));
    follow();
    await worker.asked[0]!.answer();
    expect(worker.asked).toHaveLength(1);
    expect(get().rightEvent!.rightStep).toBe(0);
  });

  it('asks nothing while the ordering editor hides the call stack', () => {
    const worker = fakeWorker();
    set({ leftTab: 'ordering', compareRow: 3 });
    createRightEventFetcher(useAppStore, worker.fetch)();
    expect(worker.asked).toHaveLength(0);
    expect(get().rightEvent).toBeNull();
  });
});
