/**
 * kvm_rmap_head / pte_list_desc exactly as mmu.c lays them out, kept in typed
 * arrays so a VM-scale workload (tens of millions of SPTEs) fits in memory.
 *
 * Head encoding (kernel-facts.md 5.2): 0 = empty; a plain spte pointer = one
 * entry; a tagged pointer (bit 0) = a chain of descriptors. Here a head cell holds
 * 0, spte + 1, or -(desc + 1). SPTE "pointers" are ids >= 0 stored as id + 1, so 0
 * is the kernel's NULL and fresh (zeroed) memory is an empty descriptor, as
 * descriptors from the memory cache are.
 *
 * Layout: descriptors live in 64Ki-descriptor segments (no copy when the pool
 * grows); each is [more + 1, spte_count | tail_count << 8, slots…], so a descriptor
 * with 14 slots is 64 bytes and its header shares a cache line with its slots.
 * Heads live in segments of 1Ki gfns (8 KB), created when a gfn in them is first
 * mapped, so a workload spread thinly over a huge gfn range costs memory in
 * proportion to the gfns it touches, not to the range.
 *
 * Two algorithms:
 *  - 'append' (v5.15..v6.3 pte_list_add): walk to the first non-full descriptor,
 *    allocate a new one at the tail when all are full; removal fills the hole with
 *    the last entry of the *same* descriptor and unlinks it when empty.
 *  - 'head-insert' (v6.4+, 141705b78381): new entries go to the head descriptor, a
 *    new head is pushed when it is full so tails stay full (tail_count is exact);
 *    removal fills the hole with the head's last entry and pops an empty head.
 */

export type RmapAlgorithm = 'append' | 'head-insert';

const DESC_SEG_SHIFT = 16;
const DESC_SEG_MASK = (1 << DESC_SEG_SHIFT) - 1;
const HEAD_SEG_SHIFT = 10;
const HEAD_SEG_MASK = (1 << HEAD_SEG_SHIFT) - 1;
/** Allocation units, for estimating memory: gfns per head segment (8 bytes each), descriptors per segment. */
export const HEAD_SEGMENT_GFNS = HEAD_SEG_MASK + 1;
export const DESC_SEGMENT_DESCS = DESC_SEG_MASK + 1;
/** gfns below 2^25 use an indexed array of head segments; larger ones a Map. */
const DENSE_HEAD_SEGMENTS = 1 << 15;
/**
 * The first descriptor segment starts this small and doubles up to full size: a
 * store holding a few chains (a chain query's replay, a short workload) stays a
 * few KB instead of 4 MB.
 */
const FIRST_SEG_DESCS = 64;
const MORE = 0;
const COUNT = 1;
const SLOT0 = 2;

export interface DescView {
  /** Pool index, stable while the descriptor lives: the UI keys boxes by it. */
  id: number;
  /** spte_count */
  count: number;
  /** tail_count (head-insert only; 0 otherwise) */
  tail: number;
  /** All slots, empty ones as null, length = capacity. */
  slots: (number | null)[];
}

export type ChainView =
  { form: 'empty' } | { form: 'single'; spte: number } | { form: 'descs'; descs: DescView[] };

export class PteListStore {
  readonly algorithm: RmapAlgorithm;
  /** Entries per descriptor: PTE_LIST_EXT (14), or nr_sptes_per_pte_list in the v1 series. */
  readonly capacity: number;
  private readonly stride: number;

  private descSegs: Int32Array[] = [];
  /** Freed descriptors, linked through their `more` cell (id + 1; 0 ends the list). */
  private freeDescs = 0;
  private poolUsed = 0;
  /** Per 64Ki gfns: interleaved [head, length] cells. */
  private denseHeads: (Int32Array | undefined)[] = new Array(DENSE_HEAD_SEGMENTS);
  private sparseHeads = new Map<number, Int32Array>();
  private lengthHistogram = new Float64Array(1024);
  /** removeFromRun()'s: each run index's place (descriptor × capacity + slot), the index at each place, each descriptor's id and count. */
  private runPlace = new Int32Array(0);
  private runEntry = new Int32Array(0);
  private runDescs = new Int32Array(0);
  private runCounts = new Int32Array(0);

