/**
 * A 64-bit mask drawn as cells, bit 63 on the left, grouped by nibble. React owns
 * the <svg>, d3 what is inside: the cells that are set as one path, those
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
import { select } from 'd3-selection';

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

const isSet = (v: bigint, bit: number) => ((v >> BigInt(bit)) & 1n) === 1n;
/** Bit 63 first, as drawn left to right. */
const BITS = Array.from({ length: 64 }, (_, i) => 63 - i);

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
  for (const bit of BITS) if (isSet(value, bit) === on) d += CELL_PATHS[bit];
  return d;
}

export interface BitStripView {
  update(value: bigint, changed: bigint, animate: boolean): void;
}

export function createBitStrip(svg: SVGSVGElement): BitStripView {
  const root = select(svg);
  const off = root.append('path').attr('class', 'off').attr('fill', OFF);
  const on = root.append('path').attr('class', 'on').attr('fill', ON);
  const changedBits = root.append('g').attr('class', 'changed').attr('stroke-width', 1.5);
  let shown: bigint | null = null;
  return {
    update(value, changed, animate) {
      if (value !== shown) {
        off.attr('d', cellsPath(value, false));
        on.attr('d', cellsPath(value, true));
        shown = value;
      }
      // Drawn afresh each update, so a bit that changes again flashes again.
      changedBits.selectAll('rect').remove();
      changedBits
        .selectAll('rect')
        .data(BITS.filter((bit) => isSet(changed, bit)))
        .enter()
        .append('rect')
        .attr('x', bitX)
        .attr('y', CELL_Y)
        .attr('width', CELL)
        .attr('height', CELL_H)
        .attr('rx', 1)
        .attr('fill', (bit) => (isSet(value, bit) ? ON : OFF))
        .attr('stroke', CHANGED)
        .classed('flash', animate);
    },
  };
}
