/** The URL hash follows the view; Back and Forward move through scenario changes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lessonById } from '../lessons';
import { setInput, seek } from '../state/actions';
import { loadLessons } from '../state/lesson';
import { DEFAULT_INPUT, initialAppState, useAppStore } from '../state/store';
import { decodeLink, encodeLink } from './codec';
import {
  CANNOT_KEEP_SESSION,
  initialLinkOpensLesson,
  LAST_SESSION_KEY,
  startHashSync,
  type HashHost,
} from './hashSync';

class FakeHost implements HashHost {
  location = { hash: '' };
  entries: string[] = [];
  pushes = 0;
  replaces = 0;
  store = new Map<string, string>();
  private listeners: [string, () => void][] = [];
  private timers: (() => void)[] = [];
  /** Pending writes put off again (cleared timers). */
  postponed = 0;
  /** The current entry's data. */
  entryState: unknown = null;
  history = ((self: FakeHost) => ({
    get state(): unknown {
      return self.entryState;
    },
    pushState: (d: unknown, _u: string, url: string) => {
      self.pushes++;
      self.entries.push(url);
      self.location.hash = url;
      self.entryState = d;
    },
    replaceState: (d: unknown, _u: string, url?: string) => {
      self.entryState = d;
      if (url === undefined) return;
      self.replaces++;
      self.entries[self.entries.length - 1] = url;
      self.location.hash = url;
    },
  }))(this);
  localStorage = {
    getItem: (k: string) => this.store.get(k) ?? null,
    setItem: (k: string, v: string) => void this.store.set(k, v),
    removeItem: (k: string) => void this.store.delete(k),
  };
  /** This tab's: it outlives a page (a reload), not the tab. */
  session = new Map<string, string>();
  sessionStorage = {
    getItem: (k: string) => this.session.get(k) ?? null,
    setItem: (k: string, v: string) => void this.session.set(k, v),
    removeItem: (k: string) => void this.session.delete(k),
  };
  /** How this page was opened: a link or history entry ('navigate'), or a reload. */
  navigationType = 'navigate';
  performance = {
    getEntriesByType: () => [{ type: this.navigationType }] as unknown as PerformanceEntryList,
  };
  addEventListener(type: string, l: () => void) {
    this.listeners.push([type, l]);
  }
  removeEventListener(type: string, l: () => void) {
    this.listeners = this.listeners.filter(([t, x]) => t !== type || x !== l);
  }
  fire(type: 'popstate' | 'pagehide') {
    this.listeners.filter(([t]) => t === type).forEach(([, l]) => l());
  }
  setTimeout(fn: () => void) {
    this.timers.push(fn);
    return this.timers.length;
  }
  clearTimeout() {
    if (this.timers.length) this.postponed++;
    this.timers = [];
  }
  flushTimers() {
    const t = this.timers;
    this.timers = [];
    t.forEach((f) => f());
  }
  /** Back (or Forward) to the entry `hash` with data `state`. */
  back(hash: string, state: unknown = null) {
    this.location.hash = hash;
    this.entryState = state;
    this.fire('popstate');
  }
  /** The same tab reloading `hash`: storage kept, page state gone. */
  reload(hash: string): FakeHost {
    return this.open(hash, 'reload');
  }
  /** The same tab opening `hash` as a new page (a link, a history entry not cached). */
  open(hash: string, navigationType = 'navigate'): FakeHost {
    const next = new FakeHost();
    next.location.hash = hash;
    next.navigationType = navigationType;
    next.store = this.store;
    next.session = this.session;
    return next;
  }
}

let stop: () => void = () => undefined;
beforeEach(() => {
  useAppStore.setState(initialAppState(DEFAULT_INPUT), true);
});
afterEach(() => stop());

const link = (kernel: 'v6.0' | 'seed-p3', step: number) =>
  encodeLink({
    scenario: { v: 1, kernel, vendor: 'amd' },
    step,
    view: 'single',
    gfn: 7,
    compare: null,
  });

/** A link at step 42 of v6.0 on AMD that also opens lesson `id` at `step`. */
const lessonLink = (id: string, step: number) =>
  encodeLink({
    scenario: { v: 1, kernel: 'v6.0', vendor: 'amd' },
    step: 42,
    view: 'single',
    gfn: null,
    compare: null,
    lesson: { id, step },
  });