  heads = 0;
  sptes = 0;
  descs = 0;
  /** Descriptors taken from the allocator so far (the vCPU cache bookkeeping reads this). */
  descAllocations = 0;
  /** Bytes of typed arrays allocated for heads and descriptors. */
  bytes = 0;

  /** `onGrow(bytes)` is told before each allocation (a budget can refuse it by throwing). */
  constructor(
    algorithm: RmapAlgorithm,
    capacity: number,
    private readonly onGrow: ((bytes: number) => void) | null = null,
  ) {
    if (capacity < 2 || capacity > 255) throw new RangeError(`pte_list_desc capacity ${capacity}`);
    this.algorithm = algorithm;
    this.capacity = capacity;
    this.stride = capacity + SLOT0;
  }

  private allocate(ints: number): Int32Array {
    this.onGrow?.(ints * 4);
    this.bytes += ints * 4;
    return new Int32Array(ints);
  }

  private headSeg(gfn: number, create: boolean): Int32Array | undefined {
    const key = gfn < 0x80000000 ? gfn >>> HEAD_SEG_SHIFT : Math.floor(gfn / (HEAD_SEG_MASK + 1));
    let seg = key < DENSE_HEAD_SEGMENTS ? this.denseHeads[key] : this.sparseHeads.get(key);
    if (!seg && create) {
      seg = this.allocate((HEAD_SEG_MASK + 1) * 2);
      if (key < DENSE_HEAD_SEGMENTS) this.denseHeads[key] = seg;
      else this.sparseHeads.set(key, seg);
    }
    return seg;
  }

  private seg(d: number): Int32Array {
    return this.descSegs[d >>> DESC_SEG_SHIFT]!;
  }

  private base(d: number): number {
    return (d & DESC_SEG_MASK) * this.stride;
  }

  /**
   * A zeroed descriptor, as kvm_mmu_memory_cache_alloc() hands out. It may replace
   * the first segment with a larger copy: read seg() again after it.
   */
  private allocDesc(): number {
    this.descs++;
    this.descAllocations++;
    const reused = this.freeDescs - 1;
    if (reused >= 0) {
      const s = this.seg(reused);
      const b = this.base(reused);
      this.freeDescs = s[b + MORE]!;
      // A loop of stores: fill() is a call, dearer than zeroing one descriptor.
      for (let i = b; i < b + this.stride; i++) s[i] = 0;
      return reused;
    }
    const d = this.poolUsed++;
    const at = this.base(d);
    if (at === 0) {
      const descs = d === 0 ? FIRST_SEG_DESCS : DESC_SEG_MASK + 1;
      this.descSegs.push(this.allocate(descs * this.stride));
    } else if (at === this.descSegs[0]!.length) {
      // Only the first segment is ever short of room (the others start full-size): double it.
      const first = this.descSegs[0]!;
      this.descSegs[0] = this.allocate(first.length * 2);
      this.descSegs[0].set(first);
    }
    return d;
  }

  private freeDesc(d: number): void {
    this.descs--;
    this.seg(d)[this.base(d) + MORE] = this.freeDescs;
    this.freeDescs = d + 1;
  }

  private bumpHistogram(from: number, to: number): void {
    if (from > 0) this.lengthHistogram[from]!--;
    if (to > 0) {
      if (to >= this.lengthHistogram.length) {
        const bigger = new Float64Array(Math.max(to + 1, this.lengthHistogram.length * 2));
        bigger.set(this.lengthHistogram);
        this.lengthHistogram = bigger;
      }
      this.lengthHistogram[to]!++;
    }
    if (from === 0 && to > 0) this.heads++;
    else if (from > 0 && to === 0) this.heads--;
  }

