/**
 * A random op is applied gfn by gfn (DrawsByGfn), not in the order its sptes
 * were drawn. Operations on different gfns commute, so every event must
 * show exactly what the drawn order gives: the same counts, histogram, vCPU
 * cache and recycling, and every gfn's chain slot for slot (descriptor ids are
 * only where the model keeps them). The reference here applies the draws one by
 * one, as docs/scenario.md "Workload ops" states the contract.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE,
  PAGE_HEADER_TOPUP_MIN,
  PTE_LIST_DESC_TOPUP_MIN,
  RMAP_RECYCLE_THRESHOLD,
} from '../constants';
import { uniform } from '../model/prng';
import { PteListStore, type ChainView, type RmapAlgorithm } from '../model/rmap';
import type { RmapSummary } from '../model/state';
import { GfnSortedBatch } from './sortedBatch';
import { EVENT_BATCHES, VmRuntime } from './workload';

type RandomOp = { op: 'random'; seed: number; gfns: number; sptes: number; removePercent: number };

const withoutIds = (c: ChainView) =>
  c.form === 'descs' ? c.descs.map(({ count, tail, slots }) => ({ count, tail, slots })) : c;

/** The summary after each event, and every gfn's chain at the end, applying draws in drawn order. */
function inDrawnOrder(alg: RmapAlgorithm, op: RandomOp) {
  const store = new PteListStore(alg, 14);
  let vcpuDescs = 0;
  let vcpuPageHeaders = 0;
  let recycled = 0;
  const summaries: Omit<RmapSummary, 'bytes'>[] = [];
  const snapshot = () =>
    summaries.push({
      heads: store.heads,
      sptes: store.sptes,
      descs: store.descs,
      vcpuCacheDescs: vcpuDescs,
      vcpuCachePageHeaders: vcpuPageHeaders,
      recycled,
      histogram: store.histogram(),
    });
  const batch = Math.max(256, Math.ceil(op.sptes / EVENT_BATCHES));
  const r = uniform(op.seed);
  for (let i = 0; i < op.sptes; i++) {
    if (vcpuDescs < PTE_LIST_DESC_TOPUP_MIN) vcpuDescs = KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE;
    if (vcpuPageHeaders < PAGE_HEADER_TOPUP_MIN)
      vcpuPageHeaders = KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE;
    const gfn = Math.floor(r() * op.gfns);
    const before = store.descAllocations;
    if (store.add(gfn, i) > RMAP_RECYCLE_THRESHOLD) recycled += store.zapAll(gfn);
    vcpuDescs -= store.descAllocations - before;
    if ((i + 1) % batch === 0 || i + 1 === op.sptes) snapshot();
  }
  const replay = uniform(op.seed);
  for (let i = 0; i < op.sptes; i++) {
    const gfn = Math.floor(replay() * op.gfns);
    if (r() * 100 < op.removePercent) store.remove(gfn, i);
    if ((i + 1) % batch === 0 || i + 1 === op.sptes) snapshot();
  }
  return { summaries, store };
}

const opArb = fc.record({
  op: fc.constant('random' as const),
  seed: fc.nat(),
  // few gfns: long chains and recycling; many: gfns in several regions
  gfns: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20_000 })),
  sptes: fc.integer({ min: 1, max: 40_000 }),
  removePercent: fc.integer({ min: 0, max: 100 }),
});

describe.each(['append', 'head-insert'] as const)('random ops applied gfn by gfn (%s)', (alg) => {
  it('give every event the summary and every gfn the chain of the drawn order', () => {
    fc.assert(
      fc.property(opArb, (op) => {
        const vm = new VmRuntime(alg, 14, 64);
        const summaries = [];
        for (const step of vm.run([op])) {
          if (!step) continue;
          const { bytes: _bytes, ...rest } = vm.summary();
          summaries.push(rest);
        }
        const ref = inDrawnOrder(alg, op);
        expect(summaries).toEqual(ref.summaries);
        for (let gfn = 0; gfn < Math.min(op.gfns, 64); gfn++)
          expect(withoutIds(vm.store.chain(gfn))).toEqual(withoutIds(ref.store.chain(gfn)));
      }),
      {
        numRuns: 60,
        seed: 0x5eed,
        // Chains of 1,001 (applied as runs: nothing recycled) and 1,002 (one spte at a time).
        examples: [1001, 1002].map((sptes) => [
          { op: 'random' as const, seed: 3, gfns: 1, sptes, removePercent: 50 },
        ]),
      },
    );
  });
});

describe('GfnSortedBatch', () => {
  const sorted = (gfns: number[], limit: number) => {
    const b = new GfnSortedBatch().reserve(gfns.length);
    gfns.forEach((g, k) => {
      b.gfns[k] = g;
      b.keys[k] = k;
    });
    b.sortByGfn(gfns.length, limit);
    return [[...b.sortedGfns.slice(0, gfns.length)], [...b.sortedKeys.slice(0, gfns.length)]];
  };
  it('orders draws by gfn and keeps drawn order for the same gfn (one radix pass)', () => {
    expect(sorted([9, 5, 9, 4, 6, 5], 10)).toEqual([
      [4, 5, 5, 6, 9, 9],
      [3, 1, 5, 4, 0, 2],
    ]);
  });
  it.each([[10_000], [2 ** 22], [2 ** 31 - 1]])(
    'stays stable over several passes (gfns < %i)',
    (limit) => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: limit - 1 }), { maxLength: 300 }),
          (gfns) => {
            const expected = gfns
              .map((g, k) => [g, k] as const)
              .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
            expect(sorted(gfns, limit)).toEqual([
              expected.map(([g]) => g),
              expected.map(([, k]) => k),
            ]);
          },
        ),
        { numRuns: 100, seed: 7 },
      );
    },
  );
});
