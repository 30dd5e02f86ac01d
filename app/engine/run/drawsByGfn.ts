/**
 * The add draws of a random op, visited gfn by gfn: draw k maps spte k to gfn
 * floor(r_k × gfns), and each gfn gets its draws in drawn order. A random op is
 * applied one gfn at a time this way (see VmRuntime), so a gfn's chain is
 * fetched into the cache once for all its adds and removals.
 *
 * Draws are grouped by the top bits of their gfn, then sorted within a group
 * when it is visited. A group's draw indices ascend, so they are stored as
 * 16-bit gaps (about 2 bytes per draw; a gap of 2^16 or more takes a 0 unit and
 * two more), and a draw's gfn is regenerated from its index (mulberry32At)
 * instead of being stored. Each group gets room for its expected share of the
 * draws and six standard deviations more (uniform draws stay within it), so one
 * pass lists them without counting them first; a part with a group that ran
 * out of room is listed again with the room it counted. At most UNITS_PER_PART
 * units are held at once: a larger op is visited in parts of whole groups, each
 * part listing its draws with one more pass over them all.
 */
import { mulberry32At, toUnit } from '../model/prng';
import { GfnSortedBatch, gfnBits, MAX_DIGIT_BITS } from './sortedBatch';

/** Groups by the gfn's top bits: 2048 write streams and their counters stay in cache. */
const GROUP_BITS = 11;
/** 32 MB of gaps and their room (2 MB more): one part up to 2^24 draws (the 16M bench). */
const UNITS_PER_PART = (1 << 24) + (1 << 21);
export const LONG_GAP = 1 << 16;
/** The caller gets a turn (a cancel can get in) after this many draws listed. */
const DRAWS_PER_SLICE = 1 << 18;
/** Room kept past a group's expected draws, in standard deviations: outgrown about once in 10^9. */
const ROOM_SIGMAS = 6;

/** Units of room for a group expected to get `e` of `draws` draws. */
function roomFor(e: number, draws: number): number {
  const n = Math.ceil(e + ROOM_SIGMAS * Math.sqrt(e)) + 8;
  // A gap is long (3 units) when none of the LONG_GAP draws before it fell in the group.
  const long = Math.min(n, n * Math.exp((-LONG_GAP * e) / draws) + 1);
  return n + 2 * Math.ceil(long + ROOM_SIGMAS * Math.sqrt(long) + 1);
}

/**
 * Applies one gfn's draws, keys[from, to); returns nothing, or what to yield
 * through when the visitor wants a turn (a long chain, or its work meter says so).
 */
export type GfnVisitor = (
  gfn: number,
  keys: Int32Array,
  from: number,
  to: number,
) => Iterable<null> | void;

export class DrawsByGfn {
  private readonly shift: number;
  /** When gfns is a power of two 2^b (b > 0): 32 − b, else 0. */
  private readonly topBits: number;
  /** starts[g]..starts[g + 1]: room for group g's units (expected, or counted once outgrown). */
  private readonly starts: Int32Array;
  /** Per group of the part listed: its last draw index listed. */
  private readonly last: Int32Array;
  /** Per group of the part listed: where its units end (past its room if it outgrew it). */
  private ends = new Int32Array(0);
  private gaps = new Uint16Array(0);
  /** The first group whose units are in gaps (gaps[0] is its first unit). */
  private listed = 0;
  private readonly local = new GfnSortedBatch();

  constructor(
    private readonly seed: number,
    private readonly draws: number,
    private readonly gfns: number,
    private readonly unitsPerPart = UNITS_PER_PART,
  ) {
    const bits = gfnBits(gfns);
    // r() × 2^bits is exact: its floor is the draw's top bits.
    this.topBits = gfns === 2 ** bits && bits > 0 ? 32 - bits : 0;
    this.shift = Math.max(0, bits - GROUP_BITS);
    this.starts = new Int32Array((1 << (bits - this.shift)) + 1);
    this.last = new Int32Array(this.starts.length - 1);
  }

