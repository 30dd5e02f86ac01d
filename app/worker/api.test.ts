/** The worker API, run in-thread: what the main thread receives for a run, in order. */
import { describe, expect, it, vi } from 'vitest';
import type * as Runner from '../engine/runner';
import { runScenario } from '../engine/runner';
import type { ScenarioInput } from '../engine/scenario';
import { createEngineApi, PARTS } from './api';
import type { RunMessage } from './protocol';

// Counted, not replaced: which scenarios the API runs to the end (the compared side).
vi.mock('../engine/runner', async (importOriginal) => {
  const runner = await importOriginal<typeof Runner>();
  return { ...runner, runScenario: vi.fn(runner.runScenario) };
});

const SEED: ScenarioInput = { v: 1, kernel: 'seed-p2', vendor: 'intel' };
const BIG: ScenarioInput = {
  ...SEED,
  workload: [{ op: 'random', seed: 1, gfns: 65_536, sptes: 1 << 20, removePercent: 50 }],
};

async function collect(input: unknown, api = createEngineApi(), runId = 1, compareWith?: unknown) {
  const messages: RunMessage[] = [];
  await api.run(runId, input, (m) => messages.push(m), compareWith);
  return messages;
}

describe('EngineApi.run', () => {
  it('a short run arrives as one message: start, every event and the outcome', async () => {
    // A run that fits in one 16 ms slice; the clock stands still so that a busy machine
    // cannot make this one outlast it.
    const clock = vi.spyOn(performance, 'now').mockReturnValue(0);
    const [m, ...rest] = await collect(SEED).finally(() => clock.mockRestore());
    expect(rest).toEqual([]);
    const direct = runScenario(SEED);
    if (!direct.ok) throw new Error(direct.error);
    expect(m!.start?.variant.id).toBe('seed-p2');
    expect(m!.events.length).toBe(direct.value.trace.length);
    expect(m!.outcome).toMatchObject({ runId: 1, status: 'done', findings: [] });
  });

  it('a long run streams: start first, the outcome last, nothing lost in between', async () => {
    const messages = await collect(BIG);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.filter((m) => m.start).map((m) => messages.indexOf(m))).toEqual([0]);
    expect(messages.filter((m) => m.outcome).map((m) => messages.indexOf(m))).toEqual([
      messages.length - 1,
    ]);
    const events = messages.flatMap((m) => m.events);
    expect(events.map((e) => e.index)).toEqual(events.map((_, i) => i));
    // Slices spent applying the random op before its events send only a percent or more of progress.
    const progress = messages.map((m) => m.progress!);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    messages.forEach((m, i) => {
      if (!m.events.length && !m.start && !m.outcome)
        expect(progress[i]! - progress[i - 1]!).toBeGreaterThanOrEqual(0.01);
    });
    expect(progress.at(-1)).toBe(1);
  });

  it('bad input ends in one message that says why', async () => {
    const messages = await collect({ v: 1, kernel: 'v9.9', vendor: 'intel' });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.outcome).toMatchObject({ status: 'invalid' });
    expect(messages[0]!.outcome).toHaveProperty('error', expect.stringContaining('kernel'));
  });

  it('the outcome carries the descriptor capacity the engine gave the run’s VM', async () => {
    const capacity = async (input: ScenarioInput) => (await collect(input)).at(-1)!.outcome;
    const workload = [{ op: 'map' as const, gfn: 1, sptes: 3 }];
    // PTE_LIST_EXT; the v1 series' nr_sptes_per_pte_list: 2 with TDP, 14 without [PATCH 3/4].
    expect(await capacity({ ...SEED, workload })).toMatchObject({ rmapCapacity: 14 });
    expect(await capacity({ ...SEED, kernel: 'seed-p3', workload })).toMatchObject({
      rmapCapacity: 2,
    });
    expect(
      await capacity({ ...SEED, kernel: 'seed-p3', params: { tdp: false }, workload }),
    ).toMatchObject({ rmapCapacity: 14 });
    expect(await capacity(SEED)).toMatchObject({ rmapCapacity: null }); // no VM ran
  });

  it('a newer run cancels the one still streaming', async () => {
    const api = createEngineApi();
    const first = collect(BIG, api, 1);
    const second = collect(SEED, api, 2);
    const [a, b] = await Promise.all([first, second]);
    expect(a.at(-1)!.outcome).toEqual({ runId: 1, status: 'cancelled' });
    expect(b.at(-1)!.outcome).toMatchObject({ runId: 2, status: 'done' });
  });

  it('a newer run cancels one busy inside a single gfn (the op yields within it)', async () => {
    // 2^17 sptes on one gfn: grouped at once, then ~100 ms of work on one chain, recycled 130 times.
    const ONE_GFN = {
      ...SEED,
      workload: [{ op: 'random', seed: 1, gfns: 1, sptes: 1 << 17, removePercent: 50 }],
    };
    // A clock that ticks 1 ms per reading: a 16 ms slice is 16 advances, whatever the machine.
    let t = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => t++);
    const api = createEngineApi();
    const [a] = await Promise.all([collect(ONE_GFN, api, 1), collect(SEED, api, 2)]).finally(() =>
      clock.mockRestore(),
    );
    expect(a.at(-1)!.outcome).toEqual({ runId: 1, status: 'cancelled' });
    // Cancelled while applying the op: none of its events (they come once it is applied) was sent.
    expect(a.flatMap((m) => m.events).filter((e) => e.kind === 'workload')).toEqual([]);
  });

  it('a run too costly to start is refused in one message that says why', async () => {
    const costly = {
      ...SEED,
      workload: [{ op: 'random', seed: 1, gfns: 1, sptes: 1 << 25, removePercent: 50 }],
    };
    const messages = await collect(costly);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.outcome).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/^too costly to run: /),
    });
  });
});

