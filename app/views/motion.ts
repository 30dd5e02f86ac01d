/**
 * Whether the views animate the change they are drawing now. Not when the user
 * asked for reduced motion, and not while steps come faster than the views'
 * transitions last (holding →, fast playback): a transition that cannot finish
 * before the next step only costs frames, so each step is drawn at once instead.
 */
import { useAppStore } from '../state/store';

/** The views' transitions last 200–450 ms; steps closer together than this are drawn at once. */
export const QUICK_STEPS_MS = 350;

const reducedMotion =
  typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;
let clock = () => performance.now();
let lastStepAt = -Infinity;
/** Whether the last step came quickly after the one before. */
let quick = false;

/**
 * Follows how fast the cursor (step, or aligned row in compare mode) moves. While
 * steps come quickly, `root` carries data-quick-steps, which turns the stylesheet's
 * transitions and animations off too (styles.css); it goes once steps pause.
 */
export function startMotion(
  now: () => number = clock,
  root: Pick<Element, 'toggleAttribute'> | null = globalThis.document?.documentElement ?? null,
): () => void {
  clock = now;
  let calm: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (s.step === prev.step && s.compareRow === prev.compareRow) return;
    const t = clock();
    quick = t - lastStepAt < QUICK_STEPS_MS;
    lastStepAt = t;
    root?.toggleAttribute('data-quick-steps', quick);
    clearTimeout(calm);
    if (quick)
      calm = setTimeout(() => root?.toggleAttribute('data-quick-steps', false), QUICK_STEPS_MS);
  });
  return () => {
    clearTimeout(calm);
    unsubscribe();
  };
}

/** False while steps come quickly (until they pause), and always under reduced motion. */
export function animateChanges(): boolean {
  const stepping = quick && clock() - lastStepAt < QUICK_STEPS_MS;
  return !stepping && !reducedMotion?.matches;
}
