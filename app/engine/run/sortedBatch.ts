/**
 * Draws ordered by gfn, and in drawn order for the same gfn (a stable LSD radix
 * sort): DrawsByGfn sorts each group of a random op's draws with it, so every
 * gfn still sees its own operations in the order they were drawn.
 */

/** Radix digits of at most 11 bits: 2048 counters, which stay in L1. */
export const MAX_DIGIT_BITS = 11;

/** Bits needed to write any gfn below `limit` (at least 1). */
export const gfnBits = (limit: number): number => 32 - Math.clz32(Math.max(limit - 1, 1));

export class GfnSortedBatch {
  /** Input: each draw's gfn and a number that travels with it (its index in the op). */
  gfns = new Int32Array(0);
  keys = new Int32Array(0);
  /** Output of sortByGfn(): the same pairs, ordered. */
  sortedGfns = new Int32Array(0);
  sortedKeys = new Int32Array(0);
  private readonly counts = new Int32Array((1 << MAX_DIGIT_BITS) + 1);

  /** Room for n draws: their keys, and their gfns and the sorted pairs if they are to be sorted. */
  reserve(n: number, sorting = true): this {
    if (this.keys.length < n) this.keys = new Int32Array(n);
    if (sorting && this.gfns.length < n) {
      this.gfns = new Int32Array(n);
      this.sortedGfns = new Int32Array(n);
      this.sortedKeys = new Int32Array(n);
    }
    return this;
  }

  /**
   * Orders the first `n` keys by their gfns (below `values`, at most 2^MAX_DIGIT_BITS)
   * into sortedKeys, in one counting pass; returns where each gfn's keys end.
   */
  countingSort(n: number, values: number): Int32Array {
    const { gfns, keys, sortedKeys, counts } = this;
    counts.fill(0, 0, values + 1);
    for (let k = 0; k < n; k++) counts[gfns[k]! + 1]!++;
    for (let v = 1; v <= values; v++) counts[v]! += counts[v - 1]!;
    for (let k = 0; k < n; k++) sortedKeys[counts[gfns[k]!]!++] = keys[k]!;
    return counts;
  }

  /** Orders the first `n` draws (gfns below `gfnLimit`, at most 2^31) into sortedGfns and sortedKeys. */
  sortByGfn(n: number, gfnLimit: number): this {
    const bits = gfnBits(gfnLimit);
    const passes = Math.ceil(bits / MAX_DIGIT_BITS);
    const digitBits = Math.ceil(bits / passes);
    const mask = (1 << digitBits) - 1;
    let [fromG, fromK, toG, toK] = [this.gfns, this.keys, this.sortedGfns, this.sortedKeys];
    const counts = this.counts;
    for (let pass = 0, shift = 0; pass < passes; pass++, shift += digitBits) {
      counts.fill(0, 0, mask + 2);
      for (let k = 0; k < n; k++) counts[((fromG[k]! >>> shift) & mask) + 1]!++;
      for (let d = 1; d <= mask + 1; d++) counts[d]! += counts[d - 1]!;
      for (let k = 0; k < n; k++) {
        const j = counts[(fromG[k]! >>> shift) & mask]!++;
        toG[j] = fromG[k]!;
        toK[j] = fromK[k]!;
      }
      [fromG, fromK, toG, toK] = [toG, toK, fromG, fromK];
    }
    // After an even number of passes the result is back in the input arrays: swap roles.
    [this.gfns, this.keys, this.sortedGfns, this.sortedKeys] = [toG, toK, fromG, fromK];
    return this;
  }
}
