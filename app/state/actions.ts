/** Everything the UI (and the keyboard, and links) can do to the store. */
import type { ScenarioInput } from '../engine/view';
import type { LinkState } from '../share/codec';
import { DEFAULT_INPUT, useAppStore, type AppState } from './store';

const set = useAppStore.setState;
const get = useAppStore.getState;

const traceLength = (s: AppState) => s.run.trace?.length ?? 0;
const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

/** Changes the scenario; the runner starts a new run for it. */
export function setInput(update: (input: ScenarioInput) => ScenarioInput): void {
  set((s) => ({ input: update(s.input), notice: null }));
}

export function seek(step: number): void {
  set((s) => ({ step: clamp(Math.round(step), 0, traceLength(s)) }));
}

export function stepBy(delta: number): void {
  set({ playing: false });
  seek(get().step + delta);
}

export const restart = (): void => set({ step: 0, playing: false });
export const goToEnd = (): void => set((s) => ({ step: traceLength(s), playing: false }));

export function togglePlay(): void {
  const s = get();
  if (s.playing) return set({ playing: false });
  set({ playing: true, step: s.step >= traceLength(s) ? 0 : s.step });
}

export const setSpeed = (speed: number): void => set({ speed });
export const selectGfn = (gfn: number | null): void => set({ gfn });
export const toggleHelp = (open?: boolean): void => set((s) => ({ helpOpen: open ?? !s.helpOpen }));
export const toggleTheme = (): void =>
  set((s) => ({ theme: s.theme === 'dark' ? 'light' : 'dark' }));
export const showNotice = (notice: string | null): void => set({ notice });

/** A link, file or the default scenario replaces the edits and their history. */
const NO_EDIT_HISTORY = { editUndo: [], editRedo: [], parkedEdits: {} } satisfies Partial<AppState>;

/** Shows trace event `index` as the current step. */
export function jumpToEvent(index: number): void {
  set({ playing: false });
  seek(index + 1);
}

/**
 * Opens a view described by a link, file or the last session: the step is placed
 * once the run has streamed that far. `fallBackOnError`: if its scenario turns out
 * not to run, say why and show the default scenario.
 */
export function openLinkState(link: LinkState, fallBackOnError: boolean): void {
  pendingLink = { step: link.step, fallBack: fallBackOnError };
  set({
    input: link.scenario,
    view: link.view,
    compareInput: link.compare,
    gfn: link.gfn,
    playing: false,
    ...NO_EDIT_HISTORY,
  });
}

/** Consumed by the runner: the step a just-opened link wants, and whether to fall back. */
let pendingLink: { step: number; fallBack: boolean } | null = null;
export function takePendingLink(): { step: number; fallBack: boolean } | null {
  const p = pendingLink;
  pendingLink = null;
  return p;
}

export const openDefault = (reason: string): void => {
  set({
    input: DEFAULT_INPUT,
    view: 'single',
    compareInput: null,
    notice: reason,
    ...NO_EDIT_HISTORY,
  });
};