describe('EngineApi.validate and chain', () => {
  it('validate explains an impossible edit without running it', async () => {
    const r = await createEngineApi().validate({
      ...SEED,
      edits: [
        {
          move: 'kvm_arch_init/kvm_mmu_vendor_module_init',
          to: 'kvm_mmu_vendor_module_init',
          index: 0,
        },
      ],
    });
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('call itself') });
  });

  it('chains answer for the latest finished run only', async () => {
    const api = createEngineApi();
    const input = { ...SEED, workload: [{ op: 'map', gfn: 4096, sptes: 20 }] };
    const messages = await collect(input, api, 1);
    const last = messages.flatMap((m) => m.events).length - 1;
    expect(api.chain(1, 4096, last)).not.toBeNull();
    await collect(SEED, api, 2);
    expect(api.chain(1, 4096, last)).toBeNull();
  });
});

describe('EngineApi.compare', () => {
  it('compares two runs into plain data that crosses the worker boundary', async () => {
    const out = await createEngineApi().compare(SEED, { ...SEED, kernel: 'alt-configure-mmu' });
    if (!out.ok) throw new Error(out.error);
    expect(out.view.sides.map((s) => s.kernel)).toEqual(['seed-p2', 'alt-configure-mmu']);
    expect(out.view.rows.length).toBeGreaterThan(0);
    expect(structuredClone(out.view)).toEqual(out.view);
  });

  it('a run asked to compare itself brings the comparison with its last message', async () => {
    const right = { ...SEED, kernel: 'alt-configure-mmu' };
    const messages = await collect(SEED, createEngineApi(), 1, right);
    expect(messages.slice(0, -1).every((m) => m.comparison === undefined)).toBe(true);
    const last = messages.at(-1)!;
    expect(last.outcome?.status).toBe('done');
    expect(last.comparison).toEqual(await createEngineApi().compare(SEED, right));
    expect((await collect(SEED))[0]!.comparison).toBeUndefined();
  });

  it('a run that cannot start says so for the comparison too', async () => {
    // The comparison comes with the outcome, in the last message however many slices the run took.
    const m = (await collect({ ...SEED, kernel: 'v9.9' }, createEngineApi(), 1, SEED)).at(-1);
    expect(m!.comparison).toMatchObject({ ok: false, side: 'left' });
    const n = (await collect(SEED, createEngineApi(), 1, { v: 1 })).at(-1);
    expect(n!.comparison).toMatchObject({ ok: false, side: 'right' });
  });

  it('an edit runs the edited side only: the compared one is kept while its input is the same', async () => {
    const api = createEngineApi();
    const right = { ...SEED, kernel: 'alt-configure-mmu' };
    const runs = (input: unknown) =>
      vi.mocked(runScenario).mock.calls.filter(([i]) => JSON.stringify(i) === JSON.stringify(input))
        .length;
    vi.mocked(runScenario).mockClear();
    const first = (await collect(SEED, api, 1, right)).at(-1)!.comparison;
    // The mask reset after vendor setup: the left side changes, the right one does not.
    const reset = 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks';
    const edited = { ...SEED, edits: [{ move: reset, to: 'kvm_arch_hardware_setup', index: 2 }] };
    const second = (await collect(edited, api, 2, structuredClone(right))).at(-1)!.comparison;
    expect(await api.eventOf(right, 0)).not.toBeNull();
    expect(runs(right)).toBe(1);
    expect(second).toEqual(await createEngineApi().compare(edited, right));
    expect(second).not.toEqual(first);

    const amd = { ...right, vendor: 'amd' };
    await collect(SEED, api, 3, amd);
    expect(runs(amd)).toBe(1);
  });

  it('says which side could not run, and why', async () => {
    const api = createEngineApi();
    await expect(api.compare({ ...SEED, kernel: 'v9.9' }, SEED)).resolves.toMatchObject({
      ok: false,
      side: 'left',
      error: expect.stringContaining('kernel'),
    });
    await expect(api.compare(SEED, { v: 1 })).resolves.toMatchObject({ ok: false, side: 'right' });
  });
});

