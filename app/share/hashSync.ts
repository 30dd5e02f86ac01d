/**
 * Keeps the URL hash equal to what is on screen, a moment later. Scenario changes
 * push a history entry (so Back undoes them); moving through steps only replaces
 * the current one.
 * Opening the app reads the hash — or, without one, the last session — and a bad
 * link is explained, never run.
 */
import { openLinkState, showNotice } from '../state/actions';
import { DEFAULT_LINK, useAppStore, type AppState, type LinkState } from '../state/store';
import { decodeLink, encodeLink } from './codec';
import {
  forgetSuperseded,
  noteSuperseded,
  takeSuperseding,
  type SessionStore,
} from './supersededLink';

export const LAST_SESSION_KEY = 'kvm-mmu-visualizer/last-link';

export interface HashHost {
  location: { hash: string };
  history: {
    /** The current entry's data (what replaceState or pushState gave it). */
    readonly state: unknown;
    pushState(data: unknown, unused: string, url: string): void;
    replaceState(data: unknown, unused: string, url?: string): void;
  };
  addEventListener(type: 'popstate' | 'pagehide', listener: () => void): void;
  removeEventListener(type: 'popstate' | 'pagehide', listener: () => void): void;
  /** Either storage may be missing, or throw when touched at all (storage blocked). */
  localStorage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  sessionStorage?: SessionStore;
  /** Tells a reload from a link opened or a history entry visited (supersededLink.ts). */
  performance?: Pick<Performance, 'getEntriesByType'>;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export const linkStateOf = (s: AppState): LinkState => ({
  scenario: s.input,
  // In compare mode the position is the aligned row, which also places the left step.
  step: s.view === 'compare' ? s.compareRow : s.step,
  view: s.view,
  gfn: s.gfn,
  compare: s.view === 'compare' ? s.compareInput : null,
  ...(s.lesson && { lesson: { id: s.lesson.id, step: s.lesson.step } }),
});

/**
 * Moving through steps rewrites the URL once they pause this long: encoding the link
 * and replaceState() cost a few ms, which while playing or holding → would land
 * between frames every few steps. The page going away writes at once.
 */
const STEPS_SETTLE_MS = 250;
/**
 * A scenario change reaches the URL once changes pause this long: pushState and
 * localStorage cost a few ms, which would otherwise delay the frame that shows
 * the change (or, during a burst of edits, the next one's). A burst makes one
 * history entry.
 */
const PUSH_AFTER_MS = 100;

/** `host[name]`, or undefined where even looking at it throws (storage blocked). */
function storage<K extends 'localStorage' | 'sessionStorage'>(
  host: HashHost,
  name: K,
): HashHost[K] | undefined {
  try {
    return host[name];
  } catch {
    return undefined;
  }
}

function readStorage(host: HashHost): string | null {
  try {
    return storage(host, 'localStorage')?.getItem(LAST_SESSION_KEY) ?? null;
  } catch {
    return null;
  }
}

export const CANNOT_KEEP_SESSION =
  'This browser does not let the app keep your session (its storage is full or blocked): the link in the address bar holds this view, but opening the app without it will show the default scenario.';

/**
 * Keeps `hash` as the last session; false if the browser would not. A session that
 * cannot be kept is forgotten, so the app never reopens on an older one.
 */
function keepSession(host: HashHost, hash: string): boolean {
  const local = storage(host, 'localStorage');
  if (!local) return false;
  try {
    local.setItem(LAST_SESSION_KEY, hash);
    return true;
  } catch {
    try {
      local.removeItem(LAST_SESSION_KEY);
    } catch {
      // blocked: there is nothing kept to forget
    }
    return false;
  }
}

/**
 * Whether the app opens into a lesson (the hash's link, or without one the last
 * session's): main.tsx then fetches the lessons first, so the lesson is what runs.
 */
export function initialLinkOpensLesson(host: HashHost = window as unknown as HashHost): boolean {
  const fromHash = decodeLink(host.location.hash);
  if (!fromHash.ok) return false;
  if (fromHash.value) return fromHash.value.lesson !== undefined;
  const saved = readStorage(host);
  const fromStorage = saved ? decodeLink(saved) : null;
  return fromStorage?.ok === true && fromStorage.value?.lesson !== undefined;
}

/** Applies the hash (or the last session, or the default) to the store, and returns it. */
function loadInitial(host: HashHost): LinkState {
  const fromHash = decodeLink(host.location.hash);
  if (!fromHash.ok) {
    showNotice(
      `This link could not be opened: ${fromHash.error}. Showing the default scenario instead.`,
    );
    openLinkState(DEFAULT_LINK, false);
    return DEFAULT_LINK;
  }
  const saved = fromHash.value ? null : readStorage(host);
  const fromStorage = saved ? decodeLink(saved) : null;
  const link = fromHash.value ?? (fromStorage?.ok ? fromStorage.value : null);
  if (!link) return DEFAULT_LINK;
  openLinkState(link, true);
  return link;
}

/** What a bare entry showed, from the data startHashSync gave it. */
function shownBy(state: unknown): LinkState | null {
  const shown = (state as { shown?: unknown } | null)?.shown;
  if (typeof shown !== 'string') return null;
  const decoded = decodeLink(shown);
  return decoded.ok ? decoded.value : null;
}

function isReload(host: HashHost): boolean {
  const [navigation] = host.performance?.getEntriesByType('navigation') ?? [];
  return (navigation as PerformanceNavigationTiming | undefined)?.type === 'reload';
}

export function startHashSync(host: HashHost = window as unknown as HashHost): () => void {
  const session = storage(host, 'sessionStorage');
  const newer = takeSuperseding(session, host.location.hash, isReload(host));
  if (newer) host.history.replaceState(null, '', newer);
  // A page opened without a hash keeps it so until the first change; Back to that first
  // entry returns to what it showed, which the entry keeps in its data: after a reload,
  // what this page opened is another view.
  const opened = loadInitial(host);
  if (!host.location.hash) host.history.replaceState({ shown: encodeLink(opened) }, '');
  let written = host.location.hash;
  let timer: unknown = null;
  /** Whether the pending write is a scenario change (a new history entry). */
  let push = false;
  let saidCannotKeep = false;
  const write = () => {
    timer = null;
    const hash = encodeLink(linkStateOf(useAppStore.getState()));
    const asEntry = push;
    push = false;
    if (hash === written) return;
    const from = host.location.hash;
    written = hash;
    if (asEntry) host.history.pushState(null, '', hash);
    else host.history.replaceState(null, '', hash);
    noteSuperseded(session, from, hash); // a reload may already have taken `from`
    if (!keepSession(host, hash) && !saidCannotKeep) {
      saidCannotKeep = true; // once: the URL still holds everything
      showNotice(CANNOT_KEEP_SESSION);
    }
  };
  const cancel = () => {
    if (timer !== null) host.clearTimeout(timer);
    timer = null;
    push = false;
  };
  /** The page goes away: a pending change is written at once (supersededLink.ts). */
  const flush = () => {
    if (timer === null) return;
    host.clearTimeout(timer);
    write();
  };
  /** Set while Back or Forward applies an entry: that is no new entry to push. */
  let restoring = false;
  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (
      s.input !== prev.input ||
      s.view !== prev.view ||
      s.compareInput !== prev.compareInput ||
      s.lesson !== prev.lesson
    ) {
      if (restoring) return;
      cancel(); // a pending entry is rewritten with this change, later
      push = true;
      timer = host.setTimeout(write, PUSH_AFTER_MS);
    } else if (
      (s.step !== prev.step || s.compareRow !== prev.compareRow || s.gfn !== prev.gfn) &&
      !push // a pending entry carries the step with it
    ) {
      if (timer !== null) host.clearTimeout(timer);
      timer = host.setTimeout(write, STEPS_SETTLE_MS);
    }
  });
  const onPop = () => {
    cancel(); // the entry Back went to replaces whatever was about to be written
    forgetSuperseded(session);
    const decoded = decodeLink(host.location.hash);
    written = host.location.hash;
    if (!decoded.ok) return showNotice(`This link could not be opened: ${decoded.error}.`);
    // A bare first entry would otherwise get a new entry pushed after it, dropping Forward's.
    restoring = true;
    try {
      openLinkState(decoded.value ?? shownBy(host.history.state) ?? opened, true);
    } finally {
      restoring = false;
    }
  };
  host.addEventListener('popstate', onPop);
  host.addEventListener('pagehide', flush);
  return () => {
    unsubscribe();
    host.removeEventListener('popstate', onPop);
    host.removeEventListener('pagehide', flush);
  };
}
