/**
 * The main-thread side of the worker bridge. It owns the worker, hands each run an
 * id, drops messages from runs it has moved on from, and watches the worker's life:
 * Comlink leaves calls pending forever when a worker dies, and a worker that ends
 * itself (self.close()) fires no event at all. So every call that waits checks that
 * the worker still answers, and where the browser has Web Locks the worker holds a
 * lock the client is granted the moment the worker is gone. A dead worker's calls
 * are rejected and it is restarted after a growing pause; after repeated failures
 * the client says plainly that the engine cannot run, instead of respawning forever.
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { ChainView, EditAttribution, ValueAccess } from '../engine/view';
import type {
  CatalogEntry,
  CompareOutcome,
  EngineApi,
  EventView,
  RunMessage,
  TraceCheckOutcome,
} from './protocol';

export interface RunSink {
  message(m: RunMessage): void;
  /** Run `runId` cannot go on (its worker died): `error` is a sentence to show as it is. */
  failure(runId: number, error: string): void;
}

/** Starts a worker named `name` (the name of the lock it holds while it lives). */
export type Spawn = (name: string) => Worker;

const defaultSpawn: Spawn = (name) =>
  new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name });

/** The pause before restarting a worker that failed 1, 2, 3 times in a row; one failure more and it is given up. */
export const RESTART_DELAYS_MS = [250, 1000, 4000] as const;
/** A worker that lived this long before it failed starts the count of failures again. */
export const STABLE_MS = 30_000;
/**
 * A call that waits asks the worker whether it still answers; no answer in this long
 * and it is taken for dead. Longer than the worker ever works without a turn (a
 * compared scenario runs in one go, within its budget of 5 s of reference work).
 */
export const PING_TIMEOUT_MS = 20_000;
/** A cancelled run that has not stopped by then is stopped by ending its worker. */
export const CANCEL_GRACE_MS = 60;

type Validation = { ok: true } | { ok: false; error: string };

