/**
 * Chain lengths across the whole VM: how many gfns have an rmap of 1 spte, 2–3,
 * 4–7, … (powers of two, so millions of sptes stay a dozen bars). Pure bucketing
 * plus a d3 view that eases bar heights between steps.
 */
import { select } from 'd3-selection';
import { moveTo, setText } from './animate';
import { formatCount } from './format';

export interface Bucket {
  label: string;
  from: number;
  to: number;
  gfns: number;
  sptes: number;
}

export function bucketize(histogram: readonly (readonly [number, number])[]): Bucket[] {
  const buckets: Bucket[] = [];
  for (let from = 1; from <= 1024; from *= 2) {
    const to = from === 1024 ? Infinity : from * 2 - 1;
    buckets.push({
      label: from === 1 ? '1' : to === Infinity ? `${from}+` : `${from}–${to}`,
      from,
      to,
      gfns: 0,
      sptes: 0,
    });
  }
  for (const [len, count] of histogram) {
    const b = buckets[Math.min(10, Math.floor(Math.log2(len)))]!;
    b.gfns += count;
    b.sptes += count * len;
  }
  return buckets;
}

export const HIST_W = 560;
export const HIST_H = 120;
const M = { top: 14, bottom: 28, left: 8, right: 8 };

export interface HistogramView {
  /** `motion`: the share of the full animation to play (views/motion.ts), 0 for none. */
  update(buckets: Bucket[], motion: number): void;
}

export function createHistogramView(svg: SVGSVGElement): HistogramView {
  const root = select(svg).attr('viewBox', `0 0 ${HIST_W} ${HIST_H}`);
  const bw = (HIST_W - M.left - M.right) / 11;
  const bars = root.append('g');
  const labels = root.append('g').attr('class', 'x');
  labels
    .selectAll('text')
    .data(bucketize([]))
    .join('text')
    .attr('x', (_d, i) => M.left + i * bw + bw / 2)
    .attr('y', HIST_H - M.bottom + 12)
    .attr('text-anchor', 'middle')
    .text((d) => d.label);
  root
    .append('text')
    .attr('x', HIST_W / 2)
    .attr('y', HIST_H - 3)
    .attr('text-anchor', 'middle')
    .attr('class', 'axis-title')
    .text('sptes in a gfn’s rmap');
  return {
    update(buckets, motion) {
      // A linear scale from 0 to the tallest bar, written out: d3-scale would bring
      // d3-format and most of d3-interpolate into the main chunk for this one line.
      const tallest = Math.max(0, ...buckets.map((b) => b.gfns)) || 1;
      const y = (gfns: number) => (gfns / tallest) * (HIST_H - M.top - M.bottom);
      const g = bars
        .selectAll<SVGGElement, Bucket>('g.bar')
        .data(buckets)
        .join((enter) => {
          const e = enter.append('g').attr('class', 'bar');
          e.append('rect')
            .attr('x', (_d, i) => M.left + i * bw + 2)
            .attr('width', bw - 4);
          e.append('text')
            .attr('class', 'count')
            .attr('text-anchor', 'middle')
            .attr('x', (_d, i) => M.left + i * bw + bw / 2);
          e.append('title');
          return e;
        });
      const rect = g.select<SVGRectElement>('rect');
      const text = g.select<SVGTextElement>('text.count');
      g.select<SVGTitleElement>('title').each(function (b) {
        setText(
          this,
          `${formatCount(b.gfns)} gfns with ${b.label} sptes (${formatCount(b.sptes)} sptes)`,
        );
      });
      const base = HIST_H - M.bottom;
      const bar = { y: (b: Bucket) => base - y(b.gfns), height: (b: Bucket) => y(b.gfns) };
      moveTo(rect, bar, motion, 200);
      // A transform, not y: a text's y is no CSS property, so it could not be animated.
      const label = { transform: (b: Bucket) => `translate(0,${base - y(b.gfns) - 3})` };
      moveTo(text, label, motion, 200);
      text.each(function (b) {
        setText(this, b.gfns ? compact(b.gfns) : '');
      });
    },
  };
}

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return String(n);
}