  /** Bytes an op of `draws` over `gfns` holds while it is visited (an estimate for its budget). */
  static bytesFor(draws: number, gfns: number): number {
    const bits = gfnBits(gfns);
    const shift = Math.max(0, bits - GROUP_BITS);
    const groups = 2 ** (bits - shift);
    // A group sorts its draws (4 arrays of 4 bytes) unless it is one gfn (its keys only).
    const largest = Math.ceil(draws / groups) * 1.2 + 64;
    const batch = shift > 0 ? 16 * largest : 4 * largest;
    const units = groups * roomFor(draws / groups, draws);
    return Math.min(units, UNITS_PER_PART) * 2 + batch + groups * 16;
  }

  /** The gfn draw k picks, as r() × gfns in the contract. */
  gfnOf(k: number): number {
    const u = mulberry32At(this.seed, k);
    return this.topBits > 0 ? u >>> this.topBits : Math.floor(toUnit(u) * this.gfns);
  }

  /**
   * Calls `each` for every gfn with draws (only `only` if given), in ascending gfn
   * order, with its draw indices at keys[from, to) in drawn order. Yields null
   * every so often so the caller can give others a turn.
   */
  *visit(only: number | null, each: GfnVisitor): Generator<null> {
    if (only !== null) return yield* this.visitOne(only, each);
    const { starts, shift, draws, gfns } = this;
    const groups = starts.length - 1;
    // A group's share of the draws is its share of the gfns (the last ones may hold fewer).
    const span = 2 ** shift;
    for (let g = 0; g < groups; g++) {
      const inRange = Math.max(0, Math.min(gfns, (g + 1) * span) - g * span);
      starts[g + 1] = starts[g]! + (inRange && roomFor((draws * inRange) / gfns, draws));
    }
    const units = starts[groups]!;
    const perPart = units / Math.max(1, Math.ceil(units / this.unitsPerPart));
    for (let first = 0; first < groups;) {
      let end = first + 1;
      while (end < groups && starts[end + 1]! - starts[first]! <= perPart) end++;
      yield* this.list(first, end);
      if (this.outgrown(first, end)) continue;
      for (let g = first; g < end; g++) yield* this.visitGroup(g, each);
      first = end;
    }
  }

  /**
   * Whether a group of the part listed ran out of room: if so, the part's groups
   * get the room they counted, to be listed again.
   */
  private outgrown(first: number, end: number): boolean {
    const { starts, ends } = this;
    const offset = starts[first]!;
    let outgrown = false;
    for (let g = first; g < end; g++) outgrown ||= ends[g - first]! > starts[g + 1]! - offset;
    if (!outgrown) return false;
    const sizes = starts.slice(1).map((s, g) => s - starts[g]!);
    for (let g = first; g < end; g++) sizes[g] = ends[g - first]! - (starts[g]! - offset);
    for (let g = first; g < sizes.length; g++) starts[g + 1] = starts[g]! + sizes[g]!;
    return true;
  }

  /** One gfn's draws (a chain query's replay): one pass, nothing grouped. */
  private *visitOne(gfn: number, each: GfnVisitor): Generator<null> {
    let keys = new Int32Array(64);
    let n = 0;
    for (let from = 0; from < this.draws; from += DRAWS_PER_SLICE) {
      const to = Math.min(this.draws, from + DRAWS_PER_SLICE);
      for (let k = from; k < to; k++) {
        if (this.gfnOf(k) !== gfn) continue;
        if (n === keys.length) {
          const more = new Int32Array(n * 2);
          more.set(keys);
          keys = more;
        }
        keys[n++] = k;
      }
      yield null;
    }
    const turn = n ? each(gfn, keys, 0, n) : undefined;
    if (turn) yield* turn;
  }

