/**
 * The client's watch over its worker, with the engine API exposed in this thread on
 * the far end of a MessageChannel (Comlink speaks to a port as to a worker). A worker
 * that dies without a word is one whose end stops listening; one whose script cannot
 * load fires 'error' as it starts.
 */
import { expose } from 'comlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngineApi } from './api';
import {
  CANCEL_GRACE_MS,
  EngineClient,
  PING_TIMEOUT_MS,
  RESTART_DELAYS_MS,
  type RunSink,
} from './client';
import type { RunMessage } from './protocol';

type Fake = Worker & { far: MessagePort };

/** Starts workers; `how` says what each one does (answers, says nothing, or fails to load). */
function workers(how: () => 'engine' | 'silent' | 'broken' = () => 'engine') {
  const started: Fake[] = [];
  const spawn = () => {
    const { port1, port2 } = new MessageChannel();
    const worker = Object.assign(port1, {
      terminate: () => (port1.close(), port2.close()),
      far: port2,
    }) as unknown as Fake;
    const kind = how();
    if (kind === 'engine') expose(createEngineApi(), port2);
    else port2.start();
    if (kind === 'broken') queueMicrotask(() => worker.dispatchEvent(new Event('error')));
    started.push(worker);
    return worker;
  };
  return { started, spawn };
}

function sink() {
  const messages: RunMessage[] = [];
  const failures: { runId: number; error: string }[] = [];
  const s: RunSink = {
    message: (m) => messages.push(m),
    failure: (runId, error) => failures.push({ runId, error }),
  };
  return { s, messages, failures };
}

const SEED = { v: 1, kernel: 'seed-p2', vendor: 'intel' };
const LONG = {
  ...SEED,
  workload: [{ op: 'random', seed: 1, gfns: 65_536, sptes: 1 << 22, removePercent: 50 }],
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('EngineClient and its worker', () => {
  it('a worker that stops answering is found dead by the next call that waits, and restarted', async () => {
    const { started, spawn } = workers();
    const { s, failures } = sink();
    const client = new EngineClient(s, spawn);
    await expect(client.catalog()).resolves.not.toHaveLength(0);
    started[0]!.far.close(); // the worker ends itself: no event, no answer
    const call = client.validate(SEED);
    const runId = client.run(SEED);
    await vi.advanceTimersByTimeAsync(PING_TIMEOUT_MS);
    await expect(call).resolves.toMatchObject({
      ok: false,
      error: expect.stringMatching(/could not check it \(The engine stopped \(it did not answer/),
    });
    expect(failures).toEqual([{ runId, error: expect.stringMatching(/being restarted/) }]);
    expect(started.length).toBe(1);
    await vi.advanceTimersByTimeAsync(RESTART_DELAYS_MS[0]);
    expect(started.length).toBe(2);
    await expect(client.validate(SEED)).resolves.toEqual({ ok: true });
    client.dispose();
  });

  it('a worker that cannot load is restarted after growing pauses, then given up with a plain message', async () => {
    const { started, spawn } = workers(() => 'broken');
    const { s, failures } = sink();
    const client = new EngineClient(s, spawn);
    const runId = client.run(SEED);
    for (const delay of RESTART_DELAYS_MS) {
      await vi.advanceTimersByTimeAsync(delay - 1);
      const before = started.length;
      await vi.advanceTimersByTimeAsync(1);
      expect(started.length).toBe(before + 1);
    }
    await vi.advanceTimersByTimeAsync(60_000);
    expect(started.length).toBe(RESTART_DELAYS_MS.length + 1);
    const last = failures.at(-1)!;
    expect(last.error).toMatch(
      /^The engine cannot run in this browser: it stopped 4 times in a row/,
    );
    expect(failures[0]).toEqual({ runId, error: expect.stringMatching(/being restarted/) });
    await expect(client.catalog()).rejects.toThrow(last.error);
    const later = client.run(SEED);
    await vi.advanceTimersByTimeAsync(0);
    expect(failures.at(-1)).toEqual({ runId: later, error: last.error });
    client.dispose();
  });

  it('a cancelled run stops in the worker and ends cancelled', async () => {
    const { started, spawn } = workers();
    const { s, messages } = sink();
    const client = new EngineClient(s, spawn);
    const runId = client.run(LONG);
    await vi.waitFor(() => expect(messages.length).toBeGreaterThan(0), { timeout: 5000 });
    client.cancel();
    await vi.waitFor(() => expect(messages.at(-1)?.outcome).toBeDefined(), { timeout: 5000 });
    expect(messages.at(-1)!.outcome).toEqual({ runId, status: 'cancelled' });
    expect(started.length).toBe(1);
    client.dispose();
  });

  it('a cancelled run whose worker does not stop in time ends with its worker, and a fresh one starts', async () => {
    let n = 0;
    const { started, spawn } = workers(() => (n++ === 0 ? 'silent' : 'engine'));
    const { s, messages, failures } = sink();
    const client = new EngineClient(s, spawn);
    const runId = client.run(LONG);
    client.cancel();
    await vi.advanceTimersByTimeAsync(CANCEL_GRACE_MS);
    expect(messages).toEqual([{ runId, events: [], outcome: { runId, status: 'cancelled' } }]);
    expect(started.length).toBe(2);
    expect(failures).toEqual([]);
    await expect(client.validate(SEED)).resolves.toEqual({ ok: true });
    client.dispose();
  });
});