  /** pte_list_add(): returns the count the kernel returns (entries before this one, as it counts them). */
  add(gfn: number, spte: number): number {
    const h = this.headSeg(gfn, true)!;
    const at = (gfn & HEAD_SEG_MASK) * 2;
    const result = this.push(h, at, spte);
    const len = h[at + 1]!;
    h[at + 1] = len + 1;
    this.bumpHistogram(len, len + 1);
    this.sptes++;
    return result;
  }

  /**
   * pte_list_add() of sptes base + keys[from..to) to one gfn, in that order, as a
   * random op applies them: its head is found once and its length, the histogram
   * and the counters are updated once. The caller makes sure the chain stays
   * within RMAP_RECYCLE_THRESHOLD (nothing to recycle), so the counts the adds
   * return are not needed. The key of each add that allocated a descriptor is
   * written to `allocating` from `logged` on (room for to − from more); returns
   * the new `logged`.
   *
   * Once the head holds a descriptor, the adds fill slots in order: appending, the
   * first descriptor that is not full only moves down the chain while nothing is
   * removed, so it is found once and followed, where pte_list_add() walks to it
   * from the head every time; inserting at the head, the head fills, then a new
   * one is pushed. The chain is the same either way.
   */
  addRun(
    gfn: number,
    keys: Int32Array,
    from: number,
    to: number,
    base: number,
    allocating: Int32Array,
    logged: number,
  ): number {
    const h = this.headSeg(gfn, true)!;
    const at = (gfn & HEAD_SEG_MASK) * 2;
    let j = from;
    // Empty → one spte → a descriptor: the head changes form, one add at a time.
    for (; j < to && h[at]! >= 0; j++) {
      const allocations = this.descAllocations;
      this.push(h, at, base + keys[j]!);
      if (this.descAllocations !== allocations) allocating[logged++] = keys[j]!;
    }
    if (j < to) {
      const cap = this.capacity;
      const append = this.algorithm === 'append';
      let d = -h[at]! - 1;
      let s = this.seg(d);
      let b = this.base(d);
      // The count of the descriptor being filled is kept here, written back when it is left.
      let c = s[b + COUNT]! & 0xff;
      for (; j < to; j++) {
        while (c === cap) {
          const packed = s[b + COUNT]!;
          s[b + COUNT] = (packed & ~0xff) | cap;
          const next = append ? s[b + MORE]! - 1 : -1;
          if (next >= 0) d = next;
          else {
            const fresh = this.allocDesc();
            allocating[logged++] = keys[j]!;
            if (append) this.seg(d)[b + MORE] = fresh + 1;
            else {
              // A new head, in front of the full one: the tails stay full.
              this.seg(fresh)[this.base(fresh) + MORE] = d + 1;
              this.seg(fresh)[this.base(fresh) + COUNT] = ((packed >>> 8) + cap) << 8;
              h[at] = -(fresh + 1);
            }
            d = fresh;
          }
          s = this.seg(d);
          b = this.base(d);
          c = s[b + COUNT]! & 0xff;
        }
        s[b + SLOT0 + c++] = base + keys[j]! + 1;
      }
      s[b + COUNT] = (s[b + COUNT]! & ~0xff) | c;
    }
    const len = h[at + 1]!;
    h[at + 1] = len + to - from;
    this.bumpHistogram(len, len + to - from);
    this.sptes += to - from;
    return logged;
  }

