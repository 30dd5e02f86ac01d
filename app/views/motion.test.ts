import { describe, expect, it } from 'vitest';
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
