/**
 * What each event of a random op changed in the rmap summary. The op is applied
 * gfn by gfn, so no event's state ever exists in memory at once; instead every
 * gfn adds its own part to each event it took part in (enter() as its operations
 * move from one event to the next, close() after its last), and the summaries
 * after each event are summed up afterwards. A gfn's length change goes to the
 * histogram, from which heads and sptes follow.
 */
import type { RmapSummary } from '../model/state';

export interface VcpuCache {
  descs: number;
  pageHeaders: number;
}

export class EventTally {
  /** Per event, the change in gfns per rmap length: row e holds lengths [0, width). */
  private histogram: Int32Array;
  private width = 64;
  readonly descs: Float64Array;
  readonly recycled: Float64Array;
  readonly removed: Float64Array;
  /** The gfn being applied: the event it is in (-1: none yet), and its length and the VM's counts as that began. */
  private event = -1;
  private len0 = 0;
  private descs0 = 0;
  private recycled0 = 0;

  constructor(readonly events: number) {
    this.histogram = new Int32Array(events * this.width);
    this.descs = new Float64Array(events);
    this.recycled = new Float64Array(events);
    this.removed = new Float64Array(events);
  }

  /**
   * The gfn being applied does its next operation in event `e`; `len`, `descs` and
   * `recycled` are its rmap length and the VM's counts before it.
   */
  enter(e: number, len: number, descs: number, recycled: number): void {
    if (e === this.event) return;
    this.close(len, descs, recycled);
    this.event = e;
    this.len0 = len;
    this.descs0 = descs;
    this.recycled0 = recycled;
  }

  /** The gfn being applied is done (the same counts as enter()): its part goes to its last event. */
  close(len: number, descs: number, recycled: number): void {
    const e = this.event;
    if (e < 0) return;
    this.length(e, this.len0, len);
    this.descs[e]! += descs - this.descs0;
    this.recycled[e]! += recycled - this.recycled0;
    this.event = -1;
  }

  /** A gfn's rmap went from `from` to `to` sptes during event `e`. */
  private length(e: number, from: number, to: number): void {
    if (from === to) return;
    if (Math.max(from, to) >= this.width) this.widen(Math.max(from, to) + 1);
    const row = e * this.width;
    this.histogram[row + from]!--;
    this.histogram[row + to]!++;
  }

  private widen(atLeast: number): void {
    let width = this.width;
    while (width < atLeast) width *= 2;
    const wider = new Int32Array(this.events * width);
    for (let e = 0; e < this.events; e++)
      wider.set(this.histogram.subarray(e * this.width, (e + 1) * this.width), e * width);
    this.histogram = wider;
    this.width = width;
  }

  /**
   * The summary after each event, from the one before the op. `vcpu[e]` is the
   * vCPU cache after event e (charged in fault order by the caller).
   */
  summaries(before: RmapSummary, vcpu: readonly VcpuCache[], descBytes: number): RmapSummary[] {
    const maxBefore = before.histogram.reduce((m, [len]) => Math.max(m, len), 0);
    if (maxBefore >= this.width) this.widen(maxBefore + 1);
    const counts = new Float64Array(this.width);
    for (const [len, gfns] of before.histogram) counts[len] = gfns;
    let { descs, recycled } = before;
    const out: RmapSummary[] = [];
    for (let e = 0; e < this.events; e++) {
      const row = e * this.width;
      let heads = 0;
      let sptes = 0;
      const histogram: [number, number][] = [];
      for (let len = 1; len < this.width; len++) {
        const gfns = (counts[len]! += this.histogram[row + len]!);
        if (gfns === 0) continue;
        heads += gfns;
        sptes += len * gfns;
        histogram.push([len, gfns]);
      }
      descs += this.descs[e]!;
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