  /** Lists the draws of groups [first, end) into gaps, each group's in drawn order. */
  private *list(first: number, end: number): Generator<null> {
    const { starts, last, shift, draws } = this;
    const offset = starts[first]!;
    if (this.gaps.length < starts[end]! - offset)
      this.gaps = new Uint16Array(starts[end]! - offset);
    this.listed = first;
    const ends = (this.ends = starts.slice(first, end).map((s) => s - offset));
    const roomEnds = starts.slice(first + 1, end + 1).map((s) => s - offset);
    last.fill(-1);
    for (let from = 0; from < draws; from += DRAWS_PER_SLICE) {
      const to = Math.min(draws, from + DRAWS_PER_SLICE);
      listDraws(this, from, to, shift, first, end - first, roomEnds, ends, last, this.gaps);
      yield null;
    }
  }

  /**
   * Group g's draw indices into the batch's keys, and (unless the group is one
   * gfn) the low bits of their gfns into its gfns; returns how many. A plain
   * loop, apart from the generator, so that it is compiled on its own, small.
   */
  private unpack(g: number): number {
    const start = this.starts[g]! - this.starts[this.listed]!;
    const end = this.ends[g - this.listed]!;
    const { gaps, shift } = this;
    // A group of one gfn (shift 0) needs no sort, so only its keys.
    const { keys, gfns } = this.local.reserve(end - start, shift > 0);
    const lowMask = (1 << shift) - 1;
    let n = 0;
    for (let u = start, k = -1; u < end; n++) {
      const gap = gaps[u++]!;
      k += gap !== 0 ? gap : gaps[u++]! * LONG_GAP + gaps[u++]!;
      keys[n] = k;
    }
    if (shift > 0) for (let j = 0; j < n; j++) gfns[j] = this.gfnOf(keys[j]!) & lowMask;
    return n;
  }

  /** Visits the gfns of group g (listed). */
  private *visitGroup(g: number, each: GfnVisitor): Generator<null> {
    const n = this.unpack(g);
    if (n === 0) return;
    const { shift } = this;
    const batch = this.local;
    const lowMask = (1 << shift) - 1;
    if (shift === 0) {
      const turn = each(g, batch.keys, 0, n);
      if (turn) yield* turn;
      return;
    }
    const high = g << shift;
    if (shift <= MAX_DIGIT_BITS) {
      // One counting sort by the low bits; each low value's run is then one gfn's draws.
      const ends = batch.countingSort(n, lowMask + 1);
      for (let low = 0, from = 0; from < n; from = ends[low++]!) {
        if (ends[low] === from) continue;
        const turn = each(high | low, batch.sortedKeys, from, ends[low]!);
        if (turn) yield* turn;
      }
      return;
    }
    const { sortedGfns, sortedKeys } = batch.sortByGfn(n, lowMask + 1);
    for (let j = 0; j < n;) {
      const low = sortedGfns[j]!;
      let run = j + 1;
      while (run < n && sortedGfns[run] === low) run++;
      const turn = each(high | low, sortedKeys, j, run);
      if (turn) yield* turn;
      j = run;
    }
  }
}

/**
 * Lists draws [from, to) of groups first + i (i < groups; a group is gfn >>> shift)
 * as gaps: group i's next unit is ends[i], written while below roomEnds[i] and
 * counted on past it, and last[i] is the last draw it listed.
 */
export function listDraws(
  d: DrawsByGfn,
  from: number,
  to: number,
  shift: number,
  first: number,
  groups: number,
  roomEnds: Int32Array,
  ends: Int32Array,
  last: Int32Array,
  gaps: Uint16Array,
): void {
  for (let k = from; k < to; k++) {
    const i = (d.gfnOf(k) >>> shift) - first;
    if (i < 0 || i >= groups) continue;
    const at = ends[i]!;
    const gap = k - last[i]!;
    last[i] = k;
    if (gap < LONG_GAP) {
      if (at < roomEnds[i]!) gaps[at] = gap;
      ends[i] = at + 1;
    } else {
      if (at + 3 <= roomEnds[i]!) {
        gaps[at] = 0;
        gaps[at + 1] = gap >>> 16;
        gaps[at + 2] = gap & 0xffff;
      }
      ends[i] = at + 3;
    }
  }
}
