import type { BaseType, Selection } from 'd3';
// selection.transition()/interrupt() are patched in by d3-transition; tree shaking would drop it.
import 'd3-transition';

/**
 * A transition when animating, the selection itself otherwise. Both accept the
 * same attr()/text() calls, which is all the views use, so callers stay one line.
 */
export function maybeAnimate<E extends BaseType, D, P extends BaseType, PD>(
  sel: Selection<E, D, P, PD>,
  animate: boolean,
  duration = 300,
): Selection<E, D, P, PD> {
  return animate ? (sel.transition().duration(duration) as unknown as Selection<E, D, P, PD>) : sel;
}
