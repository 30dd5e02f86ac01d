import { describe, expect, it, vi } from 'vitest';
import { useAppStore } from '../state/store';
import { motionScale, RAPID_STEPS_MS, READING_PACE_MS, startMotion } from './motion';

describe('motionScale()', () => {
  it('animates in full at reading pace, shortened while steps come briskly, not while they come rapidly', () => {
    let now = 10_000;
    const stop = startMotion(() => now, null);
    const moveTo = (step: number, at: number) => {
      now = at;
      useAppStore.setState({ step });
      return motionScale();
    };
    expect(moveTo(1, 10_000)).toBe(1);
    expect(moveTo(2, 10_000 + 125)).toBeCloseTo((0.8 * 125) / 300); // playing at 8 steps/s
    expect(moveTo(3, 10_000 + 125 + 250)).toBeCloseTo((0.8 * 250) / 300); // 4 steps/s
    expect(moveTo(4, now + RAPID_STEPS_MS - 1)).toBe(0); // holding →, or 16 steps/s and more
    expect(moveTo(5, now + 3 * READING_PACE_MS)).toBe(1);
    now += 10;
    useAppStore.setState({ compareRow: useAppStore.getState().compareRow + 1 });
    expect(motionScale()).toBe(0); // compare mode's rows count as steps too
    now += 10;
    useAppStore.setState({ gfn: 7 }); // not a step: still stepping rapidly
    expect(motionScale()).toBe(0);
    now += READING_PACE_MS; // the steps paused: changes animate in full again
    expect(motionScale()).toBe(1);
    stop();
  });
});

describe('data-pace', () => {
  it('marks the page while steps come briskly or rapidly, writing only changes, until they pause', () => {
    vi.useFakeTimers();
    let now = 50_000;
    const writes: (string | null)[] = [];
    const root = {
      setAttribute: (_: string, v: string) => void writes.push(v),
      removeAttribute: () => void writes.push(null),
    };
    const stop = startMotion(() => now, root);
    const step = (after: number) => {
      now += after;
      useAppStore.setState({ step: useAppStore.getState().step + 1 });
    };
    step(READING_PACE_MS);
    expect(writes).toEqual([]); // a step at reading pace keeps the stylesheet's durations
    step(125);
    step(125);
    expect(writes).toEqual(['brisk']);
    step(30);
    expect(writes).toEqual(['brisk', 'rapid']);
    vi.advanceTimersByTime(READING_PACE_MS - 1);
    expect(writes.at(-1)).toBe('rapid');
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(['brisk', 'rapid', null]);
    stop();
    vi.useRealTimers();
  });
});
