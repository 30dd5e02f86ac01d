/**
 * Draws one gfn's rmap: the head and its pte_list_desc boxes with their slots,
 * linked in chain order. Descriptors are keyed by id, so a new one slides in, a
 * freed one fades out, and a slot that fills or empties changes in place.
 */
import { select } from 'd3-selection';
import { moveTo, setChanged, setText } from './animate';
import type { ChainLayout, DescBox, Link, SlotBox } from './chainLayout';
import { SLOT_H, SLOT_W } from './chainLayout';

export interface ChainView {
  /** `motion`: the share of the full animation to play (views/motion.ts), 0 for none. */
  update(layout: ChainLayout, motion: number): void;
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
  const headBox = head.append('rect').attr('rx', 4).node()!;
  const headTitle = head.append('text').attr('class', 'title').attr('x', 6).attr('y', 14).node()!;
  const headDetail = head.append('text').attr('class', 'detail').attr('x', 6).attr('y', 30).node()!;
  const descLayer = root.append('g').attr('class', 'descs');

  return {
    update(layout, motion) {
      setChanged(svg, { width: String(layout.width), height: String(layout.height) });
      setChanged(headBox, { width: String(layout.head.w), height: String(layout.head.h) });
      setText(headTitle, layout.head.text);
      setText(headDetail, layout.head.detail);

      const links = linkLayer
        .selectAll<SVGPathElement, Link>('path')
        .data(layout.links, (l) => l.key)
        .join((enter) =>
          enter.append('path').attr('marker-end', 'url(#rmap-arrow)').attr('opacity', 0),
        )
        .each(function (l) {
          setChanged(this, { d: linkPath(l) });
        });
      moveTo(links, { opacity: () => 1 }, motion);

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
          (exit) => exit.call((s) => moveTo(s, { opacity: () => 0 }, motion, undefined, remove)),
        );
      const place = { opacity: () => 1, transform: (d: DescBox) => `translate(${d.x},${d.y})` };
      moveTo(boxes, place, motion);
      boxes.each(function (d) {
        setChanged(this.firstElementChild!, { width: String(d.w), height: String(d.h) });
        setText(
          this.children[1]!,
          `pte_list_desc · ${d.count} used${d.tail ? ` · tail ${d.tail}` : ''}`,
        );
      });
      boxes
        .selectAll<SVGGElement, SlotBox>('g.slot')
        .data((d) => d.slots.map((s) => ({ ...s, x: s.x - d.x, y: s.y - d.y })))
        .join((enter) => {
          const g = enter.append('g').attr('class', 'slot');
          g.append('rect')
            .attr('class', 'slot-box')
            .attr('width', SLOT_W - 2)
            .attr('height', SLOT_H - 2)
            .attr('rx', 2);
          g.append('text')
            .attr('x', (SLOT_W - 2) / 2)
            .attr('y', SLOT_H - 5)
            .attr('text-anchor', 'middle');
          g.append('title');
          return g;
        })
        .each(function (s) {
          setChanged(this, {
            transform: `translate(${s.x},${s.y})`,
            class: s.spte === null ? 'slot' : 'slot used',
          });
          setText(this.children[1]!, s.spte === null ? '' : String(s.spte));
          setText(this.children[2]!, s.spte === null ? 'empty slot (NULL)' : `spte ${s.spte}`);
        });
    },
  };
}

const remove = (el: Element) => el.remove();

function linkPath(l: Link): string {
  return l.y1 === l.y2
    ? `M${l.x1},${l.y1} L${l.x2},${l.y2}`
    : `M${l.x1},${l.y1} C${l.x1 + 20},${l.y1} ${l.x2 - 20},${l.y2} ${l.x2},${l.y2}`;
}
