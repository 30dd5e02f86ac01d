/**
 * DrawsByGfn must hand every draw of a random op to its gfn exactly once, gfns
 * ascending and each gfn's draws in drawn order, whatever the gfn range, the
 * number of parts or the filter; the reference draws them one by one as the
 * contract does (r() × gfns, docs/scenario.md "Workload ops").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uniform } from '../model/prng';
import { DrawsByGfn } from './drawsByGfn';
import { GfnDrawIndex } from './gfnDrawIndex';

function visited(d: DrawsByGfn, only: number | null): [number, number[]][] {
  const out: [number, number[]][] = [];
  for (const _ of d.visit(only, (gfn, keys, from, to) => {
    out.push([gfn, [...keys.subarray(from, to)]]);
  }));
  return out;
}

function reference(seed: number, draws: number, gfns: number, only: number | null) {
  const r = uniform(seed);
  const byGfn = new Map<number, number[]>();
  for (let k = 0; k < draws; k++) {
    const gfn = Math.floor(r() * gfns);
    if (only !== null && gfn !== only) continue;
    const keys = byGfn.get(gfn) ?? [];
    keys.push(k);
    byGfn.set(gfn, keys);
  }
  return [...byGfn].sort((a, b) => a[0] - b[0]);
}

/** One gfn; fewer gfns than `groups`; many gfns per group; the largest range. */
const gfnRanges = (groups: number) =>
  fc.oneof(
    fc.constant(1),
    fc.integer({ min: 2, max: groups }),
    fc.integer({ min: groups + 1, max: 1 << 22 }),
    fc.constant(2 ** 31 - 1),
  );

describe('DrawsByGfn', () => {
  it('visits each gfn once, ascending, with its draws in drawn order', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.integer({ min: 1, max: 20_000 }),
        gfnRanges(2048),
        // a few parts (each a pass over all draws), or one
        fc.oneof(fc.integer({ min: 2000, max: 8000 }), fc.constant(1 << 24)),
        (seed, draws, gfns, unitsPerPart) => {
          expect(visited(new DrawsByGfn(seed, draws, gfns, unitsPerPart), null)).toEqual(
            reference(seed, draws, gfns, null),
          );
        },
      ),
      { numRuns: 80, seed: 3 },
    );
  });

  it('takes a power-of-two range’s gfn from the draw’s top bits, as r() × gfns gives it', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 31 }),
        (seed, draws, bits) => {
          expect(visited(new DrawsByGfn(seed, draws, 2 ** bits), null)).toEqual(
            reference(seed, draws, 2 ** bits, null),
          );
        },
      ),
      { numRuns: 64, seed: 4 },
    );
  });

  it('stores gaps of 2^16 draws and more exactly (a group with one gfn in a million)', () => {
    // 2^20 + 1 gfns: the last group holds only gfn 2^20, drawn about once per 2^20 draws.
    const draws = 3_000_000;
    const gfns = (1 << 20) + 1;
    const sparse: number[] = [];
    let visits = 0;
    for (const _ of new DrawsByGfn(9, draws, gfns).visit(null, (gfn, keys, from, to) => {
      visits += to - from;
      if (gfn === 1 << 20) sparse.push(...keys.subarray(from, to));
    }));
    expect(visits).toBe(draws);
    expect([[1 << 20, sparse]]).toEqual(reference(9, draws, gfns, 1 << 20));
    expect(sparse.length).toBeGreaterThan(1);
    expect(Math.max(...sparse.map((k, i) => k - (sparse[i - 1] ?? -1)))).toBeGreaterThan(1 << 16);
  });

  it('visits one gfn alone, as a chain query replays it', () => {
    const d = new DrawsByGfn(5, 200_000, 5000);
    const only = d.gfnOf(77_777);
    expect(visited(d, only)).toEqual(reference(5, 200_000, 5000, only));
  });
});

describe('GfnDrawIndex', () => {
  it('gives each gfn its draws in drawn order, or null where its group ran out of room', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.integer({ min: 1, max: 20_000 }),
        gfnRanges(256),
        // the room kept, and none past the 64 units every group gets
        fc.constantFrom(1.1, 0),
        (seed, draws, gfns, headroom) => {
          const index = new GfnDrawIndex(seed, draws, gfns, headroom);
          const drawn = new DrawsByGfn(seed, draws, gfns);
          const asked = [
            0,
            gfns - 1,
            drawn.gfnOf(0),
            drawn.gfnOf(draws - 1),
            drawn.gfnOf(draws >> 1),
          ];
          for (const gfn of asked) {
            const keys = index.keysOf(gfn);
            const expected = reference(seed, draws, gfns, gfn)[0]?.[1] ?? [];
            if (headroom === 0 && expected.length > 64) expect(keys).toBeNull();
            if (keys) expect([...keys]).toEqual(expected);
          }
        },
      ),
      { numRuns: 80, seed: 5 },
    );
  });

  it('stores gaps of 2^16 draws and more exactly', () => {
    const draws = 3_000_000;
    const gfns = (1 << 20) + 1;
    const keys = [...new GfnDrawIndex(9, draws, gfns).keysOf(1 << 20)!];
    expect(keys).toEqual(reference(9, draws, gfns, 1 << 20)[0]![1]);
    expect(Math.max(...keys.map((k, i) => k - (keys[i - 1] ?? -1)))).toBeGreaterThan(1 << 16);
  });
});