describe('opening the app', () => {
  it('a link sets the scenario and asks the runner for its step', () => {
    const host = new FakeHost();
    host.location.hash = link('v6.0', 42);
    expect(initialLinkOpensLesson(host)).toBe(false);
    stop = startHashSync(host);
    expect(useAppStore.getState()).toMatchObject({
      input: { kernel: 'v6.0', vendor: 'amd' },
      gfn: 7,
      view: 'single',
    });
    expect(useAppStore.getState().opened).toEqual({ step: 42, fallBack: true });
  });
  it('a link into a lesson opens the lesson’s step where its pin is, whatever step it names', async () => {
    const host = new FakeHost();
    host.location.hash = lessonLink('mask-reset', 1);
    expect(initialLinkOpensLesson(host)).toBe(true);
    await loadLessons(); // as main.tsx does for such a link
    stop = startHashSync(host);
    const s = useAppStore.getState();
    const lesson = lessonById('mask-reset')!;
    expect(s.input).toEqual(lesson.scenario);
    expect(s.lesson).toEqual({ id: 'mask-reset', step: 1, input: s.input, afterRun: 0 });
    expect(s.opened).toEqual({ step: 0, fallBack: false, pin: lesson.steps[1]!.at });
  });
  it('a link into a lesson this app does not have opens its scenario and says so', async () => {
    const host = new FakeHost();
    host.location.hash = lessonLink('from-the-future', 0);
    await loadLessons();
    stop = startHashSync(host);
    expect(useAppStore.getState()).toMatchObject({
      input: { kernel: 'v6.0', vendor: 'amd' },
      lesson: null,
      opened: { step: 42 },
      notice: expect.stringMatching(/lesson this version of the app does not have/),
    });
  });
  it('a broken link says why and opens the default scenario', () => {
    const host = new FakeHost();
    host.location.hash = '#s1/%%%broken';
    stop = startHashSync(host);
    expect(useAppStore.getState().input).toEqual(DEFAULT_INPUT);
    expect(useAppStore.getState().notice).toMatch(/could not be opened: the link is damaged/);
    expect(host.location.hash).toBe('#s1/%%%broken'); // left for the user to see
  });
  it('without a hash, the URL stays bare until a change, and Back to that first entry returns to what it showed', () => {
    const host = new FakeHost();
    host.store.set(LAST_SESSION_KEY, link('seed-p3', 9));
    stop = startHashSync(host);
    expect([host.pushes, host.replaces]).toEqual([0, 0]);
    setInput((i) => ({ ...i, kernel: 'v6.0' }));
    host.flushTimers();
    const before = useAppStore.getState().opened;
    host.back('');
    expect(useAppStore.getState().input.kernel).toBe('seed-p3');
    // Opened anew, with the input it asks the runner to place the step for.
    expect(useAppStore.getState().opened).not.toBe(before);
    expect(useAppStore.getState().opened).toEqual({ step: 9, fallBack: true });
    host.flushTimers();
    expect(host.pushes).toBe(1); // no new entry after it: Forward still goes to v6.0
  });
  it('without a hash, after three edits and a reload, Back to the first entry shows what it showed', () => {
    const host = new FakeHost();
    host.store.set(LAST_SESSION_KEY, link('seed-p3', 9));
    stop = startHashSync(host);
    const firstEntry = host.history.state; // what the browser keeps of that entry
    for (const kernel of ['v6.0', 'latest', 'v6.6'] as const) {
      setInput((i) => ({ ...i, kernel }));
      host.flushTimers();
    }
    expect(host.pushes).toBe(3);
    stop();
    useAppStore.setState(initialAppState(DEFAULT_INPUT), true);
    const reloaded = host.reload(host.location.hash);
    stop = startHashSync(reloaded);
    expect(useAppStore.getState().input.kernel).toBe('v6.6');
    reloaded.back('', firstEntry);
    expect(useAppStore.getState().input.kernel).toBe('seed-p3');
    expect(useAppStore.getState().opened).toEqual({ step: 9, fallBack: true });
  });
  it('without a hash, the last session comes back (unsaved edits survive a reload)', () => {
    const host = new FakeHost();
    host.store.set(LAST_SESSION_KEY, link('seed-p3', 9));
    stop = startHashSync(host);
    expect(useAppStore.getState().input.kernel).toBe('seed-p3');
  });
});

