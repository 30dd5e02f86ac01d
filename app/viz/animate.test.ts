import { selectAll } from 'd3-selection';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attributeAsCss, moveTo } from './animate';

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

  it('with motion sets the targets and animates from what is shown: an element at rest from its attributes, without reading its style', () => {
    const a = new FakeElement(5, { transform: 'translate(1,0)' });
    const b = new FakeElement(7, { transform: 'translate(2, 3)' });
    const then = vi.fn();
    moveTo(select([a, b]), at, 0.5, 300, then);
    expect(reads).toEqual([]);
    expect(a.log).toEqual(['set transform=translate(5,0)', 'animate']);
    expect(a.animations[0]!.keyframes).toEqual([{ offset: 0, transform: 'translate(1px, 0px)' }]);
    expect(b.animations[0]!.keyframes).toEqual([{ offset: 0, transform: 'translate(2px, 3px)' }]);
    expect(a.animations[0]!.duration).toBe(150);
    expect(then).not.toHaveBeenCalled();
    a.animations[0]!.animation.finish();
    expect(then).toHaveBeenCalledWith(a);
  });

  it('an element still moving animates from its computed style, every element read before any is written', () => {
    const a = new FakeElement(5, { transform: 'translate(1,0)' });
    const b = new FakeElement(7, { transform: 'translate(2,0)' });
    moveTo(select([a, b]), at, 1);
    a.__data__ = 6;
    b.__data__ = 8;
    a.shown = { transform: 'matrix(1, 0, 0, 1, 3, 0)' };
    b.shown = { transform: 'matrix(1, 0, 0, 1, 4, 0)' };
    a.log.length = 0;
    moveTo(select([a, b]), at, 1);
    expect(reads).toEqual(['read 6', 'read 8']);
    expect(a.log).toEqual(['cancel', 'set transform=translate(6,0)', 'animate']);
    expect(a.animations[1]!.keyframes).toEqual([
      { offset: 0, transform: 'matrix(1, 0, 0, 1, 3, 0)' },
    ]);
  });

  it('reads attributes as CSS values', () => {
    expect(attributeAsCss('opacity', '0')).toBe('0');
    expect(attributeAsCss('y', '12.5')).toBe('12.5px');
    expect(attributeAsCss('height', null)).toBe('');
    expect(attributeAsCss('transform', 'translate(-4.5, 1e2)')).toBe('translate(-4.5px, 1e2px)');
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
