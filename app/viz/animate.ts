import type { BaseType, Selection } from 'd3-selection';
import { TRANSITION_MS } from './transition';

/** d3's default easing (cubic in-out), which the views' slides and fades had. */
const EASING = 'cubic-bezier(0.65, 0, 0.35, 1)';

/** Each element's animation still on its way. */
const playing = new WeakMap<Element, Animation>();

/**
 * Moves each element of `sel` to its `targets` (attribute → value for its datum). Only
 * elements not there yet are touched, so a step animates only what it changes. The
 * attributes take their targets at once; when `motion` (views/motion.ts) is above 0, a
 * Web Animation of the same CSS properties (opacity, transform, a rect's y and height)
 * plays for `motion` × `duration` ms from what is shown now: one still on its way is
 * replaced and the element carries on from where it is. At 0 an animation still on its
 * way is cancelled, so the element is at its target at once. `then` runs for each moved
 * element when it arrives (at once without motion), not when a newer move replaced it.
 */
export function moveTo<E extends Element, D, P extends BaseType, PD>(
  sel: Selection<E, D, P, PD>,
  targets: Record<string, (d: D) => string | number>,
  motion: number,
  duration = TRANSITION_MS,
  then?: (el: E) => void,
): void {
  const entries = Object.entries(targets);
  const bare = (v: string | null) => v?.replace(/\s+/g, '');
  const moves: { el: E; to: [string, string][]; from: Keyframe | null }[] = [];
  sel.each(function (d) {
    const to = entries.map(([attr, value]): [string, string] => [attr, String(value(d))]);
    const there = to.every(([attr, value]) => bare(this.getAttribute(attr)) === bare(value));
    if (there && !(motion === 0 && playing.has(this))) return;
    moves.push({ el: this, to, from: null });
  });
  // All reads, then all writes: reading a style after a write would recompute it each time.
  // An element at rest shows its attributes; only one still moving needs its computed
  // style, which would otherwise force a style recalculation in the middle of a step.
  if (motion > 0)
    for (const move of moves) {
      const shown = playing.has(move.el) ? getComputedStyle(move.el) : null;
      move.from = { offset: 0 };
      for (const [attr] of move.to)
        move.from[attr] = shown
          ? shown.getPropertyValue(attr)
          : attributeAsCss(attr, move.el.getAttribute(attr));
    }
  for (const { el, to, from } of moves) {
    playing.get(el)?.cancel();
    playing.delete(el);
    for (const [attr, value] of to) el.setAttribute(attr, value);
    if (!from) {
      then?.(el);
      continue;
    }
    // One keyframe at offset 0: the animation ends on the attributes just set.
    const animation = el.animate([from], { duration: duration * motion, easing: EASING });
    playing.set(el, animation);
    animation.onfinish = () => {
      playing.delete(el);
      then?.(el);
    };
  }
}

/**
 * An SVG attribute as the CSS value of the same property, for a keyframe: lengths
 * take px, and a translate() its px and comma. A missing attribute is the property's
 * initial value (''), which the animation reads as the element's own.
 */
export function attributeAsCss(attr: string, value: string | null): string {
  if (value === null) return '';
  if (attr === 'transform')
    return value.replace(
      /translate\(\s*([-+\d.e]+)[\s,]+([-+\d.e]+)\s*\)/g,
      (_, x: string, y: string) => `translate(${x}px, ${y}px)`,
    );
  if (attr === 'opacity') return value;
  return /^[-+\d.e]+$/.test(value) ? `${value}px` : value;
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