describe('while the app runs', () => {
  it('scenario changes push history entries; steps only replace the current one', () => {
    const host = new FakeHost();
    stop = startHashSync(host);
    setInput((i) => ({ ...i, kernel: 'v6.0' }));
    expect(host.pushes).toBe(0); // a moment later, not in the frame that shows the change
    host.flushTimers();
    setInput((i) => ({ ...i, vendor: 'amd' }));
    host.flushTimers();
    expect(host.pushes).toBe(2);
    useAppStore.setState({
      run: { ...useAppStore.getState().run, trace: { length: 100 } as never },
    });
    seek(5);
    seek(6);
    host.flushTimers();
    expect(host.pushes).toBe(2);
    expect(host.replaces).toBe(1);
    const now = decodeLink(host.location.hash);
    expect(now.ok && now.value).toMatchObject({
      scenario: { kernel: 'v6.0', vendor: 'amd' },
      step: 6,
    });
    expect(host.store.get(LAST_SESSION_KEY)).toBe(host.location.hash);
  });
  it('steps that keep coming put the URL write off until they pause', () => {
    const host = new FakeHost();
    stop = startHashSync(host);
    useAppStore.setState({
      run: { ...useAppStore.getState().run, trace: { length: 100 } as never },
    });
    for (let step = 1; step <= 5; step++) seek(step);
    expect([host.replaces, host.postponed]).toEqual([0, 4]);
    host.flushTimers();
    expect(host.replaces).toBe(1);
    const now = decodeLink(host.location.hash);
    expect(now.ok && now.value).toMatchObject({ step: 5 });
  });
  it('scenario changes that keep coming put the write off until they pause, as one entry', () => {
    const host = new FakeHost();
    stop = startHashSync(host);
    for (const kernel of ['v6.0', 'v6.6', 'latest'] as const) setInput((i) => ({ ...i, kernel }));
    expect([host.pushes, host.postponed]).toEqual([0, 2]);
    host.flushTimers();
    expect(host.pushes).toBe(1);
    const now = decodeLink(host.location.hash);
    expect(now.ok && now.value).toMatchObject({ scenario: { kernel: 'latest' } });
  });
  it('changes close together make one entry; steps in between do not split it', () => {
    const host = new FakeHost();
    stop = startHashSync(host);
    setInput((i) => ({ ...i, kernel: 'v6.0' }));
    useAppStore.setState({
      run: { ...useAppStore.getState().run, trace: { length: 100 } as never },
    });
    seek(3);
    setInput((i) => ({ ...i, vendor: 'amd' }));
    host.flushTimers();
    expect([host.pushes, host.replaces]).toEqual([1, 0]);
    const now = decodeLink(host.location.hash);
    expect(now.ok && now.value).toMatchObject({
      scenario: { kernel: 'v6.0', vendor: 'amd' },
      step: 3,
    });
  });
  it('Back drops a write still on its way', () => {
    const host = new FakeHost();
    stop = startHashSync(host);
    setInput((i) => ({ ...i, kernel: 'v6.0' }));
    host.flushTimers();
    const first = host.location.hash;
    setInput((i) => ({ ...i, kernel: 'latest' }));
    host.back(first);
    host.flushTimers();
    expect(host.pushes).toBe(1);
    expect(useAppStore.getState().input.kernel).toBe('v6.0');
  });
  it('Back restores the earlier scenario', () => {
    const host = new FakeHost();
    stop = startHashSync(host);
    setInput((i) => ({ ...i, kernel: 'v6.0' }));
    host.flushTimers();
    const first = host.location.hash;
    setInput((i) => ({ ...i, kernel: 'latest' }));
    host.flushTimers();
    host.back(first);
    expect(useAppStore.getState().input.kernel).toBe('v6.0');
  });
});

