/**
 * The rmap model agrees with a plain set-of-sptes reference over long random
 * add/remove sequences, and keeps the kernel's structural invariants throughout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PteListStore, type RmapAlgorithm } from './rmap';

type Op = { add: boolean; gfn: number; pick: number };
/** Neighbours, both sides of a head segment boundary (1Ki gfns), of the last dense segment, and the sparse map. */
const GFNS = [0, 1, 2, 1023, 1024, 70_000, 2 ** 25 - 1, 2 ** 25, 2 ** 33];
const opArb = fc.record({ add: fc.boolean(), gfn: fc.constantFrom(...GFNS), pick: fc.nat() });

/** Two stores hold the same chains for `gfns`, the same totals and `gfn`'s length, the same histogram. */
function expectSameStores(a: PteListStore, b: PteListStore, gfns: number[], gfn: number) {
  for (const g of gfns) expect(a.chain(g)).toEqual(b.chain(g));
  expect([a.heads, a.sptes, a.descs, a.lengthOf(gfn)]).toEqual([
    b.heads,
    b.sptes,
    b.descs,
    b.lengthOf(gfn),
  ]);
  expect(a.histogram()).toEqual(b.histogram());
}

function checkInvariants(
  s: PteListStore,
  ref: Map<number, Set<number>>,
  alg: RmapAlgorithm,
  cap: number,
): void {
  let heads = 0;
  let sptes = 0;
  let descs = 0;
  for (const [gfn, set] of ref) {
    const c = s.chain(gfn);
    const inChain: number[] =
      c.form === 'empty'
        ? []
        : c.form === 'single'
          ? [c.spte]
          : c.descs.flatMap((d) => d.slots.slice(0, d.count) as number[]);
    expect(new Set(inChain)).toEqual(set);
    expect(inChain.length).toBe(set.size);
    expect(s.lengthOf(gfn)).toBe(set.size);
    expect(s.newest(gfn)).toBe(set.size ? Math.max(...set) : -1);
    if (set.size) heads++;
    sptes += set.size;
    if (c.form !== 'descs') continue;
    descs += c.descs.length;
    c.descs.forEach((d, i) => {
      expect(d.count).toBeGreaterThan(0); // empty descriptors are freed at once
      expect(d.count).toBeLessThanOrEqual(cap);
      expect(d.slots.slice(d.count).every((x) => x === null)).toBe(true); // vacated slots are NULLed
      if (alg === 'head-insert') {
        if (i > 0) expect(d.count).toBe(cap); // tails are always full
        const behind = c.descs.slice(i + 1).reduce((n, x) => n + x.count, 0);
        expect(d.tail).toBe(behind);
      }
    });
  }
  expect([s.heads, s.sptes, s.descs]).toEqual([heads, sptes, descs]);
  const hist = new Map<number, number>();
  for (const set of ref.values()) if (set.size) hist.set(set.size, (hist.get(set.size) ?? 0) + 1);
  expect(new Map(s.histogram())).toEqual(hist);
}

describe.each([
  ['append', 14],
  ['append', 2],
  ['head-insert', 14],
  ['head-insert', 2],
  ['head-insert', 3],
] as [RmapAlgorithm, number][])('%s, %i sptes per descriptor', (alg, cap) => {
  it('matches a set-of-sptes reference over random add/remove sequences', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 400 }), (ops: Op[]) => {
        const s = new PteListStore(alg, cap);
        const ref = new Map<number, Set<number>>();
        let next = 0;
        for (const op of ops) {
          const set = ref.get(op.gfn) ?? new Set<number>();
          ref.set(op.gfn, set);
          if (op.add || set.size === 0) {
            const before = set.size;
            const count = s.add(op.gfn, next);
            // head insertion counts exactly; appending counts up to the descriptor it fills
            if (alg === 'head-insert') expect(count).toBe(before);
            else expect(count).toBeLessThanOrEqual(before);
            set.add(next++);
          } else {
            const victim = [...set][op.pick % set.size]!;
            expect(s.remove(op.gfn, victim)).toBe(true);
            set.delete(victim);
            expect(s.remove(op.gfn, victim)).toBe(false);
          }
        }
        checkInvariants(s, ref, alg, cap);
      }),
      { numRuns: 300, seed: 0x5eed },
    );
  });
});

