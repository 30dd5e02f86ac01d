/**
 * EngineApi over the engine, in whatever thread it is created in. Long runs are
 * sliced: after each slice the trace so far is streamed and the event loop gets a
 * turn, so a cancel or a newer run is seen promptly.
 */
// The engine's own modules, not its index: the index re-exports compare mode's code too,
// which would pull it into the worker's first chunk.
import { ChainIndex } from '../engine/chainIndex';
import { loadScenarioVariant } from '../engine/loading';
import { VARIANT_IDS, type VariantId } from '../engine/ids';
import { OverBudget } from '../engine/run/budget';
import { runScenario, startRun, type RunResult, type RunStream } from '../engine/runner';
import { validateScenario } from '../engine/scenario';
import { loadVariant, variantMeta } from '../engine/variants';
import type { FunctionDef } from '../engine/variants/types';
import {
  STREAM_INTERVAL_MS,
  type CatalogEntry,
  type CompareOutcome,
  type EngineApi,
  type EventView,
  type RunMessage,
  type RunOutcome,
  type RunStart,
} from './protocol';

const now = () => performance.now();
/** Work done while idle gives a request that arrives meanwhile a turn at least this often. */
const IDLE_SLICE_MS = 4;

/** Lets queued messages (cancel, a newer run) in before the next slice. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/** Gfns the workload touched explicitly, in order, then the longest chains at the end. */
function interestingGfns(r: RunResult, longest: number[]): number[] {
  const out: number[] = [];
  for (const op of r.scenario.workload)
    if (op.op !== 'random' && !out.includes(op.gfn)) out.push(op.gfn);
  for (const g of longest) if (!out.includes(g)) out.push(g);
  return out.slice(0, 12);
}

/**
 * The last scenario compared with (compare mode's right side) and its run, kept by its
 * input: an edit changes only the left side, so the right one is not run again, and its
 * events can be shown without running it again either.
 */
interface KeptRun {
  key: string;
  result: RunResult;
}

/** Event `i` of `run` with the definitions of the functions its call stack names. */
function eventView({ trace, variant }: RunResult, i: number): EventView | null {
  const event = trace.events[i];
  if (!event) return null;
  const functions: Record<string, FunctionDef> = {};
  for (const name of event.stack) {
    const def = variant.functions[name];
    if (def) functions[name] = def;
  }
  return { event, functions };
}

/**
 * Code only some requests need, each a chunk of its own that the first such request
 * loads, so the worker starts with less (docs/performance.md, "Bundle").
 */
export const PARTS = {
  comparison: () => import('./comparison'),
  attribution: () => import('../engine/attribution'),
  traceCheck: () => import('./traceCheck'),
  /** A kernel's era and call lines, or an imported kernel's data. */
  variant: loadVariant,
};
export type EngineParts = typeof PARTS;

/** `part`, loaded; a chunk that cannot load (a newer deploy removed it, the network failed) says so. */
async function load<T>(what: string, part: () => Promise<T>): Promise<T> {
  try {
    return await part();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`the engine could not load ${what} (${why}); reload the page`, { cause: e });
  }
}