describe('a reload straight after a change', () => {
  /** A page opened from a link, with a change it has not written yet. */
  function changedPage(): { host: FakeHost; opened: string } {
    const host = new FakeHost();
    host.location.hash = link('v6.0', 4);
    stop = startHashSync(host);
    const opened = host.location.hash;
    setInput((i) => ({ ...i, kernel: 'latest' }));
    return { host, opened };
  }

  it('opens the newer link the page wrote as it went away, once', () => {
    const { host, opened } = changedPage();
    host.fire('pagehide'); // the reload began first: it reloads `opened`
    const newer = host.location.hash;
    expect(newer).not.toBe(opened);
    stop();

    const again = host.reload(opened);
    stop = startHashSync(again);
    expect(useAppStore.getState().input.kernel).toBe('latest');
    expect(again.location.hash).toBe(newer);
    stop();

    // The note is used up: reloading the old link once more opens it as it is.
    stop = startHashSync(again.reload(opened));
    expect(useAppStore.getState().input.kernel).toBe('v6.0');
  });
  it('opens the newer link the page wrote after the reload began, before it went away', () => {
    // A slow reload: the old page runs on, and its write comes while the reload waits.
    const { host, opened } = changedPage();
    host.flushTimers();
    const newer = host.location.hash;
    host.fire('pagehide'); // nothing left to write
    stop();
    const again = host.reload(opened);
    stop = startHashSync(again);
    expect(useAppStore.getState().input.kernel).toBe('latest');
    expect(again.location.hash).toBe(newer);
  });
  it('opens the old link as it is when it is opened, not reloaded', () => {
    const { host, opened } = changedPage();
    host.fire('pagehide');
    stop();
    stop = startHashSync(host.open(opened)); // a link, or a history entry two pages back
    expect(useAppStore.getState().input.kernel).toBe('v6.0');
  });
  it('reloads the entry Back went to as it is', () => {
    const { host, opened } = changedPage();
    host.flushTimers();
    host.back(opened);
    stop();
    stop = startHashSync(host.reload(opened));
    expect(useAppStore.getState().input.kernel).toBe('v6.0');
  });
  it('leaves other links alone', () => {
    const { host } = changedPage();
    host.fire('pagehide');
    stop();
    stop = startHashSync(host.reload(link('seed-p3', 1)));
    expect(useAppStore.getState().input.kernel).toBe('seed-p3');
  });
});

describe('without storage', () => {
  /** Storage as a browser that blocks it has it: touching either one throws. */
  function blocked(host: FakeHost): FakeHost {
    for (const name of ['localStorage', 'sessionStorage'])
      Object.defineProperty(host, name, {
        get() {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      });
    return host;
  }
  /** A full localStorage: nothing more can be set (removing still works). */
  function full(host: FakeHost): FakeHost {
    host.localStorage.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    return host;
  }

  it('blocked: a link opens, changes make history entries, and the app says once it cannot keep the session', () => {
    const host = blocked(new FakeHost());
    const first = link('v6.0', 3);
    host.location.hash = first;
    stop = startHashSync(host);
    expect(useAppStore.getState().input.kernel).toBe('v6.0');
    setInput((i) => ({ ...i, kernel: 'latest' }));
    host.flushTimers();
    expect(host.pushes).toBe(1);
    expect(useAppStore.getState().notice).toBe(CANNOT_KEEP_SESSION);
    useAppStore.setState({ notice: null });
    setInput((i) => ({ ...i, kernel: 'seed-p3' }));
    host.flushTimers();
    expect(host.pushes).toBe(2);
    expect(useAppStore.getState().notice).toBeNull(); // said once
    host.back(first);
    expect(useAppStore.getState().input.kernel).toBe('v6.0');
  });
  it('blocked: opening without a link shows the default', () => {
    stop = startHashSync(blocked(new FakeHost()));
    expect(useAppStore.getState().input).toEqual(DEFAULT_INPUT);
  });
  it('full: the older session is forgotten, not reopened, and the app says so once', () => {
    const host = full(new FakeHost());
    host.store.set(LAST_SESSION_KEY, link('seed-p3', 9));
    stop = startHashSync(host);
    setInput((i) => ({ ...i, kernel: 'latest' }));
    host.flushTimers();
    expect(useAppStore.getState().notice).toBe(CANNOT_KEEP_SESSION);
    setInput((i) => ({ ...i, kernel: 'v6.6' }));
    host.flushTimers();
    stop();
    useAppStore.setState(initialAppState(DEFAULT_INPUT), true);
    stop = startHashSync(host.open(''));
    expect(useAppStore.getState().input.kernel).toBe(DEFAULT_INPUT.kernel); // not seed-p3
  });
});
