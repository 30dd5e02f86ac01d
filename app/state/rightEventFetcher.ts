/**
 * Compare mode: the right run's event at the current row, for its call stack. The
 * right run lives in the worker (it is compared there, not streamed), so its events
 * are asked for one at a time, the next row's ahead (lookahead.ts).
 */
import type { EventView } from '../worker/protocol';
import { createLookahead } from './lookahead';
import { selectComparedInput } from './selectors';
import type { StoreApi } from 'zustand';
import type { AppState } from './store';

export type FetchEvent = (input: unknown, eventIndex: number) => Promise<EventView | null>;

type RightEvent = NonNullable<AppState['rightEvent']>;

export function createRightEventFetcher(store: StoreApi<AppState>, fetch: FetchEvent): () => void {
  return createLookahead<RightEvent>(store, {
    position: (s) => s.compareRow,
    scope: (s) => s.comparison.id,
    want(s, row) {
      const { comparison } = s;
      const right = selectComparedInput(s);
      // While a newer comparison is on its way, the rows shown may not be the right input's.
      if (!right || comparison.status !== 'done' || !comparison.view) return null;
      // Not asked while the ordering editor hides the call stack: an edit's answer stays one render.
      if (s.leftTab !== 'stack') return null;
      const rows = comparison.view.rows;
      if (row < 0 || row > rows.length) return null;
      const rightStep = row === 0 ? 0 : rows[row - 1]!.rightStep;
      const key = String(rightStep);
      const at = { comparisonId: comparison.id, rightStep };
      if (rightStep === 0) return { key, value: { ...at, view: null } };
      return {
        key,
        fetch: () => fetch(right, rightStep - 1).then((view) => view && { ...at, view }),
      };
    },
    shownKey: ({ rightEvent, comparison }) =>
      rightEvent?.comparisonId === comparison.id ? String(rightEvent.rightStep) : null,
    show: (rightEvent) => store.setState({ rightEvent }),
  });
}