  /** pte_list_add() on the head cell h[at], without the bookkeeping. */
  private push(h: Int32Array, at: number, spte: number): number {
    const head = h[at]!;
    const cap = this.capacity;
    let result = 0;
    if (head === 0) {
      h[at] = spte + 1;
    } else if (head > 0) {
      const d = this.allocDesc();
      const s = this.seg(d);
      const b = this.base(d);
      s[b + SLOT0] = head;
      s[b + SLOT0 + 1] = spte + 1;
      s[b + COUNT] = 2;
      h[at] = -(d + 1);
      result = 1;
    } else if (this.algorithm === 'append') {
      let d = -head - 1;
      let s = this.seg(d);
      let b = this.base(d);
      while ((s[b + COUNT]! & 0xff) === cap) {
        result += cap;
        const next = s[b + MORE]! - 1;
        if (next < 0) {
          const fresh = this.allocDesc();
          this.seg(d)[b + MORE] = fresh + 1;
          d = fresh;
          s = this.seg(d);
          b = this.base(d);
          break;
        }
        d = next;
        s = this.seg(d);
        b = this.base(d);
      }
      const c = s[b + COUNT]!;
      result += c;
      s[b + SLOT0 + c] = spte + 1;
      s[b + COUNT] = c + 1;
    } else {
      const d = -head - 1;
      let s = this.seg(d);
      let b = this.base(d);
      const packed = s[b + COUNT]!;
      result = (packed >>> 8) + (packed & 0xff);
      if ((packed & 0xff) === cap) {
        const fresh = this.allocDesc();
        s = this.seg(fresh);
        b = this.base(fresh);
        s[b + MORE] = d + 1;
        s[b + COUNT] = result << 8;
        h[at] = -(fresh + 1);
      }
      const c = s[b + COUNT]! & 0xff;
      s[b + SLOT0 + c] = spte + 1;
      s[b + COUNT]!++;
    }
    return result;
  }

  /** pte_list_remove(); false when the spte is not in this gfn's rmap (e.g. zapped by recycling). */
  remove(gfn: number, spte: number): boolean {
    const h = this.headSeg(gfn, false);
    if (!h) return false;
    const at = (gfn & HEAD_SEG_MASK) * 2;
    if (!this.pull(h, at, spte)) return false;
    const len = h[at + 1]!;
    h[at + 1] = len - 1;
    this.bumpHistogram(len, len - 1);
    this.sptes--;
    return true;
  }

  /**
   * pte_list_remove() of sptes base + keys[from..to) from one gfn, in that order,
   * as a random op removes them (its counterpart of addRun()): every one of them
   * must be in the rmap. The key of each removal that freed a descriptor is
   * written to `freeing` from `logged` on; returns the new `logged`.
   */
  removeRun(
    gfn: number,
    keys: Int32Array,
    from: number,
    to: number,
    base: number,
    freeing: Int32Array,
    logged: number,
  ): number {
    const h = this.headSeg(gfn, false)!;
    const at = (gfn & HEAD_SEG_MASK) * 2;
    for (let j = from; j < to; j++) {
      const descs = this.descs;
      if (!this.pull(h, at, base + keys[j]!))
        throw new RangeError(`spte ${base + keys[j]!} is not mapped`);
      if (this.descs !== descs) freeing[logged++] = keys[j]!;
    }
    const len = h[at + 1]!;
    h[at + 1] = len - (to - from);
    this.bumpHistogram(len, len - (to - from));
    this.sptes -= to - from;
    return logged;
  }

