import { selectAll } from 'd3-selection';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { moveTo } from './animate';

/** An element as moveTo() sees it (tests run without a DOM), and what was done to it. */
class FakeElement {
  attrs = new Map<string, string>();
  /** What the element shows now, as getComputedStyle() reads it. */
  shown: Record<string, string> = {};
  log: string[] = [];
  animations: { keyframes: Keyframe[]; duration: number; animation: FakeAnimation }[] = [];
  constructor(
    public __data__: number,
    attrs: Record<string, string> = {},
  ) {
    for (const [k, v] of Object.entries(attrs)) this.attrs.set(k, v);
  }
  getAttribute(name: string) {
    return this.attrs.get(name) ?? null;
  }
  setAttribute(name: string, value: string) {
    this.log.push(`set ${name}=${value}`);
    this.attrs.set(name, value);
  }
  animate(keyframes: Keyframe[], options: KeyframeAnimationOptions) {
    const animation = new FakeAnimation(this);
    this.animations.push({ keyframes, duration: Number(options.duration), animation });
    this.log.push('animate');
    return animation;
  }
}

class FakeAnimation {
  onfinish: (() => void) | null = null;
  constructor(private el: FakeElement) {}
  cancel() {
    this.el.log.push('cancel');
  }
  finish() {
    this.onfinish?.();
  }
}

const reads: string[] = [];
vi.stubGlobal('getComputedStyle', (el: FakeElement) => {
  reads.push(`read ${el.__data__}`);
  return { getPropertyValue: (p: string) => el.shown[p] ?? '' };
});
afterEach(() => {
  reads.length = 0;
});

const select = (els: FakeElement[]) => selectAll<Element, number>(els as unknown as Element[]);
const at = { transform: (d: number) => `translate(${d},0)` };

describe('moveTo()', () => {
  it('leaves elements already at their targets alone (spaces aside)', () => {
    const el = new FakeElement(5, { transform: 'translate(5, 0)' });
    moveTo(select([el]), at, 1);
    expect(el.log).toEqual([]);
  });

  it('without motion sets the targets at once and calls `then`', () => {
    const el = new FakeElement(5, { transform: 'translate(1,0)' });
    const then = vi.fn();
    moveTo(select([el]), at, 0, 300, then);
    expect(el.log).toEqual(['set transform=translate(5,0)']);
    expect(then).toHaveBeenCalledWith(el);
    expect(reads).toEqual([]);
  });

  it('with motion sets the targets and animates from what is shown, reading every element before writing any', () => {
    const a = new FakeElement(5, { transform: 'translate(1,0)' });
    const b = new FakeElement(7, { transform: 'translate(2,0)' });
    a.shown = { transform: 'matrix(1, 0, 0, 1, 1, 0)' };
    const then = vi.fn();
    moveTo(select([a, b]), at, 0.5, 300, then);
    expect(reads).toEqual(['read 5', 'read 7']);
    expect(a.log).toEqual(['set transform=translate(5,0)', 'animate']);
    expect(a.animations[0]!.keyframes).toEqual([
      { offset: 0, transform: 'matrix(1, 0, 0, 1, 1, 0)' },
    ]);
    expect(a.animations[0]!.duration).toBe(150);
    expect(then).not.toHaveBeenCalled();
    a.animations[0]!.animation.finish();
    expect(then).toHaveBeenCalledWith(a);
  });

  it('a new move replaces one on its way (whose `then` never runs); no motion cancels one even at its target', () => {
    const el = new FakeElement(5, { transform: 'translate(1,0)' });
    const first = vi.fn();
    moveTo(select([el]), at, 1, 300, first);
    el.__data__ = 9;
    moveTo(select([el]), at, 1);
    expect(el.log).toEqual([
      'set transform=translate(5,0)',
      'animate',
      'cancel',
      'set transform=translate(9,0)',
      'animate',
    ]);
    expect(first).not.toHaveBeenCalled();
    el.log.length = 0;
    const last = vi.fn();
    moveTo(select([el]), at, 0, 300, last);
    expect(el.log).toEqual(['cancel', 'set transform=translate(9,0)']);
    expect(last).toHaveBeenCalledWith(el);
  });
});