describe('code loaded on demand', () => {
  // What a browser's import() rejects with when the chunk is gone (a newer deploy) or the network failed.
  const gone = () =>
    Promise.reject(new TypeError('Failed to fetch dynamically imported module: /assets/x.js'));
  const api = createEngineApi({ ...PARTS, comparison: gone, traceCheck: gone });

  it('a comparison whose code cannot load rejects with what could not load, and why', async () => {
    await expect(api.compare(SEED, SEED)).rejects.toThrow(
      'the engine could not load compare mode (Failed to fetch dynamically imported module: /assets/x.js); reload the page',
    );
    await expect(collect(SEED, api, 1, SEED)).rejects.toThrow('could not load compare mode');
  });

  it('so does a trace check, and what needs neither still works', async () => {
    await expect(api.checkTrace('t.txt', '', SEED)).rejects.toThrow(
      'the engine could not load the ftrace reader',
    );
    expect((await collect(SEED, api)).at(-1)!.outcome?.status).toBe('done');
  });

  it('a run, a validate and a comparison load the kernels they name', async () => {
    const asked: string[] = [];
    const api = createEngineApi({ ...PARTS, variant: (k) => (asked.push(k), PARTS.variant(k)) });
    const v612 = { ...SEED, kernel: 'v6.12' };
    expect((await collect(v612, api)).at(-1)!.outcome?.status).toBe('done');
    await api.validate({ ...SEED, kernel: 'v6.1' });
    await api.compare(SEED, { ...SEED, kernel: 'v6.0' });
    expect(asked).toEqual(['v6.12', 'v6.1', 'seed-p2', 'v6.0']);
    await api.checkTrace('t.txt', '', { ...SEED, kernel: 'v7.1' });
    expect(asked.at(-1)).toBe('v7.1');
  });

  it('so does a run of a kernel whose data cannot load', async () => {
    const api = createEngineApi({ ...PARTS, variant: gone });
    await expect(collect({ ...SEED, kernel: 'v6.12' }, api)).rejects.toThrow(
      'the engine could not load v6.12’s data (Failed to fetch',
    );
    await expect(api.validate({ ...SEED, kernel: 'v6.1' })).rejects.toThrow('v6.1’s data');
    // A written kernel's era and call lines are chunks too.
    await expect(collect(SEED, api)).rejects.toThrow(
      'the engine could not load seed-p2’s data (Failed to fetch',
    );
    await expect(api.checkTrace('t.txt', '', { ...SEED, kernel: 'v7.1' })).rejects.toThrow(
      'v7.1’s data',
    );
  });
});

