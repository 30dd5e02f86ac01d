/**
 * A 64-bit mask drawn as cells, bit 63 on the left, grouped by nibble. React owns
 * the <svg>, this owns what is inside: the cells that are set as one path, those
 * that are clear as another, and a rect over each bit that changed at this step,
 * outlined, which flashes and settles. Seventeen masks of 64 cells each were about
 * 1,100 elements to style, lay out and paint on every step; as paths they are about
 * 40 plus the changed bits.
 *
 * The flash is a CSS animation (masks.css) from the "changed" colour to the cell's
 * own fill: the colours are theme variables, which a script tween cannot
 * interpolate, and the browser runs it without a script callback per frame. Each
 * update draws the changed bits afresh, so a bit changing again flashes again.
 */
export const CELL = 5;
export const GAP = 1;
export const NIBBLE_GAP = 2;
export const STRIP_HEIGHT = 12;

/** x of the cell for `bit` (63 → 0). */
export function bitX(bit: number): number {
  const i = 63 - bit;
  return i * (CELL + GAP) + Math.floor(i / 4) * NIBBLE_GAP;
}
export const STRIP_WIDTH = bitX(0) + CELL;

const CELL_Y = 1;
const CELL_H = STRIP_HEIGHT - 2;
const ON = 'var(--bit-on)';
const OFF = 'var(--bit-off)';
const CHANGED = 'var(--bit-changed)';
const SVG = 'http://www.w3.org/2000/svg';

const isSet = (v: bigint, bit: number) => ((v >> BigInt(bit)) & 1n) === 1n;

/** One cell as a path: a CELL × CELL_H box with corners rounded by 1. */
function cellPath(bit: number): string {
  const x = bitX(bit);
  return (
    `M${x + 1},${CELL_Y}h${CELL - 2}a1,1 0 0 1 1,1v${CELL_H - 2}a1,1 0 0 1 -1,1` +
    `h${2 - CELL}a1,1 0 0 1 -1,-1v${2 - CELL_H}a1,1 0 0 1 1,-1z`
  );
}
const CELL_PATHS = Array.from({ length: 64 }, (_, bit) => cellPath(bit));

/** The cells whose bit in `value` is `on`, as one path. */
export function cellsPath(value: bigint, on: boolean): string {
  let d = '';
  for (let bit = 63; bit >= 0; bit--) if (isSet(value, bit) === on) d += CELL_PATHS[bit];
  return d;
}

function element<K extends 'path' | 'g' | 'rect'>(
  parent: Element,
  name: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, name);
  for (const [attr, value] of Object.entries(attrs)) el.setAttribute(attr, String(value));
  parent.appendChild(el);
  return el;
}

export interface BitStripView {
  update(value: bigint, changed: bigint, animate: boolean): void;
}

export function createBitStrip(svg: SVGSVGElement): BitStripView {
  const off = element(svg, 'path', { class: 'off', fill: OFF });
  const on = element(svg, 'path', { class: 'on', fill: ON });
  const changedBits = element(svg, 'g', { class: 'changed', 'stroke-width': 1.5 });
  let shown: bigint | null = null;
  return {
    update(value, changed, animate) {
      if (value !== shown) {
        off.setAttribute('d', cellsPath(value, false));
        on.setAttribute('d', cellsPath(value, true));
        shown = value;
      }
      changedBits.replaceChildren();
      for (let bit = 63; bit >= 0; bit--) {
        if (!isSet(changed, bit)) continue;
        const cell = element(changedBits, 'rect', {
          x: bitX(bit),
          y: CELL_Y,
          width: CELL,
          height: CELL_H,
          rx: 1,
          fill: isSet(value, bit) ? ON : OFF,
          stroke: CHANGED,
        });
        if (animate) cell.classList.add('flash');
      }
    },
  };
}
