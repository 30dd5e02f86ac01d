/** The longterm kernel a first visit opens on is chosen from the variants, by their release. */
import { describe, expect, it } from 'vitest';
import { VARIANT_IDS } from './ids';
import { NEWEST_LONGTERM, newestLongterm, seriesOfId } from './releases';
import { VARIANTS } from './variants';

describe('longterm kernels', () => {
  it('an id that names a series is a shipped kernel whose facts were read in that series', () => {
    const named = VARIANT_IDS.filter((id) => seriesOfId(id) !== null);
    expect(named.length).toBeGreaterThan(3);
    for (const id of named) {
      expect(VARIANTS[id].kind, id).toBe('shipped');
      // The tree is the tag the facts were read in: v6.6 was read in v6.6.87 (sources.ts).
      expect(VARIANTS[id].tree, id).toMatch(
        new RegExp(`^v${seriesOfId(id)!.replace('.', '\\.')}(\\.|$)`),
      );
    }
  });

  it('orders series by number, not by text, and skips non-longterm and non-kernel ids', () => {
    expect(newestLongterm(['v6.6', 'v6.12', 'v6.19', 'v7.1', 'seed-p2'])).toBe('v6.12');
    expect(newestLongterm(['v5.19', 'v6.0', 'latest'])).toBeNull();
    expect(newestLongterm(['v5.15', 'v6.1'])).toBe('v6.1');
  });

  it('the first visit’s kernel is a longterm release no other built-in kernel is newer than', () => {
    expect(newestLongterm([NEWEST_LONGTERM])).toBe(NEWEST_LONGTERM);
    for (const id of VARIANT_IDS)
      if (newestLongterm([id]) === id)
        expect(newestLongterm([id, NEWEST_LONGTERM])).toBe(NEWEST_LONGTERM);
    // v6.6 is the newest until a v6.12 variant exists; v6.19 ('latest') and v7.1 are not longterm.
    expect(['v6.6', 'v6.12']).toContain(NEWEST_LONGTERM);
  });
});
