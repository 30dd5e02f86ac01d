/**
 * Where the boxes of one gfn's rmap go: the head, then its pte_list_desc chain in
 * link order, flowing into rows that fit the width. Pure geometry, testable without a DOM.
 */
import type { ChainView } from '../engine/view';

export const SLOT_W = 30;
export const SLOT_H = 16;
export const HEAD_W = 116;
export const BOX_PAD = 6;
export const BOX_HEADER = 16;
export const ROW_GAP = 22;
export const COL_GAP = 26;
/** Descriptors drawn at most; the rest are counted. */
export const MAX_DRAWN = 36;

export interface SlotBox {
  x: number;
  y: number;
  spte: number | null;
}
export interface DescBox {
  key: string;
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  count: number;
  tail: number;
  slots: SlotBox[];
}
export interface Link {
  key: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}
export interface ChainLayout {
  head: { x: number; y: number; w: number; h: number; text: string; detail: string };
  descs: DescBox[];
  links: Link[];
  hidden: number;
  width: number;
  height: number;
}

export function slotsPerRow(capacity: number): number {
  return capacity <= 7 ? capacity : Math.ceil(capacity / 2);
}

export function layoutChain(chain: ChainView, capacity: number, width: number): ChainLayout {
  const perRow = slotsPerRow(capacity);
  const rows = Math.ceil(capacity / perRow);
  const boxW = perRow * SLOT_W + BOX_PAD * 2;
  const boxH = BOX_HEADER + rows * SLOT_H + BOX_PAD;
  const head = {
    x: 0,
    y: 0,
    w: HEAD_W,
    h: boxH,
    text: 'kvm_rmap_head',
    detail:
      chain.form === 'empty'
        ? 'val = 0 (empty)'
        : chain.form === 'single'
          ? `val = spte ${chain.spte}`
          : 'val = desc | 1',
  };
  if (chain.form !== 'descs') {
    return { head, descs: [], links: [], hidden: 0, width: HEAD_W, height: boxH };
  }
  const drawn = chain.descs.slice(0, MAX_DRAWN);
  const perLine = Math.max(1, Math.floor((width - HEAD_W - COL_GAP) / (boxW + COL_GAP)));
  const descs: DescBox[] = drawn.map((d, i) => {
    const x = HEAD_W + COL_GAP + (i % perLine) * (boxW + COL_GAP);
    const y = Math.floor(i / perLine) * (boxH + ROW_GAP);
    return {
      key: `d${d.id}`,
      id: d.id,
      x,
      y,
      w: boxW,
      h: boxH,
      count: d.count,
      tail: d.tail,
      slots: d.slots.map((spte, s) => ({
        x: x + BOX_PAD + (s % perRow) * SLOT_W,
        y: y + BOX_HEADER + Math.floor(s / perRow) * SLOT_H,
        spte,
      })),
    };
  });
  const links: Link[] = [];
  let from = { x: head.x + head.w, y: head.y + boxH / 2, key: 'head' };
  for (const d of descs) {
    links.push({
      key: `${from.key}->${d.key}`,
      x1: from.x,
      y1: from.y,
      x2: d.x,
      y2: d.y + boxH / 2,
    });
    from = { x: d.x + d.w, y: d.y + boxH / 2, key: d.key };
  }
  const lines = Math.ceil(descs.length / perLine);
  return {
    head,
    descs,
    links,
    hidden: chain.descs.length - drawn.length,
    width: Math.min(width, HEAD_W + COL_GAP + Math.min(descs.length, perLine) * (boxW + COL_GAP)),
    height: lines * (boxH + ROW_GAP) - ROW_GAP,
  };
}
