/**
 * How much the views animate the change they are drawing now, by the pace of the
 * steps (or aligned rows in compare mode):
 * - reading pace (steps at least READING_PACE_MS apart, or after a pause): the
 *   views' own durations;
 * - brisk (playback at 4–8 steps/s): shortened to end before the next step is
 *   due, so playing a load still shows bits flash and boxes slide;
 * - rapid (holding →, playback at 16 steps/s or more): drawn at once, since an
 *   animation that short could not be seen and would only cost frames.
 * Never under prefers-reduced-motion.
 */
import { useAppStore } from '../state/store';
import { TRANSITION_MS } from '../viz/transition';

/** The views' transitions last 200–450 ms: steps this far apart get them in full. */
export const READING_PACE_MS = 350;
/** Steps closer together than this are drawn at once. */
export const RAPID_STEPS_MS = 80;
/** While steps come briskly, the views' longest animation takes this share of the time between them. */
const SHARE_OF_STEP = 0.8;

type Pace = 'reading' | 'brisk' | 'rapid';

const reducedMotion =
  typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;
let clock = () => performance.now();
let lastStepAt = -Infinity;
/** Time between the last two steps. */
let interval = Infinity;

function paceOf(gap: number): Pace {
  if (gap >= READING_PACE_MS) return 'reading';
  return gap < RAPID_STEPS_MS ? 'rapid' : 'brisk';
}

/** The pace now: that of the last two steps, or reading pace once steps have paused. */
function currentPace(): Pace {
  return clock() - lastStepAt >= READING_PACE_MS ? 'reading' : paceOf(interval);
}

/**
 * Follows how fast the cursor moves. While steps come briskly or rapidly, `root`
 * carries data-pace="brisk" or "rapid", which shortens or turns off the
 * stylesheet's transitions and animations too (styles.css); it goes once steps pause.
 */
export function startMotion(
  now: () => number = clock,
  root: Pick<Element, 'setAttribute' | 'removeAttribute'> | null = globalThis.document
    ?.documentElement ?? null,
): () => void {
  clock = now;
  let shown: Pace = 'reading';
  // Written only when it changes: a write restyles every element the pace rules name.
  const show = (pace: Pace) => {
    if (pace === shown) return;
    shown = pace;
    if (pace === 'reading') root?.removeAttribute('data-pace');
    else root?.setAttribute('data-pace', pace);
  };
  let calm: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (s.step === prev.step && s.compareRow === prev.compareRow) return;
    const t = clock();
    interval = t - lastStepAt;
    lastStepAt = t;
    const pace = paceOf(interval);
    show(pace);
    clearTimeout(calm);
    if (pace !== 'reading') calm = setTimeout(() => show('reading'), READING_PACE_MS);
  });
  return () => {
    clearTimeout(calm);
    unsubscribe();
  };
}

/**
 * The share of their own durations the views' scripted animations take now: 1 at
 * reading pace, less while steps come briskly, 0 (draw at once) while they come
 * rapidly and always under reduced motion.
 */
export function motionScale(): number {
  if (reducedMotion?.matches) return 0;
  const pace = currentPace();
  if (pace === 'reading') return 1;
  return pace === 'rapid' ? 0 : Math.min(1, (SHARE_OF_STEP * interval) / TRANSITION_MS);
}