describe('EngineApi.eventOf', () => {
  const RIGHT: ScenarioInput = { ...SEED, kernel: 'alt-configure-mmu' };
  const direct = runScenario(RIGHT);
  if (!direct.ok) throw new Error(direct.error);
  const events = direct.value.trace.events;

  it('gives the compared side’s event with the functions on its call stack', async () => {
    const api = createEngineApi();
    await api.compare(SEED, RIGHT);
    const i = events.findIndex((e) => e.stack.includes('kvm_configure_mmu') && e.fn !== null);
    const out = (await api.eventOf(RIGHT, i))!;
    expect(out.event).toEqual(events[i]);
    expect(Object.keys(out.functions).sort()).toEqual([...new Set(events[i]!.stack)].sort());
    expect(out.functions['kvm_configure_mmu']!.src).toEqual(
      direct.value.variant.functions['kvm_configure_mmu']!.src,
    );
    expect(structuredClone(out)).toEqual(out);
  });

  it('runs a scenario it has not compared, and answers null past its end or when it cannot run', async () => {
    const api = createEngineApi();
    expect((await api.eventOf(RIGHT, 0))!.event).toEqual(events[0]);
    expect(await api.eventOf(RIGHT, events.length)).toBeNull();
    expect(await api.eventOf({ ...SEED, kernel: 'v9.9' }, 0)).toBeNull();
  });
});

describe('EngineApi.rmapHistory and attributeFindings', () => {
  const RESET = 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks';
  /** bad-reset-after-setup's edit on v6.0, and a harmless one after it (attribution.test.ts). */
  const EDITED: ScenarioInput = {
    v: 1,
    kernel: 'v6.0',
    vendor: 'intel',
    edits: [
      { move: RESET, to: 'kvm_arch_hardware_setup', index: 2 },
      {
        move: 'kvm_arch_hardware_setup/perf_callbacks_XSS_CR4_TSC_caps_MSR_list',
        to: 'kvm_arch_hardware_setup',
        index: 0,
      },
    ],
  };

  it('attributes the latest run’s findings to its edits, in plain data', async () => {
    const api = createEngineApi();
    const findings = (await collect(EDITED, api, 1)).at(-1)!.outcome;
    const out = await api.attributeFindings(1);
    expect(findings).toMatchObject({ status: 'done', findings: { length: 5 } });
    expect(out).toEqual({
      sources: Array.from({ length: 5 }, () => ({ from: 'edits', edits: [0] })),
      untestable: [],
    });
    expect(structuredClone(out)).toEqual(out);
    expect(await api.attributeFindings(2)).toBeNull();
  });

  it('a newer run stops an attribution in progress', async () => {
    const api = createEngineApi();
    await collect(EDITED, api, 1);
    // The first slice ends after one re-run: the clock jumps at every look.
    let t = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => (t += 100));
    const attribution = api.attributeFindings(1);
    clock.mockRestore();
    const [out] = await Promise.all([attribution, collect(SEED, api, 2)]);
    expect(out).toBeNull();
  });

  it('answers a gfn’s rmap history for the latest finished run only', async () => {
    const api = createEngineApi();
    await collect({ ...SEED, workload: [{ op: 'map', gfn: 4096, sptes: 2 }] }, api, 1);
    expect(api.rmapHistory(1, 4096)!.map((a) => a.access === 'write' && a.after)).toEqual([1, 2]);
    await collect(SEED, api, 2);
    expect(api.rmapHistory(1, 4096)).toBeNull();
  });
});
