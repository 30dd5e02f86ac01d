/** Compare mode's right-side call stack follows the row, the next row's event fetched ahead. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createEngineApi } from '../worker/api';
import type { EventView } from '../worker/protocol';
import { openCompare } from './compare';
import { createRightEventFetcher } from './rightEventFetcher';
import { DEFAULT_INPUT, initialAppState, useAppStore } from './store';

const get = useAppStore.getState;
const set = useAppStore.setState;
const api = createEngineApi();

/** Answers each query from the in-thread engine as soon as the test says so. */
function fakeWorker() {
  const asked: { input: unknown; eventIndex: number; answer: () => Promise<void> }[] = [];
  const fetch = (input: unknown, eventIndex: number) =>
    new Promise<EventView | null>((resolve) => {
      asked.push({
        input,
        eventIndex,
        answer: async () => {
          resolve(api.eventOf(input, eventIndex));
          await new Promise((r) => setTimeout(r, 0));
        },
      });
    });
  return { asked, fetch };
}

beforeEach(() => {
  set(initialAppState(DEFAULT_INPUT), true);
  openCompare();
  const out = api.compare(get().input, get().compareInput);
  if (!out.ok) throw new Error(out.error);
  set({ comparison: { id: 1, status: 'done', view: out.view, error: null } });
});

const rows = () => get().comparison.view!.rows;

describe('right event fetcher', () => {
  it('shows the right run’s event at a row only it has, then fetches the next row’s', async () => {
    const row = rows().findIndex((r) => r.kind === 'right-only') + 1;
    set({ compareRow: row });
    const worker = fakeWorker();
    const follow = createRightEventFetcher(worker.fetch);
    follow();
    const rightStep = rows()[row - 1]!.rightStep;
    expect(worker.asked.map((q) => q.eventIndex)).toEqual([rightStep - 1]);
    expect(worker.asked[0]!.input).toBe(get().compareInput);
    await worker.asked[0]!.answer();
    expect(get().rightEvent).toMatchObject({ comparisonId: 1, rightStep });
    expect(get().rightEvent!.view!.event.index).toBe(rightStep - 1);
    expect(worker.asked[1]!.eventIndex).toBe(rows()[row]!.rightStep - 1);
    await worker.asked[1]!.answer();
    set({ compareRow: row + 1 });
    follow(); // fetched ahead: shown in the same update as the row
    expect(get().rightEvent!.rightStep).toBe(rows()[row]!.rightStep);
  });

  it('shows nothing to fetch before the first row, and waits while a newer comparison is made', async () => {
    const worker = fakeWorker();
    const follow = createRightEventFetcher(worker.fetch);
    follow();
    expect(get().rightEvent).toEqual({ comparisonId: 1, rightStep: 0, view: null });
    expect(worker.asked.map((q) => q.eventIndex)).toEqual([rows()[0]!.rightStep - 1]); // ahead
    set((s) => ({ comparison: { ...s.comparison, status: 'running' }, compareRow: 5 }));
    follow();
    await worker.asked[0]!.answer();
    expect(worker.asked).toHaveLength(1);
    expect(get().rightEvent!.rightStep).toBe(0);
  });

  it('asks nothing while the ordering editor hides the call stack', () => {
    const worker = fakeWorker();
    set({ leftTab: 'ordering', compareRow: 3 });
    createRightEventFetcher(worker.fetch)();
    expect(worker.asked).toHaveLength(0);
    expect(get().rightEvent).toBeNull();
  });
});
