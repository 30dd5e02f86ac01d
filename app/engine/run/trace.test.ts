/**
 * Traces: checkpoints let any step be reached without replaying from zero, and a
 * scenario always yields the same trace.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../index';
import { FAULT_POINTS, VARIANT_IDS, VENDORS } from '../ids';
import { applyChange, cloneState } from '../model/state';
import { mustRun } from '../testing';
import { CHECKPOINT_EVERY, Trace } from './trace';

const scenarioArb = fc.record({
  v: fc.constant(1),
  kernel: fc.constantFrom(...VARIANT_IDS),
  vendor: fc.constantFrom(...VENDORS),
  params: fc.record(
    {
      tdp: fc.boolean(),
      eptAD: fc.boolean(),
      physBits: fc.integer({ min: 39, max: 52 }),
      sme: fc.boolean(),
      l1tf: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  fail: fc.array(
    fc.record({ at: fc.constantFrom(...FAULT_POINTS), nth: fc.integer({ min: 1, max: 2 }) }),
    { maxLength: 2 },
  ),
  workload: fc.array(
    fc.oneof(
      fc.record({
        op: fc.constant('map' as const),
        gfn: fc.integer({ min: 0, max: 3 }),
        sptes: fc.integer({ min: 1, max: 40 }),
      }),
      fc.record({
        op: fc.constant('unmap' as const),
        gfn: fc.integer({ min: 0, max: 3 }),
        sptes: fc.integer({ min: 1, max: 40 }),
      }),
      fc.record({
        op: fc.constant('random' as const),
        seed: fc.nat(),
        gfns: fc.integer({ min: 1, max: 50 }),
        sptes: fc.integer({ min: 1, max: 3000 }),
        removePercent: fc.integer({ min: 0, max: 100 }),
      }),
    ),
    { maxLength: 3 },
  ),
});

const stringify = (x: unknown) =>
  JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

describe('determinism', () => {
  it('the same scenario always yields the same trace and findings', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const a = runScenario(input);
        const b = runScenario(structuredClone(input));
        expect(a.ok && b.ok).toBe(true);
        if (!a.ok || !b.ok) return;
        expect(stringify(b.value.trace.toJSON())).toBe(stringify(a.value.trace.toJSON()));
        expect(b.value.findings).toEqual(a.value.findings);
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});

describe('checkpoints', () => {
  it('stateAt(i) equals replaying every change from the start, for every i', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const r = runScenario(input);
        if (!r.ok) return;
        const t = r.value.trace;
        const naive = cloneState(t.initial);
        t.events.forEach((e, i) => {
          for (const c of e.changes) applyChange(naive, c);
          if (i % 7 === 0 || i === t.length - 1)
            expect(stringify(t.stateAt(i))).toBe(stringify(naive));
        });
      }),
      { numRuns: 40, seed: 11 },
    );
  });
  it('stepping back applies the "before" side of each change', () => {
    const t = mustRun('seed-p3', 'intel', { workload: [{ op: 'map', gfn: 1, sptes: 30 }] }).trace;
    const s = t.stateAt(t.length - 1);
    for (let i = t.length - 1; i > 0; i--) {
      for (const c of [...t.events[i]!.changes].reverse()) applyChange(s, c, false);
      if (i % CHECKPOINT_EVERY === 3) expect(stringify(s)).toBe(stringify(t.stateAt(i - 1)));
    }
  });
  it('survives the worker boundary: structured clone, then Trace.from()', () => {
    const t = mustRun('v6.6', 'amd').trace;
    const copy = Trace.from(structuredClone(t.toJSON()));
    expect(stringify(copy.stateAt(40))).toBe(stringify(t.stateAt(40)));
    expect(copy.length).toBe(t.length);
  });
});
