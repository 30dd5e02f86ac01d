/**
 * The draws of a random op listed by gfn once, for chain queries: finding one
 * gfn's draws otherwise regenerates every draw of the op (70–120 ms at 2^24
 * draws), and a chain query needs them for every gfn asked about.
 *
 * One pass over the draws lists each draw index in its gfn's group (the gfn's
 * top bits), as 16-bit gaps (about 2.2 bytes per draw with the room kept); a
 * gfn's draws are then its group's, with the gfn regenerated and compared:
 * 1/256 of the draws instead of all. A group gets room for 1.1× its expected
 * share (uniform draws stay far below that at any size worth indexing); one
 * that runs out is marked and its gfns are scanned for instead (keysOf() → null).
 * The pass can run a slice at a time (listMore()), so a worker builds the index in its
 * idle time after a run, before the first question.
 */
import { gfnBits } from './sortedBatch';
import { DrawsByGfn, listDraws, LONG_GAP } from './drawsByGfn';

/** 256 groups: few enough write streams for the one pass to stay in cache (2048 take 4× as long). */
const INDEX_GROUP_BITS = 8;

export class GfnDrawIndex {
  private readonly draws: DrawsByGfn;
  private readonly drawCount: number;
  private readonly shift: number;
  /** Group g's units start at starts[g]; ends[g] is where they end (past its room: overflowed). */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly gaps: Uint16Array;
  /** The last draw listed in each group, and how many draws are listed so far. */
  private readonly last: Int32Array;
  private listed = 0;

  /** Allocates the index; its draws are listed by listMore(), or by the first keysOf(). */
  constructor(seed: number, draws: number, gfns: number, headroom = 1.1) {
    this.draws = new DrawsByGfn(seed, draws, gfns);
    this.drawCount = draws;
    const bits = gfnBits(gfns);
    const shift = (this.shift = Math.max(0, bits - INDEX_GROUP_BITS));
    const used = Math.ceil(gfns / 2 ** shift);
    // A group's share of the draws is its share of the gfns; the last one may hold fewer gfns.
    const room = Math.ceil(((draws * 2 ** shift) / gfns) * headroom) + 64;
    this.starts = new Int32Array(used + 1);
    for (let g = 0; g < used; g++) this.starts[g + 1] = this.starts[g]! + room;
    this.ends = this.starts.slice(0, used);
    this.gaps = new Uint16Array(this.starts[used]!);
    this.last = new Int32Array(used).fill(-1);
  }

  /** Lists up to `count` more draws, so a caller can list them a slice at a time; false once all are. */
  listMore(count: number): boolean {
    const { starts, ends, last } = this;
    const to = Math.min(this.drawCount, this.listed + count);
    const roomEnds = starts.subarray(1);
    listDraws(
      this.draws,
      this.listed,
      to,
      this.shift,
      0,
      ends.length,
      roomEnds,
      ends,
      last,
      this.gaps,
    );
    this.listed = to;
    return to < this.drawCount;
  }

  /** The draws that pick `gfn`, in drawn order; null if its group ran out of room. */
  keysOf(gfn: number): Int32Array | null {
    this.listMore(this.drawCount - this.listed);
    const g = gfn >>> this.shift;
    const { gaps, starts } = this;
    const end = this.ends[g]!;
    if (end > starts[g + 1]!) return null;
    let keys = new Int32Array(16);
    let n = 0;
    for (let u = starts[g]!, k = -1; u < end;) {
      const gap = gaps[u++]!;
      k += gap !== 0 ? gap : gaps[u++]! * LONG_GAP + gaps[u++]!;
      if (this.draws.gfnOf(k) !== gfn) continue;
      if (n === keys.length) {
        const more = new Int32Array(n * 2);
        more.set(keys);
        keys = more;
      }
      keys[n++] = k;
    }
    return keys.subarray(0, n);
  }
}
