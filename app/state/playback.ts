/** Play: advance `speed` steps per second on animation frames until the end of the trace. */
import { seek } from './actions';
import { selectTraceLength } from './selectors';
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
      const length = selectTraceLength(s);
      seek(s.step + steps);
      if (s.step + steps >= length && s.run.status === 'done') {
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
