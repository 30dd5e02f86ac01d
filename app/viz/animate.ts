import type { BaseType, Selection } from 'd3';
// selection.transition()/interrupt() are patched in by d3-transition; tree shaking would drop it.
import 'd3-transition';

/** The views' longest d3 transition at reading pace (the chain's slides and fades). */
export const TRANSITION_MS = 300;

/**
 * A transition of `motion` × `duration` ms when motion is above 0 (views/motion.ts),
 * the selection itself otherwise. Both accept the same attr()/text() calls, which
 * is all the views use, so callers stay one line. Not animating interrupts a
 * transition still on its way, which would otherwise carry on to its old target
 * after the new values are set.
 */
export function maybeAnimate<E extends BaseType, D, P extends BaseType, PD>(
  sel: Selection<E, D, P, PD>,
  motion: number,
  duration = TRANSITION_MS,
): Selection<E, D, P, PD> {
  return motion > 0
    ? (sel.transition().duration(duration * motion) as unknown as Selection<E, D, P, PD>)
    : sel.interrupt();
}

/**
 * The elements whose attributes are not all at their targets yet. A transition
 * rewrites its attributes every frame, so a step animates only what it changes;
 * one still on its way is included and carries on from where it is. Spaces are
 * ignored: d3 writes a transform it has interpolated as "translate(1, 2)".
 */
export function notAt<E extends Element, D, P extends BaseType, PD>(
  sel: Selection<E, D, P, PD>,
  targets: Record<string, (d: D) => string | number>,
): Selection<E, D, P, PD> {
  const entries = Object.entries(targets);
  const bare = (v: string | null) => v?.replace(/\s+/g, '');
  return sel.filter(function (d) {
    return entries.some(
      ([attr, value]) => bare(this.getAttribute(attr)) !== bare(String(value(d))),
    );
  });
}

/** Sets each attribute only where it differs: unchanged elements are not invalidated. */
export function setChanged(el: Element, attrs: Record<string, string>): void {
  for (const [attr, value] of Object.entries(attrs))
    if (el.getAttribute(attr) !== value) el.setAttribute(attr, value);
}

/** Replaces the text only where it differs (a text write replaces the text node). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