describe.each([
  ['append', 14],
  ['append', 2],
  ['head-insert', 14],
  ['head-insert', 3],
] as [RmapAlgorithm, number][])(
  'addRun(), removeRun(): %s, %i sptes per descriptor',
  (alg, cap) => {
    it('leave the chain, and log the allocations and frees, as add() and remove() one at a time', () => {
      fc.assert(
        fc.property(
          fc.array(opArb, { maxLength: 150 }), // what the gfns held before, holes and all
          fc.constantFrom(...GFNS),
          fc.integer({ min: 1, max: 120 }),
          fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
          (before: Op[], gfn, n, removes) => {
            const [runs, single] = [new PteListStore(alg, cap), new PteListStore(alg, cap)];
            const held = new Map<number, number[]>();
            let next = 0;
            for (const op of before) {
              const sptes = held.get(op.gfn) ?? [];
              held.set(op.gfn, sptes);
              if (op.add || !sptes.length) {
                for (const s of [runs, single]) s.add(op.gfn, next);
                sptes.push(next++);
              } else {
                const [victim] = sptes.splice(op.pick % sptes.length, 1);
                for (const s of [runs, single]) s.remove(op.gfn, victim!);
              }
            }
            const base = next;
            const keys = Int32Array.from({ length: n }, (_, i) => 3 * i);
            const log = new Int32Array(n);
            const allocated = keys.filter((k) => {
              const before = single.descAllocations;
              single.add(gfn, base + k);
              return single.descAllocations !== before;
            });
            expect([...log.subarray(0, runs.addRun(gfn, keys, 0, n, base, log, 0))]).toEqual([
              ...allocated,
            ]);
            const gone = keys.filter((_, i) => removes[i]);
            const freed = gone.filter((k) => {
              const before = single.descs;
              single.remove(gfn, base + k);
              return single.descs !== before;
            });
            const freeing = new Int32Array(n);
            const logged = runs.removeRun(gfn, gone, 0, gone.length, base, freeing, 0);
            expect([...freeing.subarray(0, logged)]).toEqual([...freed]);
            expectSameStores(runs, single, GFNS, gfn);
          },
        ),
        { numRuns: 300, seed: 0x5eed },
      );
    });

    it('removeFromRun() leaves the chain and logs the frees as remove() one at a time, on a run added to an empty rmap', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...GFNS),
          fc.integer({ min: 1, max: 120 }),
          fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
          (gfn, n, removes) => {
            const [runs, single] = [new PteListStore(alg, cap), new PteListStore(alg, cap)];
            // Another gfn's chain, so descriptors are reused from the free list as well.
            for (let spte = 0; spte < 3 * cap; spte++)
              for (const s of [runs, single]) s.add(7, spte);
            for (let spte = 0; spte < 3 * cap; spte += 2)
              for (const s of [runs, single]) s.remove(7, spte);
            const base = 1000;
            const keys = Int32Array.from({ length: n + 4 }, (_, i) => 3 * i);
            for (const k of keys.subarray(2, n + 2)) single.add(gfn, base + k);
            runs.addRun(gfn, keys, 2, n + 2, base, new Int32Array(n), 0);
            const drops = Int32Array.from(keys.subarray(0, n).keys()).filter((i) => removes[i]);
            const freed = [...drops]
              .map((i) => keys[2 + i]!)
              .filter((k) => {
                const before = single.descs;
                single.remove(gfn, base + k);
                return single.descs !== before;
              });
            const freeing = new Int32Array(n);
            const logged = runs.removeFromRun(gfn, keys, 2, n + 2, drops, drops.length, freeing, 0);
            expect([...freeing.subarray(0, logged)]).toEqual(freed);
            expectSameStores(runs, single, [...GFNS, 7], gfn);
          },
        ),
        { numRuns: 300, seed: 0x5eed },
      );
    });
  },
);
