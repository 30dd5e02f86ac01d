/**
 * Which built-in kernels are long-term-support releases. A first visit opens on the
 * newest of them: a kernel people run, not a patch that never merged.
 */
import { VARIANT_IDS } from './ids';

/**
 * The series kernel.org designated longterm (https://www.kernel.org/category/releases.html,
 * "Longterm release kernels"), oldest first.
 */
export const LONGTERM_SERIES = ['5.4', '5.10', '5.15', '6.1', '6.6', '6.12', '6.18'] as const;

/**
 * The series a built-in variant's id names: a shipped kernel's id is `v<major>.<minor>`
 * (releases.test.ts checks each against the tree its facts were read in). Null for
 * the other ids (patches, teaching variants, 'latest').
 */
export function seriesOfId(id: string): string | null {
  return /^v(\d+\.\d+)$/.exec(id)?.[1] ?? null;
}

const numeric = (series: string) => series.split('.').map(Number) as [number, number];
const newer = (a: string, b: string) => {
  const [am, an] = numeric(a);
  const [bm, bn] = numeric(b);
  return am !== bm ? am > bm : an > bn;
};

/** The id of the newest built-in kernel of a longterm series, among `ids`. */
export function newestLongterm<Id extends string>(ids: readonly Id[]): Id | null {
  let best: { id: Id; series: string } | null = null;
  for (const id of ids) {
    const series = seriesOfId(id);
    if (!series || !(LONGTERM_SERIES as readonly string[]).includes(series)) continue;
    if (!best || newer(series, best.series)) best = { id, series };
  }
  return best?.id ?? null;
}

/** The kernel a first visit opens on. */
export const NEWEST_LONGTERM = newestLongterm(VARIANT_IDS) ?? VARIANT_IDS[0];
