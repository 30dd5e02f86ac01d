/** Play: advance `speed` steps (or aligned rows) per second on animation frames until the end. */
import { seek } from './actions';
import { selectCursor, selectCursorComplete, selectCursorLength } from './selectors';
import { useAppStore } from './store';

export function startPlayback(): () => void {
  let frame = 0;
  let last = 0;
  let carry = 0;
  const tick = (t: number) => {
    const s = useAppStore.getState();
    if (!s.playing) return;
    if (last) carry += ((t - last) / 1000) * s.speed;
    last = t;
    const steps = Math.floor(carry);
    if (steps > 0) {
      carry -= steps;
      const at = selectCursor(s) + steps;
      seek(at);
      if (at >= selectCursorLength(s) && selectCursorComplete(s)) {
        useAppStore.setState({ playing: false });
        return;
      }
    }
    frame = requestAnimationFrame(tick);
  };
  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (s.playing && !prev.playing) {
      last = 0;
      carry = 1; // the first step happens at once
      frame = requestAnimationFrame(tick);
    }
  });
  return () => {
    unsubscribe();
    cancelAnimationFrame(frame);
  };
}