  /**
   * removeRun() of the sptes at indices drops[0, r) (ascending) of a run, when
   * the gfn's rmap holds exactly that run, the sptes of keys[from, to), added in
   * that order to an empty rmap (addRun()). An spte's place follows from its
   * index (the q-th descriptor allocated holds indices q × capacity on, in
   * order) and is kept up to date as entries move to fill holes, so no removal
   * scans the chain for its spte. Same chain, same frees, same log as removeRun().
   */
  removeFromRun(
    gfn: number,
    keys: Int32Array,
    from: number,
    to: number,
    drops: Int32Array,
    r: number,
    freeing: Int32Array,
    logged: number,
  ): number {
    const n = to - from;
    const h = this.headSeg(gfn, false)!;
    const at = (gfn & HEAD_SEG_MASK) * 2;
    const head = h[at]!;
    if (head >= 0) {
      if (r > 0) h[at] = 0; // the run's one spte, in the head
    } else {
      const cap = this.capacity;
      const descs = Math.ceil(n / cap);
      if (this.runPlace.length < descs * cap) {
        this.runPlace = new Int32Array(descs * cap * 2);
        this.runEntry = new Int32Array(descs * cap * 2);
        this.runDescs = new Int32Array(descs * 2);
        this.runCounts = new Int32Array(descs * 2);
      }
      const { runPlace: place, runEntry: entry, runDescs: ids, runCounts: counts } = this;
      for (let j = 0; j < n; j++) place[j] = entry[j] = j;
      // Appending, the chain runs from the first descriptor allocated; inserting at the head, from the last.
      const append = this.algorithm === 'append';
      for (let q = 0, d = -head - 1; q < descs; q++) {
        ids[append ? q : descs - 1 - q] = d;
        d = this.seg(d)[this.base(d) + MORE]! - 1;
      }
      for (let q = 0; q < descs - 1; q++) counts[q] = cap;
      counts[descs - 1] = n - (descs - 1) * cap;
      let top = descs - 1;
      for (let i = 0; i < r; i++) {
        const p = place[drops[i]!]!;
        const q = (p / cap) | 0;
        const before = this.descs;
        // The entry that fills the hole: the same descriptor's last, or the head's last.
        let filler: number;
        if (append) {
          filler = q * cap + --counts[q]!;
          let prev = q - 1;
          while (prev >= 0 && counts[prev] === 0) prev--;
          this.removeAppend(h, at, ids[q]!, p - q * cap, prev < 0 ? -1 : ids[prev]!);
        } else {
          filler = top * cap + --counts[top]!;
          this.removeHeadInsert(h, at, ids[q]!, p - q * cap);
          if (counts[top] === 0) top--;
        }
        const moved = entry[filler]!;
        entry[p] = moved;
        place[moved] = p;
        if (this.descs !== before) freeing[logged++] = keys[from + drops[i]!]!;
      }
    }
    const len = h[at + 1]!;
    h[at + 1] = len - r;
    this.bumpHistogram(len, len - r);
    this.sptes -= r;
    return logged;
  }

  /** pte_list_remove() on the head cell h[at], without the bookkeeping; false when not found. */
  private pull(h: Int32Array, at: number, spte: number): boolean {
    const head = h[at]!;
    const want = spte + 1;
    if (head === 0) return false;
    if (head > 0) {
      if (head !== want) return false;
      h[at] = 0;
      return true;
    }
    let prev = -1;
    let d = -head - 1;
    let found = -1;
    while (d >= 0) {
      const s = this.seg(d);
      const b = this.base(d) + SLOT0;
      const c = s[b - SLOT0 + COUNT]! & 0xff;
      for (let i = 0; i < c; i++) {
        if (s[b + i] === want) {
          found = i;
          break;
        }
      }
      if (found >= 0) break;
      prev = d;
      d = s[b - SLOT0 + MORE]! - 1;
    }
    if (found < 0) return false;
    if (this.algorithm === 'append') this.removeAppend(h, at, d, found, prev);
    else this.removeHeadInsert(h, at, d, found);
    return true;
  }

  /** v5.15..v6.3 pte_list_desc_remove_entry(): the same descriptor's last entry fills the hole. */
  private removeAppend(h: Int32Array, at: number, d: number, i: number, prev: number): void {
    const s = this.seg(d);
    const b = this.base(d);
    const j = s[b + COUNT]! - 1;
    s[b + SLOT0 + i] = s[b + SLOT0 + j]!;
    s[b + SLOT0 + j] = 0;
    s[b + COUNT] = j;
    if (j > 0) return;
    const next = s[b + MORE]! - 1;
    if (prev < 0 && next < 0) h[at] = 0;
    else if (prev >= 0) this.seg(prev)[this.base(prev) + MORE] = next + 1;
    else h[at] = -(next + 1);
    this.freeDesc(d);
  }

