/** The p-th percentile of `xs` (nearest rank, no interpolation), as the benchmarks report it. */
export const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
