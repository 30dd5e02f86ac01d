/**
 * mulberry32, the generator the scenario contract names for random workloads, so
 * every implementation reaches the same chains. next() returns a uint32.
 *
 * Its state only advances by a constant, so draw k can be computed on its own
 * (mulberry32At): a random op regenerates draws instead of storing them.
 */
const STEP = 0x6d2b79f5;

/** The output for state `a` (the state after the step). */
function mix(a: number): number {
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => mix((a = (a + STEP) >>> 0));
}

/** The k-th output (0-based) of mulberry32(seed). */
export function mulberry32At(seed: number, k: number): number {
  return mix((seed + Math.imul(k + 1, STEP)) >>> 0);
}

/** r() in the contract: the next uint32 / 2^32, in [0, 1). */
export function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => toUnit(next());
}

/** A uint32 draw as r() returns it. */
export function toUnit(u: number): number {
  return u / 4294967296;
}

/**
 * The draws u for which r() × scale < p (as the contract computes it, in doubles)
 * are exactly those below the number returned: that product only grows with u,
 * so one comparison of the uint32 tells, without the arithmetic.
 */
export function drawsBelow(p: number, scale: number): number {
  let lo = 0;
  let hi = 2 ** 32;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (toUnit(mid) * scale < p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
