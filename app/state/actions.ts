/** Everything the UI (and the keyboard, and links) can do to the store. */
import { clipped, type ScenarioInput } from '../engine/view';
import { followLeft } from './compare';
import { lessonsLoaded, loadLessons, openLesson } from './lesson';
import { selectCompareRows, selectCursor, selectCursorLength } from './selectors';
import {
  DEFAULT_LINK,
  emptyRun,
  NO_EDIT_HISTORY,
  useAppStore,
  type AppState,
  type Dialog,
  type LinkState,
} from './store';

const set = useAppStore.setState;
const get = useAppStore.getState;

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

/** Changes the scenario (and the compared one's situation with it); the runner starts a new run. */
export function setInput(update: (input: ScenarioInput) => ScenarioInput): void {
  set((s) => {
    const input = update(s.input);
    return { input, notice: null, ...followLeft(s, input) };
  });
}

/** Compare mode's row `row`, and the left run's step that goes with it. */
export function rowPlace(s: AppState, row: number): Partial<AppState> {
  const rows = selectCompareRows(s) ?? [];
  const r = clamp(row, 0, rows.length);
  return { compareRow: r, step: r ? rows[r - 1]!.leftStep : 0 };
}

/** Moves the cursor: the step, or in compare mode the aligned row (and both runs with it). */
export function seek(position: number): void {
  set((s) => {
    const p = clamp(Math.round(position), 0, selectCursorLength(s));
    return selectCompareRows(s) ? rowPlace(s, p) : { step: p };
  });
}

export function stepBy(delta: number): void {
  set({ playing: false });
  seek(selectCursor(get()) + delta);
}

export function restart(): void {
  set({ playing: false });
  seek(0);
}
export function goToEnd(): void {
  set({ playing: false });
  seek(Infinity);
}

export function togglePlay(): void {
  const s = get();
  if (s.playing) return set({ playing: false });
  if (selectCursor(s) >= selectCursorLength(s)) seek(0);
  set({ playing: true });
}

export const setSpeed = (speed: number): void => set({ speed });
export const selectGfn = (gfn: number | null): void => set({ gfn });
/** Opens `dialog` over the app, or closes it when it is the one open. */
export const toggleDialog = (dialog: Dialog): void =>
  set((s) => ({ dialog: s.dialog === dialog ? null : dialog }));
export const openDialog = (dialog: Dialog): void => set({ dialog });
export const closeDialog = (): void => set({ dialog: null });
export const toggleTheme = (): void =>
  set((s) => ({ theme: s.theme === 'dark' ? 'light' : 'dark' }));
export const showNotice = (notice: string | null): void => set({ notice });
/** The notice for a file that was not opened. */
export const notOpened = (name: string, why: string): string =>
  `${clipped(name, 80)} was not opened: ${why}. The current view is unchanged.`;

/** Shows trace event `index` as the current step. */
export function jumpToEvent(index: number): void {
  set({ playing: false });
  seek(index + 1);
}

/**
 * Opens a view described by a link, file or the last session: the step is placed
 * once the run has streamed that far. `fallBackOnError`: if its scenario turns out
 * not to run, say why and show the default scenario. A link into a lesson opens the
 * lesson's step, wherever that step is in today's trace.
 */
export function openLinkState(link: LinkState, fallBackOnError: boolean): void {
  if (link.lesson && !lessonsLoaded()) {
    // Normally in already (main.tsx waits for them before a lesson link; idle preload).
    void loadLessons().then((loaded) =>
      loaded
        ? openLinkState(link, fallBackOnError)
        : openScenarioOf(
            link,
            fallBackOnError,
            'The lessons could not be loaded (the connection dropped or the app was updated): showing the lesson step’s scenario instead. Reload to try again.',
          ),
    );
    return;
  }
  if (link.lesson && openLesson(link.lesson.id, link.lesson.step)) return;
  openScenarioOf(
    link,
    fallBackOnError,
    link.lesson
      ? `This link opens a lesson this version of the app does not have (“${link.lesson.id}”): showing its scenario instead.`
      : null,
  );
}

function openScenarioOf(link: LinkState, fallBackOnError: boolean, notice: string | null): void {
  set({
    ...(notice && { notice }),
    lesson: null,
    input: link.scenario,
    view: link.view,
    compareInput: link.compare,
    // Placed (and clamped) once the comparison is made.
    compareRow: link.view === 'compare' ? link.step : 0,
    gfn: link.gfn,
    playing: false,
    opened: { step: link.step, fallBack: fallBackOnError },
    ...NO_EDIT_HISTORY,
  });
}

/**
 * Leaves whatever is shown for the default scenario, saying why: the run shown is
 * dropped too (it may be what could not be drawn), and the default runs anew.
 */
export function showDefaultScenario(why: string | null): void {
  openLinkState({ ...DEFAULT_LINK, scenario: { ...DEFAULT_LINK.scenario } }, false);
  set((s) => ({ run: emptyRun(s.run.runId), chain: null, step: 0, notice: why }));
}
