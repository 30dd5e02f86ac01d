/**
 * Compare mode's half of the runner: whenever either side changes, the worker runs
 * both and compares them; the newest answer wins. The aligned row stays where it
 * was (clamped), and the left run's step follows it.
 */
import type { EngineClient } from '../worker/client';
import type { CompareOutcome } from '../worker/protocol';
import { rowPlace } from './actions';
import { useAppStore, type AppState } from './store';

const set = useAppStore.setState;
const get = useAppStore.getState;

const wanted = (s: AppState) => (s.view === 'compare' ? s.compareInput : null);

function onOutcome(o: CompareOutcome): void {
  if (!o.ok) {
    const side = o.side === 'left' ? 'left' : 'right';
    set((s) => ({
      comparison: {
        ...s.comparison,
        status: 'invalid',
        error: `The ${side} side cannot run: ${o.error}`,
      },
    }));
    return;
  }
  set((s) => {
    const next = { ...s, comparison: { status: 'done' as const, view: o.view, error: null } };
    return { comparison: next.comparison, ...rowPlace(next, s.compareRow) };
  });
}

export function startCompareRunner(client: EngineClient): () => void {
  let latest = 0;
  const start = (s: AppState) => {
    const right = wanted(s);
    if (!right) return;
    const id = ++latest;
    set((x) => ({ comparison: { ...x.comparison, status: 'running' } }));
    client.compare(s.input, right).then(
      (o) => id === latest && onOutcome(o),
      (e: Error) =>
        id === latest &&
        set((x) => ({
          comparison: {
            ...x.comparison,
            status: 'failed',
            error: `The engine stopped: ${e.message}. It has been restarted.`,
          },
        })),
    );
  };
  start(get());
  return useAppStore.subscribe((s, prev) => {
    if (wanted(s) && (s.input !== prev.input || wanted(s) !== wanted(prev))) start(s);
    // The left run re-places its step when it finishes; the row decides it here.
    else if (wanted(s) && s.comparison.view && s.run !== prev.run && s.run.status === 'done')
      set((x) => rowPlace(x, x.compareRow));
  });
}
