/**
 * Keeps a value that depends on where the user is (the step, compare mode's row) in
 * the store, asking the worker one query at a time. The value of the position the
 * user is heading to is fetched ahead and the last few are kept, so a move usually
 * finds its value ready and shows it in the same render as the rest of the move;
 * waiting for the worker instead costs a second render and paint (docs/performance.md).
 * Only the position ahead in the direction of travel is fetched: the worker replays a
 * chain forward cheaply but from the start when asked for an earlier tick, and the
 * position just left is kept anyway.
 */
import type { StoreApi } from 'zustand';
import type { AppState } from './store';

/** What a position shows: known at once, or asked of the worker (null: nothing to show). */
export type Wanted<V> =
  { key: string; value: V } | { key: string; fetch: () => Promise<V | null> } | null;

export interface LookaheadSpec<V> {
  /** Where the user is: a move of one is a step (it sets the heading), a larger one a jump. */
  position(s: AppState): number;
  /** What the values belong to (a run, a comparison): a new scope drops the kept ones. */
  scope(s: AppState): unknown;
  want(s: AppState, position: number): Wanted<V>;
  /** The key of the value the store shows now, if it belongs to the current scope. */
  shownKey(s: AppState): string | null;
  show(value: V): void;
}

/** Values kept: the current one, the next, and a few the user just left. */
const KEPT = 8;

/** Returns `follow`, to be called whenever the position or what it shows may have changed. */
export function createLookahead<V>(store: StoreApi<AppState>, spec: LookaheadSpec<V>): () => void {
  const kept = new Map<string, V>();
  let scope: unknown = undefined;
  let busy = false;
  let last = 0;
  /** +1 or -1: where the user is heading. */
  let heading = 1;

  const keep = (key: string, value: V) => {
    kept.delete(key);
    kept.set(key, value);
    if (kept.size > KEPT) kept.delete(kept.keys().next().value!);
  };

  /** Shows the current position's value if it is at hand; returns the query still needed. */
  function showCurrent(s: AppState): Wanted<V> {
    const w = spec.want(s, spec.position(s));
    if (!w || spec.shownKey(s) === w.key) return null;
    if ('value' in w) {
      spec.show(w.value);
      return null;
    }
    const value = kept.get(w.key);
    if (value === undefined) return w;
    spec.show(value);
    return null;
  }

  /** The next query to send: the current position's value first, then the one ahead. */
  function nextQuery(s: AppState): Wanted<V> {
    const missing = showCurrent(s);
    if (missing) return missing;
    const ahead = spec.want(s, spec.position(s) + heading);
    return ahead && 'fetch' in ahead && !kept.has(ahead.key) ? ahead : null;
  }

  function follow(): void {
    const s = store.getState();
    if (spec.scope(s) !== scope) {
      kept.clear();
      scope = spec.scope(s);
    }
    const at = spec.position(s);
    // A step back heads back; a jump (Home, the scrubber, a finding) is most often followed by steps forward.
    if (at !== last) heading = at === last - 1 ? -1 : 1;
    last = at;
    if (busy) {
      showCurrent(s); // what is at hand shows now; the rest is asked once the query in flight returns
      return;
    }
    const w = nextQuery(s);
    if (!w || !('fetch' in w)) return;
    busy = true;
    const asked = scope;
    w.fetch()
      .then((value) => {
        if (value !== null && asked === scope) keep(w.key, value);
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
        follow();
      });
  }

  return follow;
}
