/**
 * The worker's API. The same EngineApi runs in a Web Worker for the app and
 * in-thread for tests (foxglove's "one interface, two homes"). Every run carries a
 * runId; the client drops anything from a run it has moved on from.
 */
import type {
  ChainView,
  CompareView,
  EditAttribution,
  FaultReport,
  Finding,
  FunctionDef,
  MmuState,
  Scenario,
  TraceEvent,
  ValueAccess,
  VariantDef,
  VariantId,
  TraceCheckJson,
} from '../engine/view';

export interface CatalogEntry {
  id: VariantId;
  title: string;
  kind: VariantDef['kind'];
  summary: string;
  base: VariantId | null;
}

/** What a run's first message carries. */
export interface RunStart {
  scenario: Scenario;
  variant: VariantDef;
  edits: string[];
  initial: MmuState;
}

/**
 * A run streams as messages on one port, so they arrive in order: the first carries
 * `start`, the last the `outcome`. A short run is a single message — one store
 * update and one render on the main thread.
 */
export interface RunMessage {
  runId: number;
  start?: RunStart;
  events: TraceEvent[];
  /** The share of the run's estimated work done so far, 0 to 1. */
  progress?: number;
  outcome?: RunOutcome;
  /** With the outcome, when the run was asked to compare itself with another scenario. */
  comparison?: CompareOutcome;
}

export type RunOutcome =
  | {
      runId: number;
      status: 'done';
      findings: Finding[];
      faults: FaultReport[];
      notes: string[];
      /** Gfns worth showing in the reverse-map view, most interesting first. */
      gfns: number[];
      /** Sptes a pte_list_desc holds in the run's VM, as the engine decided it; null if no VM ran. */
      rmapCapacity: number | null;
    }
  | { runId: number; status: 'invalid'; error: string }
  | { runId: number; status: 'cancelled' };

/** Both sides run, aligned and compared; or which side could not run, and why. */
export type CompareOutcome =
  { ok: true; view: CompareView } | { ok: false; side: 'left' | 'right'; error: string };

/**
 * A capture held against the model, or why it cannot be: `of` says whether the capture
 * (unreadable, too large) or the scenario is the problem.
 */
export type TraceCheckOutcome =
  { ok: true; view: TraceCheckJson } | { ok: false; of: 'scenario' | 'capture'; error: string };

export interface EngineApi {
  /** Answers once the worker is ready, so the page knows it still lives (client.ts). */
  ping(): true | Promise<true>;
  catalog(): CatalogEntry[];
  /**
   * Validates and runs `input`, streaming it through `onMessage` (the outcome included).
   * Never throws for bad input; resolves once the last message is sent. With
   * `compareWith` (compare mode), the last message also carries the comparison of
   * this run with that scenario, so an edit's run and comparison arrive together.
   */
  run(
    runId: number,
    input: unknown,
    onMessage: (m: RunMessage) => void,
    compareWith?: unknown,
  ): Promise<void>;
  /** Stops run `runId` at its next pause (runs also stop when a newer one starts). */
  cancel(runId: number): void;
  /** Checks a scenario without running it (for files and links before they replace what is shown). */
  validate(input: unknown): Promise<{ ok: true } | { ok: false; error: string }>;
  /** Runs two scenarios to the end and compares them (see docs/compare.md). */
  compare(left: unknown, right: unknown): Promise<CompareOutcome>;
  /** A gfn's rmap chain after trace event `eventIndex` of the current run; null if that run is gone. */
  chain(runId: number, gfn: number, eventIndex: number): ChainView | null;
  /** Every event that changed or looked up `gfn`'s rmap head in run `runId` (null if that run is gone). */
  rmapHistory(runId: number, gfn: number): ValueAccess[] | null;
  /**
   * Which of run `runId`'s edits produced each of its findings (re-runs the scenario
   * once per edit, in slices); null if a newer run has started or that run is gone.
   */
  attributeFindings(runId: number): Promise<EditAttribution | null>;
  /**
   * Trace event `eventIndex` of another scenario than the current run (compare mode's
   * right side), with what its call stack needs; null if it cannot run or has no such event.
   */
  eventOf(input: unknown, eventIndex: number): Promise<EventView | null>;
  /**
   * Reads an ftrace function_graph capture (`text`, from a file called `name`) and aligns it
   * with the model's run of `scenario` (docs/ground-truth.md). Never throws for bad input.
   */
  checkTrace(name: string, text: string, scenario: unknown): Promise<TraceCheckOutcome>;
}

/** One trace event and the definitions of the functions on its call stack. */
export interface EventView {
  event: TraceEvent;
  functions: Record<string, FunctionDef>;
}

/** A batch is flushed to the UI at least this often while a run streams (one frame). */
export const STREAM_INTERVAL_MS = 16;
