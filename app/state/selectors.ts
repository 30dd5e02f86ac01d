/**
 * Derived values, computed from the store and memoised on the trace's identity and
 * version, never stored twice.
 */
import {
  applyChange,
  type Change,
  type MmuState,
  type Origin,
  type Phase,
  type Trace,
  type TraceEvent,
} from '../engine/view';
import type { AppState } from './store';

export const selectTraceLength = (s: AppState): number => s.run.trace?.length ?? 0;

/** The scenario compare mode puts on the right, or null outside compare mode. */
export const selectComparedInput = (s: AppState) => (s.view === 'compare' ? s.compareInput : null);

/** The rows compare mode steps through, once a comparison is there. */
export const selectCompareRows = (s: AppState) =>
  s.view === 'compare' ? (s.comparison.view?.rows ?? null) : null;

/** What Step, Play and the keyboard move: the step, or in compare mode the aligned row. */
export const selectCursor = (s: AppState): number => (selectCompareRows(s) ? s.compareRow : s.step);
export const selectCursorLength = (s: AppState): number =>
  selectCompareRows(s)?.length ?? selectTraceLength(s);
/** Whether the cursor's length is final (nothing more is streaming in). */
export const selectCursorComplete = (s: AppState): boolean =>
  selectCompareRows(s) ? s.comparison.status !== 'running' : s.run.status !== 'running';

/** The event the current step just applied (null at step 0). */
export const selectEvent = (s: AppState): TraceEvent | null =>
  s.run.trace?.events[s.step - 1] ?? null;

/**
 * The keys of `section` that the current step changed, space-separated: a string, so a
 * pane that selects it re-renders only when they differ (most steps change none).
 */
export const selectChangedKeys = (s: AppState, section: Change['section']): string =>
  (selectEvent(s)?.changes ?? [])
    .filter((c) => c.section === section)
    .map((c) => c.key)
    .join(' ');

let stateCache: { trace: Trace; step: number; state: MmuState } | null = null;

/**
 * Applies one event's changes (or undoes them) copy-on-write: only the sections it
 * touches get new objects, so a pane whose section did not change keeps its props
 * and skips rendering.
 */
function stepState(prev: MmuState, e: TraceEvent, forward: boolean): MmuState {
  const next = { ...prev };
  const copied = new Set<string>();
  const changes = forward ? e.changes : [...e.changes].reverse();
  for (const c of changes) {
    if (!copied.has(c.section)) {
      (next as Record<string, unknown>)[c.section] = { ...prev[c.section] };
      copied.add(c.section);
    }
    applyChange(next, c, forward);
  }
  return next;
}

/** Kernel state after the current step. */
export function selectMmuState(s: AppState): MmuState | null {
  const t = s.run.trace;
  if (!t) return null;
  const c = stateCache;
  // Traces only grow, so a step's state never changes once computed.
  if (c && c.trace === t && c.step === s.step) return c.state;
  let state: MmuState;
  if (c && c.trace === t && c.step === s.step - 1)
    state = stepState(c.state, t.events[s.step - 1]!, true);
  else if (c && c.trace === t && c.step === s.step + 1)
    state = stepState(c.state, t.events[s.step]!, false);
  else state = t.stateAt(s.step - 1);
  stateCache = { trace: t, step: s.step, state };
  return state;
}

/** One section of the state; its identity only changes when the section does. */
const section =
  <K extends keyof MmuState>(key: K) =>
  (s: AppState): MmuState[K] | null =>
    selectMmuState(s)?.[key] ?? null;
export const selectMasks = section('masks');
export const selectConfig = section('config');
export const selectCaches = section('caches');
export const selectPointers = section('pointers');
export const selectLifecycle = section('lifecycle');
export const selectVm = section('vm');

export interface PhaseSegment {
  phase: Phase;
  /** First and last event index of the segment. */
  from: number;
  to: number;
}

/**
 * Derived data that folds over the trace's events. Traces only grow (events stream
 * in), so each call folds just the events that arrived since the last one.
 */
function foldOnTrace<T>(
  empty: () => T,
  add: (acc: T, e: TraceEvent) => T,
): (s: AppState) => T | null {
  let cache: { trace: unknown; folded: number; value: T } | null = null;
  return (s) => {
    const t = s.run.trace;
    if (!t) return null;
    if (!cache || cache.trace !== t) cache = { trace: t, folded: 0, value: empty() };
    if (cache.folded < t.events.length) {
      let value = cache.value;
      for (let i = cache.folded; i < t.events.length; i++) value = add(value, t.events[i]!);
      cache = { trace: t, folded: t.events.length, value };
    }
    return cache.value;
  };
}

/** Runs of consecutive events in the same phase, for the timeline (a new array when it changes). */
export const selectPhaseSegments = foldOnTrace<PhaseSegment[]>(
  () => [],
  (segments, e) => {
    const last = segments[segments.length - 1];
    return last && last.phase === e.phase
      ? [...segments.slice(0, -1), { ...last, to: e.index }]
      : [...segments, { phase: e.phase, from: e.index, to: e.index }];
  },
);

/** For each mask: the events that changed it and who wrote it (appended in place; read by binary search). */
const selectMaskHistory = foldOnTrace(
  () => new Map<string, { at: number[]; origin: Origin[] }>(),
  (history, e) => {
    for (const c of e.changes) {
      if (c.section !== 'masks') continue;
      let h = history.get(c.key);
      if (!h) history.set(c.key, (h = { at: [], origin: [] }));
      h.at.push(e.index);
      h.origin.push(e.kind === 'module' ? 'common' : e.origin);
    }
    return history;
  },
);

/** Who last wrote each mask at the current step: 'reset', 'vmx', 'svm', 'common' (module load) or null. */
export function selectMaskWriter(
  s: AppState,
  mask: string,
): { origin: Origin; event: number } | null {
  const h = selectMaskHistory(s)?.get(mask);
  if (!h) return null;
  let lo = 0;
  let hi = h.at.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (h.at[mid]! <= s.step - 1) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? null : { origin: h.origin[found]!, event: h.at[found]! };
}

/** The masks hold EPT values once VMX's kvm_mmu_set_ept_masks() wrote them (it alone sets shadow_x_mask). */
export const selectPagingFormat = (s: AppState): 'ept' | 'x86' =>
  selectMaskWriter(s, 'shadow_x_mask')?.origin === 'vmx' ? 'ept' : 'x86';
