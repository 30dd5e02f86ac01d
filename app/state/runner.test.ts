/**
 * A runner on a store of its own, with the engine API in this thread in place of the
 * worker (the same EngineApi the worker exposes): the wiring runnerState.test.ts
 * leaves out — which change starts a run, and that two stores do not meet.
 */
import { describe, expect, it, vi } from 'vitest';
import type { EditAttribution, ScenarioInput, ValueAccess } from '../engine/view';
import { createEngineApi } from '../worker/api';
import type { RunSink } from '../worker/client';
import { createRunner, type RunnerClient } from './runner';
import { createAppStore, DEFAULT_INPUT } from './store';

/**
 * EngineClient's contract in this thread: run ids, only the latest run's messages,
 * and nothing delivered before run() has returned (as across a worker boundary).
 */
function inThread(sink: RunSink): RunnerClient & { runs: unknown[] } {
  const api = createEngineApi();
  let latest = 0;
  const runs: unknown[] = [];
  return {
    runs,
    run(input, compareWith) {
      const runId = ++latest;
      runs.push(input);
      api.cancel(runId - 1);
      queueMicrotask(
        () => void api.run(runId, input, (m) => m.runId === latest && sink.message(m), compareWith),
      );
      return runId;
    },
    cancel: () => api.cancel(latest),
    catalog: async () => api.catalog(),
    validate: async (input) => api.validate(input),
    compare: async (left, right) => api.compare(left, right),
    chain: async (runId, gfn, eventIndex) => api.chain(runId, gfn, eventIndex),
    eventOf: (input, eventIndex) => api.eventOf(input, eventIndex),
    checkTrace: async (name, text, scenario) => api.checkTrace(name, text, scenario),
    rmapHistory: async (runId, gfn) => api.rmapHistory(runId, gfn),
    attributeFindings: (runId) => api.attributeFindings(runId),
    dispose: () => undefined,
  };
}

function started(input: ScenarioInput = DEFAULT_INPUT) {
  const store = createAppStore(input);
  let client!: ReturnType<typeof inThread>;
  const runner = createRunner(store, (sink) => (client = inThread(sink)));
  const done = () =>
    vi.waitFor(() => expect(store.getState().run.status).toMatch(/done|invalid/), {
      timeout: 5000,
    });
  return { store, runner, client, done };
}

describe('a runner on its own store', () => {
  it('runs the store’s input, and each new input, once', async () => {
    const { store, client, done, runner } = started();
    await done();
    expect(store.getState().run.trace!.length).toBeGreaterThan(50);
    const amd: ScenarioInput = { ...DEFAULT_INPUT, vendor: 'amd' };
    store.setState({ input: amd });
    store.setState({ step: 3 }); // not an input change: no run
    await vi.waitFor(() => expect(store.getState().run.scenario?.vendor).toBe('amd'));
    expect(client.runs).toEqual([DEFAULT_INPUT, amd]);
    runner.stop();
  });

  it('places a link’s step when the link is opened in the same update as its input', async () => {
    const { store, done, runner } = started();
    await done();
    // v6.6, where step 12 on AMD is a step Intel's run has too.
    store.setState({
      input: { ...DEFAULT_INPUT, kernel: 'v6.6', vendor: 'amd' },
      opened: { step: 20, fallBack: true },
    });
    await vi.waitFor(() => expect(store.getState().run.scenario?.vendor).toBe('amd'));
    await done();
    expect(store.getState().step).toBe(20);
    // A later change keeps the user on the step they are on, not where the link said.
    store.setState({ step: 12 });
    const here = store.getState().run.trace!.events[11]!.stepId;
    store.setState({
      input: { ...DEFAULT_INPUT, kernel: 'v6.6', vendor: 'intel', params: { tdp: false } },
    });
    await vi.waitFor(() => expect(store.getState().run.scenario?.params.tdp).toBe(false));
    await done();
    const { step, run } = store.getState();
    expect(run.trace!.events[step - 1]!.stepId).toBe(here);
    expect(step).not.toBe(20);
    runner.stop();
  });

  it('a tried input becomes the input with its run, and two stores keep their own runs', async () => {
    const one = started();
    const two = started({ ...DEFAULT_INPUT, kernel: 'v6.0' });
    await Promise.all([one.done(), two.done()]);
    const input: ScenarioInput = {
      ...DEFAULT_INPUT,
      edits: [{ remove: 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks' }],
    };
    const settled = new Promise((resolve) => one.runner.tryInput({ input }, resolve));
    expect(one.store.getState().input).toBe(DEFAULT_INPUT); // not before its run starts
    expect(await settled).toBeNull();
    expect(one.store.getState().input).toBe(input);
    expect(two.store.getState().input.kernel).toBe('v6.0');
    expect(two.client.runs).toHaveLength(1);
    one.runner.stop();
    two.runner.stop();
  });
});

describe('a runner’s answers from the worker after a run', () => {
  const edits = [
    {
      move: 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks',
      to: 'kvm_arch_hardware_setup',
      index: 2,
    },
  ];

  it('works out which edit produced each finding, for the run shown only', async () => {
    const { store, runner, done } = started({ v: 1, kernel: 'v6.0', vendor: 'intel', edits });
    await done();
    await vi.waitFor(() => expect(store.getState().attribution).not.toBeNull());
    const { attribution, run } = store.getState();
    expect(attribution!.runId).toBe(run.runId);
    expect(attribution).toHaveProperty('value');
    expect((attribution as { value: EditAttribution }).value.sources).toEqual(
      run.findings.map(() => ({ from: 'edits', edits: [0] })),
    );
    // Without edits there is nothing to attribute, and nothing is asked.
    store.setState({ input: { v: 1, kernel: 'v6.0', vendor: 'intel' } });
    await vi.waitFor(() => expect(store.getState().run.edits).toEqual([]));
    await done();
    expect(store.getState().attribution!.runId).not.toBe(store.getState().run.runId);
    runner.stop();
  });

  it('keeps the worker’s failure as the answer, to show, and does not ask again', async () => {
    const { store, runner, client, done } = started({
      v: 1,
      kernel: 'v6.0',
      vendor: 'intel',
      edits,
    });
    let asked = 0;
    client.attributeFindings = () => {
      asked++;
      return Promise.reject(new Error('the worker stopped'));
    };
    await done();
    await vi.waitFor(() =>
      expect(store.getState().attribution).toEqual({
        runId: store.getState().run.runId,
        error: 'the worker stopped',
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).toBe(1);
    runner.stop();
  });

  it('fetches the open rmap head’s history, and again for each run', async () => {
    const workload = [{ op: 'map' as const, gfn: 4096, sptes: 3 }];
    const { store, runner, done } = started({ ...DEFAULT_INPUT, workload });
    await done();
    store.setState({ history: { kind: 'rmap', gfn: 4096 } });
    await vi.waitFor(() => expect(store.getState().rmapHistory?.gfn).toBe(4096));
    const lengths = () =>
      (store.getState().rmapHistory as { value: ValueAccess[] }).value.map(
        (a) => a.access === 'write' && a.after,
      );
    expect(lengths()).toEqual([1, 2, 3]);
    store.setState({ input: { ...DEFAULT_INPUT, workload: [{ ...workload[0]!, sptes: 2 }] } });
    await vi.waitFor(() => expect(store.getState().run.scenario!.workload[0]!.sptes).toBe(2));
    await done();
    await vi.waitFor(() =>
      expect(store.getState().rmapHistory?.runId).toBe(store.getState().run.runId),
    );
    expect(lengths()).toEqual([1, 2]);
    runner.stop();
  });
});
