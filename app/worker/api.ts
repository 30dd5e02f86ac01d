/**
 * EngineApi over the engine, in whatever thread it is created in. Long runs are
 * sliced: after each slice the trace so far is streamed and the event loop gets a
 * turn, so a cancel or a newer run is seen promptly.
 */
import {
  ChainIndex,
  startRun,
  validateScenario,
  VARIANTS,
  VARIANT_IDS,
  type RunResult,
} from '../engine';
import {
  STREAM_INTERVAL_MS,
  type CatalogEntry,
  type EngineApi,
  type RunMessage,
  type RunOutcome,
} from './protocol';

const now = () => performance.now();

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

export function createEngineApi(): EngineApi {
  let current = 0;
  let last: { runId: number; chains: ChainIndex } | null = null;

  return {
    catalog(): CatalogEntry[] {
      return VARIANT_IDS.map((id) => {
        const v = VARIANTS[id];
        return { id, title: v.title, kind: v.kind, summary: v.summary, base: v.base ?? null };
      });
    },

    async run(runId, input, onMessage: (m: RunMessage) => void): Promise<RunOutcome> {
      current = Math.max(current, runId);
      const valid = validateScenario(input);
      if (!valid.ok) return { runId, status: 'invalid', error: valid.error };
      const started = startRun(valid.value);
      if (!started.ok) return { runId, status: 'invalid', error: started.error };
      const stream = started.value;
      onMessage({
        type: 'start',
        runId,
        scenario: stream.scenario,
        variant: stream.variant,
        edits: stream.edits,
        initial: stream.trace.initial,
      });
      let sent = 0;
      let more = true;
      while (more) {
        const sliceEnd = now() + STREAM_INTERVAL_MS;
        while (more && now() < sliceEnd) more = stream.advance();
        const events = stream.trace.events.slice(sent);
        sent += events.length;
        if (events.length) onMessage({ type: 'events', runId, events });
        if (more) await yieldToEventLoop();
        if (current !== runId) return { runId, status: 'cancelled' };
      }
      const result = stream.finish();
      last = { runId, chains: new ChainIndex(result) };
      return {
        runId,
        status: 'done',
        events: result.trace.length,
        findings: result.findings,
        faults: result.faults,
        notes: result.notes,
        gfns: interestingGfns(result, result.longestChains),
      };
    },

    validate(input) {
      const v = validateScenario(input);
      if (!v.ok) return v;
      const started = startRun(v.value);
      return started.ok ? { ok: true } : started;
    },

    cancel(runId) {
      current = Math.max(current, runId + 1);
    },

    chain(runId, gfn, eventIndex) {
      return last && last.runId === runId ? last.chains.chainAt(gfn, eventIndex) : null;
    },
  };
}
