/**
 * A run's cost is bounded, not only its counts (issue #17 item 3): the estimate
 * refuses what would cost too much before anything runs, the meter stops what the
 * estimate let through, and a long op yields often enough to be cancelled. Work
 * is counted, never timed, so these tests are deterministic.
 */
import { describe, expect, it } from 'vitest';
import { runValidated, startRun, validateScenario, type WorkloadOp } from '..';
import { COST_US, DEFAULT_BUDGET, OverBudget, WorkMeter } from './budget';
import { estimateCost, overBudget } from './cost';
import { VmRuntime } from './workload';

const scenario = (workload: unknown[], kernel = 'v6.0') => {
  const v = validateScenario({ v: 1, kernel, vendor: 'intel', workload });
  if (!v.ok) throw new Error(v.error);
  return v.value;
};
const random = (gfns: number, sptes: number, removePercent = 50) =>
  ({ op: 'random', seed: 1, gfns, sptes, removePercent }) as const;
const refusal = (workload: unknown[], kernel = 'v6.0') => {
  const s = scenario(workload, kernel);
  return overBudget(
    estimateCost(s, kernel === 'v6.0' ? 'append' : 'head-insert', 14),
    DEFAULT_BUDGET,
  );
};

describe('the estimate refuses, before running, what a link or file could ask for', () => {
  it.each([
    // 2^25 sptes over 2^31 gfns: a head segment for nearly every spte (the 12.7 GB renderer)
    [
      'gfns 2^31 − 1, sptes 2^25',
      [random(2 ** 31 - 1, 2 ** 25)],
      /workload\[0\].*\d+\.\d GB of memory/,
    ],
    // one gfn, 2^25 sptes: recycled 33,000 times, every removal scans the chain (31 s in the CLI)
    ['gfns 1, sptes 2^25', [random(1, 2 ** 25)], /workload\[0\].*about \d\d s of work/],
    // 10,000 map ops of 256 sptes: 2.5 million trace events (the V8 out-of-memory)
    [
      '10,000 map ops of 256 sptes',
      Array.from({ length: 10_000 }, (_, gfn) => ({ op: 'map', gfn, sptes: 256 })),
      /2,560,400 trace events/,
    ],
    // 2^25 sptes appended to one gfn: every add walks up to 72 descriptors (head insertion: none)
    [
      'map 2^25 sptes to one gfn (append)',
      [{ op: 'map', gfn: 7, sptes: 2 ** 25 }],
      /workload\[0\]/,
      ['v6.0'],
    ],
    // each unmap of a full chain scans it twice per spte it removes
    [
      '5,000 times map and unmap 1,000 sptes',
      Array.from({ length: 10_000 }, (_, i) => ({
        op: i % 2 ? 'unmap' : 'map',
        gfn: 7,
        sptes: 1000,
      })),
      /trace events/,
    ],
  ] as [string, WorkloadOp[], RegExp, string[]?][])('%s', (_, workload, message, kernels) => {
    for (const kernel of kernels ?? ['v6.0', 'v6.6']) {
      const r = refusal(workload, kernel);
      expect(r).toBeInstanceOf(OverBudget);
      expect(r!.message).toMatch(/^too costly to run: /);
      expect(r!.message).toMatch(message);
      expect(r!.message).toContain('the budget is 5.0 s and 1.0 GB');
      expect(r!.factor).toBeGreaterThan(1);
      // startRun says the same, and nothing runs
      const started = startRun(scenario(workload, kernel));
      expect(started).toEqual({ ok: false, error: r!.message, overBudget: r!.factor });
    }
  });

  it.each([
    ['the 16M-spte bench op', [random(2 ** 20, 2 ** 24)]],
    ['the 1M-spte preset', [random(65_536, 2 ** 20)]],
    ['2,000 sptes spread over 2^31 gfns', [random(2 ** 31 - 1, 2000)]],
    [
      '10,000 map ops of one spte',
      Array.from({ length: 10_000 }, (_, gfn) => ({ op: 'map', gfn, sptes: 1 })),
    ],
  ] as [string, WorkloadOp[]][])('lets %s run', (_, workload) => {
    expect(refusal(workload)).toBeNull();
  });

  it('costs memory by the gfns a sparse op touches, not by its range', () => {
    const sparse = estimateCost(scenario([random(2 ** 31 - 1, 2000)]), 'append', 14);
    expect(sparse.bytes).toBeLessThan(64 * 2 ** 20);
    const dense = estimateCost(scenario([random(2 ** 31 - 1, 2 ** 22)]), 'append', 14);
    expect(dense.bytes).toBeGreaterThan(2 ** 30);
  });

  it('agrees with what the meter counts while running, within a factor of two', () => {
    for (const [workload, kernel] of [
      [[random(65_536, 2 ** 20)], 'v6.0'],
      [[random(16, 2 ** 18)], 'v6.6'],
      [[random(1, 2 ** 17)], 'v6.0'],
      [[{ op: 'map', gfn: 3, sptes: 2 ** 17 }], 'v6.0'],
      [Array.from({ length: 100 }, (_, gfn) => ({ op: 'map', gfn, sptes: 100 })), 'v6.6'],
    ] as [WorkloadOp[], string][]) {
      const s = scenario(workload, kernel);
      const algorithm = kernel === 'v6.0' ? 'append' : 'head-insert';
      const estimate = estimateCost(s, algorithm, 14);
      const run = runValidated(s);
      if (!run.ok) throw new Error(run.error);
      // What the run's meter counts: the VM's work, and every trace event.
      const meter = new WorkMeter();
      for (const _ of new VmRuntime(algorithm, 14, 128, null, meter).run(s.workload));
      const counted = meter.us + run.value.trace.length * COST_US.event;
      expect(counted / estimate.us).toBeGreaterThan(0.5);
      expect(counted / estimate.us).toBeLessThan(2);
    }
  });
});

