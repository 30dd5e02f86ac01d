import { describe, expect, it, vi } from 'vitest';
import { useAppStore } from '../state/store';
import { animateChanges, QUICK_STEPS_MS, startMotion } from './motion';

describe('animateChanges()', () => {
  it('animates steps taken at reading pace and draws quicker ones at once', () => {
    let now = 10_000;
    const stop = startMotion(() => now);
    const moveTo = (step: number, at: number) => {
      now = at;
      useAppStore.setState({ step });
      return animateChanges();
    };
    expect(moveTo(1, 10_000)).toBe(true);
    expect(moveTo(2, 10_000 + QUICK_STEPS_MS - 1)).toBe(false); // holding →, or fast playback
    expect(moveTo(3, 10_000 + 3 * QUICK_STEPS_MS)).toBe(true);
    now += 10;
    useAppStore.setState({ compareRow: useAppStore.getState().compareRow + 1 });
    expect(animateChanges()).toBe(false); // compare mode's rows count as steps too
    now += 10;
    useAppStore.setState({ gfn: 7 }); // not a step: still stepping quickly
    expect(animateChanges()).toBe(false);
    now += QUICK_STEPS_MS; // the steps paused: changes animate again
    expect(animateChanges()).toBe(true);
    stop();
  });
});

describe('data-quick-steps', () => {
  it('marks the page while steps come quickly, so CSS transitions stop too, until they pause', () => {
    vi.useFakeTimers();
    let now = 50_000;
    const marks: boolean[] = [];
    const root = { toggleAttribute: (_: string, on?: boolean) => (marks.push(on!), on!) };
    const stop = startMotion(() => now, root);
    const step = () => useAppStore.setState({ step: useAppStore.getState().step + 1 });
    step();
    expect(marks.at(-1)).toBe(false); // a single step at reading pace transitions
    now += 100;
    step();
    now += 100;
    step();
    expect(marks.at(-1)).toBe(true);
    vi.advanceTimersByTime(QUICK_STEPS_MS - 1);
    expect(marks.at(-1)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(marks.at(-1)).toBe(false);
    stop();
    vi.useRealTimers();
  });
});
