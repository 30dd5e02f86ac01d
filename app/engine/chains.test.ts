/**
 * Chain queries (the rmap pane's selected gfn) answer from a replay of that gfn's
 * history that moves forward incrementally and restarts when asked about an
 * earlier step. Whatever the order of the questions, each answer must be the
 * chain a fresh replay to that step gives, and at the end of the workload the
 * chain the full run built (slot for slot; descriptor ids are the replay's own).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainIndex, runScenario, type ChainView, type WorkloadOp } from './index';
import { ChainReplay, gfnHistory, VmRuntime } from './run/workload';

const WORKLOAD: WorkloadOp[] = [
  { op: 'map', gfn: 7, sptes: 40 },
  { op: 'random', seed: 3, gfns: 12, sptes: 3000, removePercent: 40 },
  { op: 'unmap', gfn: 7, sptes: 25 },
  { op: 'map', gfn: 2, sptes: 1100 }, // past RMAP_RECYCLE_THRESHOLD: zapped once
];

const shape = (c: ChainView) =>
  c.form === 'descs' ? c.descs.map(({ count, tail, slots }) => ({ count, tail, slots })) : c;

describe.each(['v6.0', 'v6.6'] as const)('chain queries on %s', (kernel) => {
  const run = runScenario({
    v: 1,
    kernel,
    vendor: 'intel',
    params: { tdp: false },
    workload: WORKLOAD,
  });
  if (!run.ok) throw new Error(run.error);
  const result = run.value;
  const events = result.trace.length;
  const alg = result.variant.rmap.algorithm;
  const cap = result.rmapCapacity!;

  it('answer as a fresh replay would, in any order of steps and gfns', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gfn: fc.constantFrom(2, 7, 11), event: fc.nat(events - 1) }), {
          minLength: 1,
          maxLength: 40,
        }),
        (queries) => {
          const index = new ChainIndex(result);
          for (const { gfn, event } of queries) {
            const tick = result.trace.tickAt(event);
            const fresh =
              tick === null
                ? { form: 'empty' }
                : new ChainReplay(gfnHistory(WORKLOAD, alg, cap, gfn), alg, cap, gfn).at(tick);
            expect(index.chainAt(gfn, event)).toEqual(fresh);
          }
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  });

  it('end on the chain the full run built', () => {
    const full = new VmRuntime(alg, cap, 0);
    for (const _ of full.run(WORKLOAD));
    const index = new ChainIndex(result);
    for (const gfn of [2, 7, 11]) {
      index.chainAt(gfn, 0);
      expect(shape(index.chainAt(gfn, events - 1))).toEqual(shape(full.store.chain(gfn)));
    }
  });
});

describe('the draw index listed ahead (ChainIndex.prepare)', () => {
  const workload: WorkloadOp[] = [
    { op: 'random', seed: 5, gfns: 1000, sptes: 150_000, removePercent: 50 },
  ];
  const run = runScenario({ v: 1, kernel: 'v6.6', vendor: 'intel', workload });
  if (!run.ok) throw new Error(run.error);
  const result = run.value;
  const end = result.trace.length - 1;

  it('gives the same chains whether it ran in full, in part or not at all', () => {
    const gfns = [0, 1, 499, 999];
    const unprepared = gfns.map((gfn) => new ChainIndex(result).chainAt(gfn, end));
    for (const slices of [1, 2, Infinity]) {
      const index = new ChainIndex(result);
      const prepare = index.prepare();
      for (let i = 0; i < slices && !prepare.next().done; i++);
      expect(gfns.map((gfn) => index.chainAt(gfn, end))).toEqual(unprepared);
      // What is left of it after a question has nothing to change.
      for (const _ of prepare);
      expect(gfns.map((gfn) => index.chainAt(gfn, end))).toEqual(unprepared);
    }
  });
});