describe('the meter, while running', () => {
  it('stops a run that goes over its work budget', () => {
    const vm = new VmRuntime(
      'append',
      14,
      128,
      null,
      new WorkMeter({ us: 20_000, bytes: Infinity }),
    );
    expect(() => {
      for (const _ of vm.run([random(1, 2 ** 16)]));
    }).toThrow(/^stopped: the run went over its budget \(20 ms of work, /);
  });

  it('stops a run before it allocates past its memory budget', () => {
    const meter = new WorkMeter({ us: Infinity, bytes: 8 * 2 ** 20 });
    const vm = new VmRuntime('append', 14, 128, null, meter);
    // 4,000 sptes over 2^31 gfns touch ~4,000 head segments of 8 KB: 32 MB.
    expect(() => {
      for (const _ of vm.run([random(2 ** 31 - 1, 4000)]));
    }).toThrow(OverBudget);
    expect(vm.store.bytes).toBeLessThanOrEqual(8 * 2 ** 20);
  });

  it('stops what the estimate let through (chains a random op built, unmapped)', () => {
    // The estimate knows the lengths of the chains map ops build, not those random ops
    // build, so it thinks these unmaps find nothing; each really scans a chain of 1,001.
    const workload = Array.from({ length: 100 }, (_, seed) => [
      { op: 'random', seed, gfns: 1, sptes: 1001, removePercent: 0 },
      { op: 'unmap', gfn: 0, sptes: 1001 },
    ]).flat();
    const s = scenario(workload);
    const estimate = estimateCost(s, 'append', 14);
    const budget = { us: estimate.us * 1.3, bytes: DEFAULT_BUDGET.bytes };
    const stream = startRun(s, undefined, budget);
    if (!stream.ok) throw new Error(`refused: ${stream.error}`);
    expect(() => stream.value.finish()).toThrow(/^stopped: the run went over its budget/);
  });

  it('lets a long op yield after every ~10 ms of work, so a cancel gets in', () => {
    for (const [algorithm, op] of [
      ['append', random(1, 2 ** 18)], // one gfn: recycled chains, long scans
      ['head-insert', random(2 ** 14, 2 ** 20)],
      ['append', { op: 'map', gfn: 1, sptes: 2 ** 18 }], // events of 4,096 appends each
    ] as ['append' | 'head-insert', WorkloadOp][]) {
      const meter = new WorkMeter();
      const vm = new VmRuntime(algorithm, 14, 128, null, meter);
      let last = 0;
      let longest = 0;
      for (const _ of vm.run([{ op: 'map', gfn: 1, sptes: 1000 }, op])) {
        longest = Math.max(longest, meter.us - last);
        last = meter.us;
      }
      // A turn is 10 ms of work; one slice of draws or one spte may end past it.
      expect(longest).toBeLessThan(15_000);
      expect(meter.us).toBeGreaterThan(50_000);
    }
  });

  it('reports progress from 0 to 1 as the run advances', () => {
    const stream = startRun(scenario([random(65_536, 2 ** 20)]));
    if (!stream.ok) throw new Error(stream.error);
    const seen = [stream.value.progress()];
    while (stream.value.advance()) seen.push(stream.value.progress());
    seen.push(stream.value.progress());
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // It moves in steps, not only at the end.
    expect(new Set(seen.map((p) => Math.round(p * 10))).size).toBeGreaterThan(5);
  });
});
