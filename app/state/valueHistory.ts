/**
 * The value history: which value is open, its history (derived from the trace for
 * globals and caches, asked of the worker for an rmap head), and moving to its
 * previous or next write.
 */
import {
  valueHistory,
  type EditAttribution,
  type ValueAccess,
  type ValueKey,
} from '../engine/view';
import { jumpToEvent } from './actions';
import { useAppStore, type AppState } from './store';

export const sameValue = (a: ValueKey | null, b: ValueKey | null): boolean =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.kind === b.kind &&
    (a.kind === 'rmap' ? a.gfn === (b as typeof a).gfn : a.name === (b as typeof a).name));

/** How the panel and the timeline name a value. */
export const valueName = (k: ValueKey): string =>
  k.kind === 'rmap'
    ? `gfn ${k.gfn}’s rmap head`
    : k.kind === 'cache'
      ? `kmem cache ${k.name}`
      : k.name;

export interface OpenHistory {
  key: ValueKey;
  /** In trace order; null while the worker works out an rmap head's, or if it could not. */
  accesses: readonly ValueAccess[] | null;
  /** Why the worker could not work out an rmap head's history. */
  error: string | null;
}

let traceCache: { trace: unknown; length: number; key: ValueKey; accesses: ValueAccess[] } | null =
  null;
let shown: OpenHistory | null = null;

/**
 * The accesses of the open value (a string: the worker's error), recomputed only
 * when the trace grows or the value changes.
 */
function accessesOf(s: AppState, key: ValueKey): readonly ValueAccess[] | string | null {
  if (key.kind === 'rmap') {
    const h = s.rmapHistory;
    if (!h || h.runId !== s.run.runId || h.gfn !== key.gfn) return null;
    return 'value' in h ? h.value : h.error;
  }
  const t = s.run.trace;
  if (!t) return null;
  const c = traceCache;
  if (!c || c.trace !== t || c.length !== t.length || c.key !== key)
    traceCache = { trace: t, length: t.length, key, accesses: valueHistory(t, key) };
  return traceCache!.accesses;
}

/** The open value's history (null when none is open); the same object until it changes, as React needs. */
export function selectValueHistory(s: AppState): OpenHistory | null {
  const key = s.history;
  // Compare mode steps through aligned rows, not this run's events.
  if (!key || s.view === 'compare') return null;
  const got = accessesOf(s, key);
  const accesses = typeof got === 'string' ? null : got;
  const error = typeof got === 'string' ? got : null;
  if (shown?.key !== key || shown.accesses !== accesses || shown.error !== error)
    shown = { key, accesses, error };
  return shown;
}

/**
 * Which edit produced each finding of the run shown, or why that could not be worked
 * out; null until the worker answers for this run.
 */
export const selectAttribution = (s: AppState): EditAttribution | { error: string } | null => {
  const a = s.attribution;
  if (!a || a.runId !== s.run.runId) return null;
  return 'value' in a ? a.value : a;
};

const set = useAppStore.setState;
const get = useAppStore.getState;

/** Opens `key`'s history, or closes it if it is the one open. */
export function toggleHistory(key: ValueKey): void {
  set((s) => ({ history: sameValue(s.history, key) ? null : key }));
}

export const closeHistory = (): void => set((s) => (s.history ? { history: null } : s));

/** The open value's write before (-1) or after (+1) the current step, if there is one. */
export function writeFrom(s: AppState, direction: 1 | -1): ValueAccess | null {
  const writes = selectValueHistory(s)?.accesses?.filter((a) => a.access === 'write') ?? [];
  const at = s.step - 1;
  return (
    (direction > 0
      ? writes.find((a) => a.event > at)
      : [...writes].reverse().find((a) => a.event < at)) ?? null
  );
}

/** Moves to the open value's previous or next write. */
export function jumpToWrite(direction: 1 | -1): void {
  const w = writeFrom(get(), direction);
  if (w) jumpToEvent(w.event);
}