export class EngineClient {
  private worker: Worker | null = null;
  private api: Remote<EngineApi> | null = null;
  /** Counts workers started, so news of an earlier one is ignored. */
  private generation = 0;
  private startedAt = 0;
  private failures = 0;
  private givenUp: string | null = null;
  private latest = 0;
  /** The latest run, while it is still running. */
  private running: number | null = null;
  /** The run cancelled last: whatever it still sends is dropped. */
  private cancelled: number | null = null;
  /** The run whose call the worker has not answered yet. */
  private inWorker: number | null = null;
  private pinging = false;
  private pending = new Set<(reason: Error) => void>();
  /** Calls made while no worker runs (between a failure and its restart). */
  private waiting: ((api: Remote<EngineApi> | Error) => void)[] = [];
  private restartTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly sink: RunSink,
    private readonly spawn: Spawn = defaultSpawn,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.start();
  }

  private start(): void {
    this.restartTimer = null;
    const generation = ++this.generation;
    const name = `kvm-mmu-engine-${Math.random().toString(36).slice(2)}-${generation}`;
    let api: Remote<EngineApi>;
    try {
      this.worker = this.spawn(name);
      api = wrap<EngineApi>(this.worker);
    } catch (e) {
      // A worker the browser refuses to start (a policy, a bad URL) fails like one that died.
      this.worker = null;
      return this.fail(generation, (e as Error).message || 'the worker could not be started');
    }
    this.api = api;
    this.startedAt = this.now();
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.fail(generation, e.message || 'the engine’s script could not be loaded or stopped');
    });
    for (const resolve of this.waiting.splice(0)) resolve(api);
    // The worker answers its first ping once it holds the lock named after it.
    void this.ping().then((alive) => {
      const locks = (globalThis.navigator as Navigator | undefined)?.locks;
      if (alive && locks && generation === this.generation)
        void locks.request(name, () => this.fail(generation, 'the engine worker stopped'));
    });
  }

  /** Ends the current worker (its pending calls are rejected with `reason`). */
  private end(reason: string): void {
    this.generation++;
    for (const reject of this.pending) reject(new Error(reason));
    this.pending.clear();
    this.api?.[releaseProxy]();
    this.worker?.terminate();
    this.api = null;
    this.worker = null;
    this.pinging = false;
  }

  /** Worker `generation` died: fail what it was doing, then restart it after a pause, or give up. */
  private fail(generation: number, reason: string): void {
    if (generation !== this.generation) return;
    if (this.now() - this.startedAt >= STABLE_MS) this.failures = 0;
    const delay = RESTART_DELAYS_MS[this.failures++];
    if (delay === undefined)
      this.givenUp = `The engine cannot run in this browser: it stopped ${this.failures} times in a row (the last time: ${reason}). Reload the page to try again.`;
    const said =
      this.givenUp ??
      `The engine stopped (${reason}) and is being restarted; change the scenario to run it again.`;
    const run = this.running;
    this.running = null;
    this.end(said);
    if (run !== null || this.givenUp) this.sink.failure(run ?? this.latest, said);
    if (this.givenUp)
      for (const resolve of this.waiting.splice(0)) resolve(new Error(this.givenUp));
    else this.restartTimer = setTimeout(() => this.start(), delay);
  }

  /** The current worker's API, once one runs. */
  private session(): Promise<Remote<EngineApi>> {
    if (this.api) return Promise.resolve(this.api);
    if (this.givenUp) return Promise.reject(new Error(this.givenUp));
    return new Promise((resolve, reject) =>
      this.waiting.push((a) => (a instanceof Error ? reject(a) : resolve(a))),
    );
  }

  /**
   * Asks whether the worker still answers (once at a time); true once it does. No
   * answer within PING_TIMEOUT_MS and it is taken for dead.
   */
  private ping(): Promise<boolean> {
    const api = this.api;
    if (!api || this.pinging) return Promise.resolve(false);
    this.pinging = true;
    const generation = this.generation;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        resolve(false);
        this.fail(generation, `it did not answer for ${PING_TIMEOUT_MS / 1000} s`);
      }, PING_TIMEOUT_MS);
      api.ping().then(
        () => {
          clearTimeout(timer);
          if (generation === this.generation) this.pinging = false;
          resolve(true);
        },
        () => {
          clearTimeout(timer);
          resolve(false);
        },
      );
    });
  }

  /** `call` on the current worker; rejected if the worker dies first. */
  private track<T>(call: (api: Remote<EngineApi>) => Promise<T>): Promise<T> {
    return this.session().then(
      (api) =>
        new Promise<T>((resolve, reject) => {
          this.pending.add(reject);
          call(api)
            .then(resolve, reject)
            .finally(() => this.pending.delete(reject));
          void this.ping();
        }),
    );
  }

  catalog(): Promise<CatalogEntry[]> {
    return this.track((api) => api.catalog());
  }

  /** Starts a run (compared with `compareWith` if given); any earlier run is abandoned. Returns its id. */
  run(input: unknown, compareWith?: unknown): number {
    const runId = ++this.latest;
    if (this.running !== null) void this.api?.cancel(this.running);
    this.running = runId;
    const onMessage = proxy((m: RunMessage) => {
      if (m.runId !== this.latest || m.runId === this.cancelled) return;
      if (m.outcome) this.running = null;
      this.sink.message(m);
    });
    this.inWorker = runId;
    this.track((api) => api.run(runId, input, onMessage, compareWith) as Promise<void>)
      .finally(() => {
        if (this.inWorker === runId) this.inWorker = null;
      })
      .catch((e: Error) => {
        // fail() has told the sink of a run its worker took down; this one never reached a worker.
        if (runId !== this.latest || this.running !== runId) return;
        this.running = null;
        this.sink.failure(runId, e.message);
      });
    return runId;
  }

  /**
   * Stops the latest run at once: it ends 'cancelled' now, and what it still sends is
   * dropped. The worker is asked to stop too, and if it has not within
   * CANCEL_GRACE_MS (busy in one long stretch of work) it is ended and a fresh one
   * started, so the next run does not wait behind it.
   */
  cancel(): void {
    const runId = this.running;
    if (runId === null) return;
    this.running = null;
    this.cancelled = runId;
    void this.api?.cancel(runId);
    this.sink.message({ runId, events: [], outcome: { runId, status: 'cancelled' } });
    const generation = this.generation;
    setTimeout(() => {
      if (this.inWorker !== runId || generation !== this.generation) return;
      this.end('the run was cancelled');
      this.start();
    }, CANCEL_GRACE_MS);
  }

  validate(input: unknown): Promise<Validation> {
    return this.track((api) => api.validate(input) as Promise<Validation>).catch((e: Error) => ({
      ok: false as const,
      error: `the engine could not check it (${e.message})`,
    }));
  }

  compare(left: unknown, right: unknown): Promise<CompareOutcome> {
    return this.track((api) => api.compare(left, right) as Promise<CompareOutcome>);
  }

  chain(runId: number, gfn: number, eventIndex: number): Promise<ChainView | null> {
    return this.track((api) => api.chain(runId, gfn, eventIndex) as Promise<ChainView | null>);
  }

  rmapHistory(runId: number, gfn: number): Promise<ValueAccess[] | null> {
    return this.track((api) => api.rmapHistory(runId, gfn) as Promise<ValueAccess[] | null>);
  }

  attributeFindings(runId: number): Promise<EditAttribution | null> {
    return this.track((api) => api.attributeFindings(runId) as Promise<EditAttribution | null>);
  }

  eventOf(input: unknown, eventIndex: number): Promise<EventView | null> {
    return this.track((api) => api.eventOf(input, eventIndex) as Promise<EventView | null>);
  }

  checkTrace(name: string, text: string, scenario: unknown): Promise<TraceCheckOutcome> {
    return this.track((api) => api.checkTrace(name, text, scenario) as Promise<TraceCheckOutcome>);
  }

  dispose(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.givenUp = 'the engine was stopped';
    this.end(this.givenUp);
  }
}
