/**
 * A 64-bit mask drawn as cells, bit 63 on the left, grouped by nibble. d3 owns the
 * cells (xyflow-style factory: React owns the <svg>, this owns what is inside);
 * bits that changed at this step are outlined, and flash and settle. Only cells
 * whose look changes are touched, so a step costs a handful of attribute writes.
 *
 * The flash is a CSS animation (masks.css) from the "changed" colour to the cell's
 * own fill: the colours are theme variables, which a d3 transition cannot
 * interpolate, and the browser runs it without a script callback per frame. Two
 * identical animations alternate so that a bit changing again restarts it.
 */
import { select } from 'd3';

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

const BITS = Array.from({ length: 64 }, (_, i) => 63 - i);
const isSet = (v: bigint, bit: number) => ((v >> BigInt(bit)) & 1n) === 1n;
const ON = 'var(--bit-on)';
const OFF = 'var(--bit-off)';
const CHANGED = 'var(--bit-changed)';
const FLASHES = ['flash-a', 'flash-b'] as const;

export interface BitStripView {
  update(value: bigint, changed: bigint, animate: boolean): void;
}

export function createBitStrip(svg: SVGSVGElement): BitStripView {
  const cells = select(svg)
    .selectAll<SVGRectElement, number>('rect')
    .data(BITS)
    .join('rect')
    .attr('x', bitX)
    .attr('y', 1)
    .attr('width', CELL)
    .attr('height', STRIP_HEIGHT - 2)
    .attr('rx', 1)
    .attr('fill', OFF)
    .attr('stroke-width', 1.5)
    .nodes();
  const shownOn = new Array<boolean>(64).fill(false);
  const shownChanged = new Array<boolean>(64).fill(false);
  /** Per cell: the flash animation it shows (index into FLASHES), or -1. */
  const flashing = new Array<number>(64).fill(-1);
  return {
    update(value, changed, animate) {
      BITS.forEach((bit, i) => {
        const cell = cells[i]!;
        const on = isSet(value, bit);
        const isChanged = isSet(changed, bit);
        if (isChanged !== shownChanged[i]) {
          cell.setAttribute('stroke', isChanged ? CHANGED : 'none');
          shownChanged[i] = isChanged;
        }
        if (on !== shownOn[i]) {
          cell.setAttribute('fill', on ? ON : OFF);
          shownOn[i] = on;
        }
        const flash = isChanged && animate ? (flashing[i]! + 1) % FLASHES.length : -1;
        if (flash === -1 && flashing[i] === -1) return;
        cell.classList.remove(...FLASHES);
        if (flash !== -1) cell.classList.add(FLASHES[flash]!);
        flashing[i] = flash;
      });
    },
  };
}
