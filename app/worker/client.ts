/**
 * The main-thread side of the worker bridge. It owns the worker, hands each run an
 * id, drops messages from runs it has moved on from, and — because Comlink leaves
 * calls pending forever when a worker dies — rejects them itself and respawns.
 */
import { proxy, releaseProxy, wrap, type Remote } from 'comlink';
import type { ChainView } from '../engine/view';
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
  failure(runId: number, error: string): void;
}

type Spawn = () => Worker;

const defaultSpawn: Spawn = () =>
  new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });

export class EngineClient {
  private worker!: Worker;
  private api!: Remote<EngineApi>;
  private latest = 0;
  private pending = new Set<(reason: Error) => void>();

  constructor(
    private readonly sink: RunSink,
    private readonly spawn: Spawn = defaultSpawn,
  ) {
    this.start();
  }

  private start(): void {
    this.worker = this.spawn();
    this.api = wrap<EngineApi>(this.worker);
    this.worker.addEventListener('error', (e) =>
      this.crash(e.message || 'the engine worker stopped'),
    );
  }

  /** Rejects every call in flight, then starts a fresh worker. */
  private crash(reason: string): void {
    for (const reject of this.pending) reject(new Error(reason));
    this.pending.clear();
    this.api[releaseProxy]();
    this.worker.terminate();
    this.start();
  }

  private track<T>(call: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.add(reject);
      call.then(resolve, reject).finally(() => this.pending.delete(reject));
    });
  }

  catalog(): Promise<CatalogEntry[]> {
    return this.track(this.api.catalog());
  }

  /** Starts a run (compared with `compareWith` if given); any earlier run is abandoned. Returns its id. */
  run(input: unknown, compareWith?: unknown): number {
    const runId = ++this.latest;
    if (runId > 1) void this.api.cancel(runId - 1);
    const onMessage = proxy((m: RunMessage) => {
      if (m.runId === this.latest) this.sink.message(m);
    });
    this.track(this.api.run(runId, input, onMessage, compareWith) as Promise<void>).catch(
      (e: Error) => {
        if (runId === this.latest) this.sink.failure(runId, e.message);
      },
    );
    return runId;
  }

  validate(input: unknown): Promise<{ ok: true } | { ok: false; error: string }> {
    return this.track(
      this.api.validate(input) as Promise<{ ok: true } | { ok: false; error: string }>,
    );
  }

  compare(left: unknown, right: unknown): Promise<CompareOutcome> {
    return this.track(this.api.compare(left, right) as Promise<CompareOutcome>);
  }

  chain(runId: number, gfn: number, eventIndex: number): Promise<ChainView | null> {
    return this.track(this.api.chain(runId, gfn, eventIndex) as Promise<ChainView | null>);
  }

  eventOf(input: unknown, eventIndex: number): Promise<EventView | null> {
    return this.track(this.api.eventOf(input, eventIndex) as Promise<EventView | null>);
  }

  checkTrace(name: string, text: string, scenario: unknown): Promise<TraceCheckOutcome> {
    return this.track(this.api.checkTrace(name, text, scenario) as Promise<TraceCheckOutcome>);
  }

  dispose(): void {
    this.worker.terminate();
  }
}