/** `parts`: where the lazily loaded code comes from (tests make one fail). */
export function createEngineApi(parts: EngineParts = PARTS): EngineApi {
  let current = 0;
  let last: { runId: number; result: RunResult; chains: ChainIndex } | null = null;
  let compared: KeptRun | null = null;

  /** The compared side's run: the kept one while its input is the same. */
  async function comparedRun(input: unknown): Promise<ReturnType<typeof runScenario>> {
    const key = JSON.stringify(input);
    if (compared?.key === key) return { ok: true, value: compared.result };
    await loadFor(input);
    const r = runScenario(input);
    if (r.ok) compared = { key, result: r.value };
    return r;
  }

  /**
   * Runs `work` for run `runId` in slices of `sliceMs`, letting queued requests in between
   * slices; null once a newer run (or a cancel) has made the answer useless.
   */
  async function sliced<T>(
    runId: number,
    work: Generator<unknown, T>,
    sliceMs = STREAM_INTERVAL_MS,
  ): Promise<T | null> {
    for (let sliceEnd = now() + sliceMs; ;) {
      const r = work.next();
      if (r.done) return r.value;
      if (now() < sliceEnd) continue;
      await yieldToEventLoop();
      if (current !== runId) return null;
      sliceEnd = now() + sliceMs;
    }
  }

  /**
   * After a run's answer, while nothing else is asked: the index its chain queries use,
   * in short slices, so a request that comes meanwhile waits one slice at most.
   */
  async function prepareChains(runId: number): Promise<void> {
    await yieldToEventLoop();
    try {
      if (current === runId && last?.runId === runId)
        await sliced(runId, last.chains.prepare(), IDLE_SLICE_MS);
    } catch {
      // Only ahead of time: a chain question builds what is missing, and says why it cannot.
    }
  }

  const loadKernel = (kernel: VariantId) => load(`${kernel}’s data`, () => parts.variant(kernel));

  /** What running `input` needs beyond the worker's first chunk: its kernel's data. */
  const loadFor = (input: unknown) => loadScenarioVariant(input, loadKernel);

  /** `left` (already run) against `right`, as compare mode shows it. */
  async function compareWith(left: RunResult, right: unknown): Promise<CompareOutcome> {
    const { compareSideBySide } = await load('compare mode', parts.comparison);
    const r = await comparedRun(right);
    if (!r.ok) return { ok: false, side: 'right', error: r.error };
    return { ok: true, view: compareSideBySide(left, r.value) };
  }

  /** Checks the finished run, keeps its chains for chain(), and compares it if asked. */
  async function finish(
    runId: number,
    stream: RunStream,
    right: unknown,
  ): Promise<{ outcome: RunOutcome; comparison?: CompareOutcome }> {
    const result = stream.finish();
    last = { runId, result, chains: new ChainIndex(result) };
    const outcome: RunOutcome = {
      runId,
      status: 'done',
      findings: result.findings,
      faults: result.faults,
      notes: result.notes,
      gfns: interestingGfns(result, result.longestChains),
      rmapCapacity: result.rmapCapacity,
    };
    return right === undefined
      ? { outcome }
      : { outcome, comparison: await compareWith(result, right) };
  }

  return {
    ping: () => true,

    catalog(): CatalogEntry[] {
      return VARIANT_IDS.map((id) => {
        const v = variantMeta(id);
        return { id, title: v.title, kind: v.kind, summary: v.summary, base: v.base ?? null };
      });
    },

    async run(runId, input, onMessage: (m: RunMessage) => void, right?: unknown): Promise<void> {
      current = Math.max(current, runId);
      const fail = (error: string) =>
        onMessage({
          runId,
          events: [],
          outcome: { runId, status: 'invalid', error },
          ...(right !== undefined && { comparison: { ok: false, side: 'left', error } }),
        });
      const valid = validateScenario(input);
      if (!valid.ok) return fail(valid.error);
      // By its kernel: a validated scenario is not always valid input again.
      await loadKernel(valid.value.kernel);
      if (current !== runId)
        return onMessage({ runId, events: [], outcome: { runId, status: 'cancelled' } });
      const started = startRun(valid.value);
      if (!started.ok) return fail(started.error);
      const stream = started.value;
      let start: RunStart | undefined = {
        scenario: stream.scenario,
        variant: stream.variant,
        edits: stream.edits,
        initial: stream.trace.initial,
      };
      let sent = 0;
      /** The progress last sent. */
      let told = 0;
      for (;;) {
        const sliceEnd = now() + STREAM_INTERVAL_MS;
        let more = true;
        try {
          while (more && now() < sliceEnd) more = stream.advance();
        } catch (e) {
          // Over its budget: what ran so far is dropped, the reason shown as for a bad scenario.
          if (e instanceof OverBudget) return fail(e.message);
          throw e;
        }
        const events = stream.trace.events.slice(sent);
        sent += events.length;
        const end = more ? undefined : await finish(runId, stream, right);
        const progress = stream.progress();
        // A slice can end with no new event (a large random op is applied before its
        // events): it is sent only when it moved the progress on by a percent or more.
        if (events.length || start || end || progress >= told + 0.01) {
          told = progress;
          onMessage({ runId, events, progress, ...(start && { start }), ...end });
        }
        if (end) return void prepareChains(runId);
        start = undefined;
        await yieldToEventLoop();
        if (current !== runId)
          return onMessage({ runId, events: [], outcome: { runId, status: 'cancelled' } });
      }
    },

    async validate(input) {
      const v = validateScenario(input);
      if (!v.ok) return v;
      await loadKernel(v.value.kernel);
      const started = startRun(v.value);
      return started.ok ? { ok: true } : started;
    },

    async compare(left, right): Promise<CompareOutcome> {
      await loadFor(left);
      const l = runScenario(left);
      return l.ok ? compareWith(l.value, right) : { ok: false, side: 'left', error: l.error };
    },

    cancel(runId) {
      current = Math.max(current, runId + 1);
    },

    chain(runId, gfn, eventIndex) {
      return last && last.runId === runId ? last.chains.chainAt(gfn, eventIndex) : null;
    },

    rmapHistory(runId, gfn) {
      return last && last.runId === runId ? last.chains.headHistory(gfn) : null;
    },

    async attributeFindings(runId) {
      const kept = last;
      if (!kept || kept.runId !== runId) return null;
      const { attributeFindings } = await load('the edits’ attribution', parts.attribution);
      if (current !== runId) return null;
      return sliced(runId, attributeFindings(kept.result));
    },

    async eventOf(input, eventIndex) {
      const r = await comparedRun(input);
      return r.ok ? eventView(r.value, eventIndex) : null;
    },

    async checkTrace(name, text, scenario) {
      const { checkTrace } = await load('the ftrace reader', parts.traceCheck);
      await loadFor(scenario);
      return checkTrace(name, text, scenario);
    },
  };
}
