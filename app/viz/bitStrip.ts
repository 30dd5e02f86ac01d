/**
 * A 64-bit mask drawn as cells, bit 63 on the left, grouped by nibble. d3 owns the
 * cells (xyflow-style factory: React owns the <svg>, this owns what is inside);
 * bits that changed at this step flash and settle. Only cells whose look changes
 * are touched, so a step costs a handful of attribute writes, not 64.
 */
import { select } from 'd3';
// selection.transition()/interrupt() are patched in by d3-transition; tree shaking would drop it.
import 'd3-transition';

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
const FLASH = 'var(--bit-changed)';

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
  return {
    update(value, changed, animate) {
      BITS.forEach((bit, i) => {
        const cell = cells[i]!;
        const on = isSet(value, bit);
        const flash = isSet(changed, bit);
        if (flash !== shownChanged[i]) {
          cell.setAttribute('stroke', flash ? FLASH : 'none');
          shownChanged[i] = flash;
        }
        if (flash && animate) {
          select(cell)
            .interrupt()
            .attr('fill', FLASH)
            .transition()
            .duration(450)
            .attr('fill', on ? ON : OFF);
          shownOn[i] = on;
        } else if (on !== shownOn[i]) {
          select(cell)
            .interrupt()
            .attr('fill', on ? ON : OFF);
          shownOn[i] = on;
        }
      });
    },
  };
}
