/**
 * What each event of a random op changed in the rmap summary. The op is applied
 * gfn by gfn, so no event's state ever exists in memory at once; instead each
 * operation is counted in its event by the rmap length it found (an add takes
 * its gfn from len to len + 1, a removal to len − 1), and the summaries after
 * each event are summed up afterwards: the changes per length telescope into
 * the histogram, from which heads and sptes follow. One counter per operation,
 * in a table small enough to stay in cache.
 */
import type { RmapSummary } from '../model/state';

export interface VcpuCache {
  descs: number;
  pageHeaders: number;
}

/**
 * floor(k / batch) by a multiplication (a division costs several): (k + 0.5) / batch
 * lies at least 0.5 / batch from an integer, and for k < 2^31, batch ≥ 256 the
 * product is off by less than 2^-29, so it is exact for any batch below 2^28.
 */
const eventOf = (k: number, perBatch: number) => ((k + 0.5) * perBatch) | 0;

export class EventTally {
  /** Row e: the operations of event e by the rmap length they found. */
  private counts: Int32Array;
  private width = 64;
  /** Per event: descriptors allocated, descriptors freed, sptes zapped by recycling. */
  readonly allocated: Int32Array;
  readonly freed: Int32Array;
  readonly recycled: Float64Array;
  /** Recycling zaps, rare: [event, the length zapped]. */
  private readonly zaps: [number, number][] = [];

  /** Events [0, addEvents) are the add pass's, the next addEvents the removal pass's. */
  readonly events: number;

  constructor(readonly addEvents: number) {
    const events = (this.events = 2 * addEvents);
    this.counts = new Int32Array(events * this.width);
    this.allocated = new Int32Array(events);
    this.freed = new Int32Array(events);
    this.recycled = new Float64Array(events);
  }

  /** An add (in the add pass's events) or a removal found its gfn's rmap at length `len`. */
  count(e: number, len: number): void {
    if (len + 1 >= this.width) this.widen(len + 2);
    this.counts[e * this.width + len]!++;
  }

  /**
   * A gfn's run of adds at keys[from, to) (draw indices, `batch` per event), in
   * drawn order, from rmap length `len`: one count() each.
   */
  countAdds(keys: Int32Array, from: number, to: number, len: number, batch: number): void {
    if (len + to - from + 1 >= this.width) this.widen(len + to - from + 2);
    const { counts, width } = this;
    const perBatch = 1 / batch;
    for (let j = from; j < to; j++) counts[eventOf(keys[j]!, perBatch) * width + len + j - from]!++;
  }

  /** The same for a gfn's removals at keys[0, n), in the removal pass's events, from length `len`. */
  countRemovals(keys: Int32Array, n: number, len: number, batch: number): void {
    if (len + 1 >= this.width) this.widen(len + 2);
    const { counts, width } = this;
    const perBatch = 1 / batch;
    const row = this.addEvents * width + len;
    for (let i = 0; i < n; i++) counts[eventOf(keys[i]!, perBatch) * width + row - i]!++;
  }

  /** Recycling emptied a gfn's rmap of `len` sptes during event `e`. */
  zap(e: number, len: number, freedDescs: number): void {
    this.zaps.push([e, len]);
    this.recycled[e]! += len;
    this.freed[e]! += freedDescs;
  }

  /** Operations event `e` applied (a removal counts only if the spte was still mapped). */
  operations(e: number): number {
    let n = 0;
    for (let i = e * this.width; i < (e + 1) * this.width; i++) n += this.counts[i]!;
    return n;
  }

  private widen(atLeast: number): void {
    let width = this.width;
    while (width < atLeast) width *= 2;
    const wider = new Int32Array(this.events * width);
    for (let e = 0; e < this.events; e++)
      wider.set(this.counts.subarray(e * this.width, (e + 1) * this.width), e * width);
    this.counts = wider;
    this.width = width;
  }

  /**
   * The summary after each event, from the one before the op. `vcpu[e]` is the
   * vCPU cache after event e (charged in fault order by the caller).
   */
  summaries(before: RmapSummary, vcpu: readonly VcpuCache[], descBytes: number): RmapSummary[] {
    const maxBefore = before.histogram.reduce((m, [len]) => Math.max(m, len), 0);
    const zapped = this.zaps.reduce((m, [, len]) => Math.max(m, len), 0);
    if (Math.max(maxBefore, zapped) + 1 >= this.width) this.widen(Math.max(maxBefore, zapped) + 2);
    const gfnsAt = new Float64Array(this.width);
    for (const [len, gfns] of before.histogram) gfnsAt[len] = gfns;
    let { descs, recycled } = before;
    const out: RmapSummary[] = [];
    for (let e = 0; e < this.events; e++) {
      const row = e * this.width;
      const step = e < this.addEvents ? 1 : -1;
      for (let len = 0; len < this.width; len++) {
        const n = this.counts[row + len]!;
        gfnsAt[len]! -= n;
        gfnsAt[len + step]! += n;
      }
      for (const [ze, len] of this.zaps)
        if (ze === e) {
          gfnsAt[len]!--;
          gfnsAt[0]!++;
        }
      let heads = 0;
      let sptes = 0;
      const histogram: [number, number][] = [];
      for (let len = 1; len < this.width; len++) {
        const gfns = gfnsAt[len]!;
        if (gfns === 0) continue;
        heads += gfns;
        sptes += len * gfns;
        histogram.push([len, gfns]);
      }
      descs += this.allocated[e]! - this.freed[e]!;
      recycled += this.recycled[e]!;
      out.push({
        heads,
        sptes,
        descs,
        bytes: descs * descBytes,
        vcpuCacheDescs: vcpu[e]!.descs,
        vcpuCachePageHeaders: vcpu[e]!.pageHeaders,
        recycled,
        histogram,
      });
    }
    return out;
  }
}
