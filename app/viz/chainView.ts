/**
 * Draws one gfn's rmap: the head and its pte_list_desc boxes with their slots,
 * linked in chain order. Descriptors are keyed by id, so a new one slides in, a
 * freed one fades out, and a slot that fills or empties changes in place.
 */
import { select } from 'd3';
import { maybeAnimate } from './animate';
import type { ChainLayout, DescBox, Link } from './chainLayout';
import { SLOT_H, SLOT_W } from './chainLayout';

const DURATION = 300;

export interface ChainView {
  update(layout: ChainLayout, animate: boolean): void;
}

export function createChainView(svg: SVGSVGElement): ChainView {
  const root = select(svg);
  const defs = root.append('defs');
  defs
    .append('marker')
    .attr('id', 'rmap-arrow')
    .attr('viewBox', '0 0 8 8')
    .attr('refX', 8)
    .attr('refY', 4)
    .attr('markerWidth', 7)
    .attr('markerHeight', 7)
    .attr('orient', 'auto')
    .append('path')
    .attr('d', 'M0,0 L8,4 L0,8 z')
    .attr('fill', 'var(--muted)');
  const linkLayer = root.append('g').attr('class', 'links');
  const head = root.append('g').attr('class', 'head');
  head.append('rect').attr('rx', 4);
  head.append('text').attr('class', 'title').attr('x', 6).attr('y', 14);
  head.append('text').attr('class', 'detail').attr('x', 6).attr('y', 30);
  const descLayer = root.append('g').attr('class', 'descs');

  return {
    update(layout, animate) {
      root.attr('width', layout.width).attr('height', layout.height);
      head.select('rect').attr('width', layout.head.w).attr('height', layout.head.h);
      head.select('text.title').text(layout.head.text);
      head.select('text.detail').text(layout.head.detail);

      linkLayer
        .selectAll<SVGPathElement, Link>('path')
        .data(layout.links, (l) => l.key)
        .join((enter) =>
          enter.append('path').attr('marker-end', 'url(#rmap-arrow)').attr('opacity', 0),
        )
        .attr('d', (l) =>
          l.y1 === l.y2
            ? `M${l.x1},${l.y1} L${l.x2},${l.y2}`
            : `M${l.x1},${l.y1} C${l.x1 + 20},${l.y1} ${l.x2 - 20},${l.y2} ${l.x2},${l.y2}`,
        )
        .call((s) => maybeAnimate(s, animate).attr('opacity', 1));

      const boxes = descLayer
        .selectAll<SVGGElement, DescBox>('g.desc')
        .data(layout.descs, (d) => d.key)
        .join(
          (enter) => {
            const g = enter
              .append('g')
              .attr('class', 'desc')
              .attr('opacity', 0)
              .attr('transform', (d) => `translate(${d.x},${d.y - 8})`);
            g.append('rect').attr('class', 'box').attr('rx', 4);
            g.append('text').attr('class', 'desc-title').attr('x', 6).attr('y', 12);
            return g;
          },
          (update) => update,
          (exit) =>
            exit.call((s) =>
              animate ? s.transition().duration(DURATION).attr('opacity', 0).remove() : s.remove(),
            ),
        );
      maybeAnimate(boxes, animate)
        .attr('opacity', 1)
        .attr('transform', (d) => `translate(${d.x},${d.y})`);
      boxes
        .select('rect.box')
        .attr('width', (d) => d.w)
        .attr('height', (d) => d.h);
      boxes
        .select('text.desc-title')
        .text((d) => `pte_list_desc · ${d.count} used${d.tail ? ` · tail ${d.tail}` : ''}`);
      boxes
        .selectAll<SVGGElement, { x: number; y: number; spte: number | null }>('g.slot')
        .data((d) => d.slots.map((s) => ({ ...s, x: s.x - d.x, y: s.y - d.y })))
        .join((enter) => {
          const g = enter.append('g').attr('class', 'slot');
          g.append('rect')
            .attr('width', SLOT_W - 2)
            .attr('height', SLOT_H - 2)
            .attr('rx', 2);
          g.append('text')
            .attr('x', (SLOT_W - 2) / 2)
            .attr('y', SLOT_H - 5)
            .attr('text-anchor', 'middle');
          return g;
        })
        .attr('transform', (s) => `translate(${s.x},${s.y})`)
        .classed('used', (s) => s.spte !== null)
        .call((g) => g.select('text').text((s) => (s.spte === null ? '' : String(s.spte))))
        .call((g) => g.select('title').remove())
        .append('title')
        .text((s) => (s.spte === null ? 'empty slot (NULL)' : `spte ${s.spte}`));
    },
  };
}