  /** v6.4+ pte_list_desc_remove_entry(): the head's last entry fills the hole; tails stay full. */
  private removeHeadInsert(h: Int32Array, at: number, d: number, i: number): void {
    const hd = -h[at]! - 1;
    const hs = this.seg(hd);
    const hb = this.base(hd);
    const j = (hs[hb + COUNT]! & 0xff) - 1;
    this.seg(d)[this.base(d) + SLOT0 + i] = hs[hb + SLOT0 + j]!;
    hs[hb + SLOT0 + j] = 0;
    hs[hb + COUNT]!--;
    if (j > 0) return;
    const next = hs[hb + MORE]! - 1;
    h[at] = next < 0 ? 0 : -(next + 1);
    this.freeDesc(hd);
  }

  /** kvm_zap_all_rmap_sptes() (pte_list_destroy() in v5.19): empties the rmap; returns the sptes zapped. */
  zapAll(gfn: number): number {
    const h = this.headSeg(gfn, false);
    if (!h) return 0;
    const at = (gfn & HEAD_SEG_MASK) * 2;
    const head = h[at]!;
    if (head < 0) {
      for (let d = -head - 1; d >= 0;) {
        const next = this.seg(d)[this.base(d) + MORE]! - 1;
        this.freeDesc(d);
        d = next;
      }
    }
    h[at] = 0;
    const len = h[at + 1]!;
    h[at + 1] = 0;
    this.bumpHistogram(len, 0);
    this.sptes -= len;
    return len;
  }

  /** pte_list_count(): number of sptes in the gfn's rmap. */
  lengthOf(gfn: number): number {
    const h = this.headSeg(gfn, false);
    return h ? h[(gfn & HEAD_SEG_MASK) * 2 + 1]! : 0;
  }

  /** The most recently added spte still in the gfn's rmap (ids grow with time), or -1. */
  newest(gfn: number): number {
    const h = this.headSeg(gfn, false);
    const head = h ? h[(gfn & HEAD_SEG_MASK) * 2]! : 0;
    if (head >= 0) return head - 1;
    let best = 0;
    for (let d = -head - 1; d >= 0;) {
      const s = this.seg(d);
      const b = this.base(d);
      const end = b + SLOT0 + (s[b + COUNT]! & 0xff);
      for (let i = b + SLOT0; i < end; i++) if (s[i]! > best) best = s[i]!;
      d = s[b + MORE]! - 1;
    }
    return best - 1;
  }

  chain(gfn: number): ChainView {
    const h = this.headSeg(gfn, false);
    const head = h ? h[(gfn & HEAD_SEG_MASK) * 2]! : 0;
    if (head === 0) return { form: 'empty' };
    if (head > 0) return { form: 'single', spte: head - 1 };
    const descs: DescView[] = [];
    for (let d = -head - 1; d >= 0;) {
      const s = this.seg(d);
      const b = this.base(d);
      const slots: (number | null)[] = [];
      for (let i = 0; i < this.capacity; i++) {
        const v = s[b + SLOT0 + i]!;
        slots.push(v === 0 ? null : v - 1);
      }
      const packed = s[b + COUNT]!;
      descs.push({ id: d, count: packed & 0xff, tail: packed >>> 8, slots });
      d = s[b + MORE]! - 1;
    }
    return { form: 'descs', descs };
  }

  /** The n gfns with the longest rmaps (ties: lower gfn first). */
  longest(n: number): number[] {
    const best: [number, number][] = [];
    const visit = (key: number, seg: Int32Array) => {
      for (let i = 0; i < seg.length; i += 2) {
        const len = seg[i + 1]!;
        if (len === 0 || (best.length === n && len <= best[n - 1]![1])) continue;
        best.push([key * (HEAD_SEG_MASK + 1) + i / 2, len]);
        best.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
        if (best.length > n) best.pop();
      }
    };
    this.denseHeads.forEach((seg, key) => seg && visit(key, seg));
    this.sparseHeads.forEach((seg, key) => visit(key, seg));
    return best.map(([gfn]) => gfn);
  }

  /** [length, gfns] pairs for lengths >= 1, ascending. */
  histogram(): [number, number][] {
    const out: [number, number][] = [];
    const h = this.lengthHistogram;
    for (let len = 1; len < h.length; len++) if (h[len]! > 0) out.push([len, h[len]!]);
    return out;
  }
}
