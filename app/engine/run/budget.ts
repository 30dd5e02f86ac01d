/**
 * What a run may cost, and the meter that holds it to that while it runs. Counts
 * (LIMITS) do not bound cost: one random op of 2^25 sptes on one gfn recycles its
 * chain 33,000 times and scans it for every removal, and 10,000 map ops of 256
 * sptes make 2.5 million trace events. So a run is estimated before it starts
 * (cost.ts) and refused when over its budget, then metered while it runs
 * (WorkMeter) and stopped when it goes over anyway.
 *
 * Work is counted in reference microseconds: what the development machine (2
 * vCPUs, AMD EPYC, Node 20) takes for it, so a budget reads as time. The costs
 * below were measured there (docs/performance.md, "What a run may cost").
 */

export interface Budget {
  /** Work, in reference microseconds. */
  us: number;
  bytes: number;
}

/** Nothing a link or file asks for may take more than this (CLI: --budget raises it). */
export const DEFAULT_BUDGET: Budget = { us: 5_000_000, bytes: 2 ** 30 };

/** Reference costs in µs, measured on the development machine. */
export const COST_US = {
  /** One spte of a random op: its draws, grouping, pte_list_add() and removal draw, chains short. */
  randomSpte: 0.15,
  /** One pte_list_add() of a map op. */
  mapSpte: 0.1,
  /** One descriptor walked past by an appending pte_list_add(). */
  descHop: 0.006,
  /** One slot compared while looking for an spte (pte_list_remove(), an unmap's newest spte). */
  slot: 0.002,
  /** One trace event: built, recorded with its state, checked, sent to the page. */
  event: 40,
};

/** Bytes per trace event: the worker's copy and the page's. */
export const EVENT_BYTES = 5000;

/** A run refused before it started, or stopped while running, for its cost. */
export class OverBudget extends Error {
  /** How many times the budget the run needs (at least). */
  readonly factor: number;
  constructor(message: string, factor: number) {
    super(message);
    this.factor = factor;
  }
}

export const seconds = (us: number) =>
  us < 1e6 ? `${Math.round(us / 1000)} ms` : `${(us / 1e6).toFixed(us < 1e7 ? 1 : 0)} s`;
export const size = (bytes: number) =>
  bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.ceil(bytes / 2 ** 20)} MB`;

/** Work between two turns: a run yields at least this often, so a cancel gets in. */
const TURN_US = 10_000;

/**
 * Counts a run's work and memory as it goes, stops it (throws OverBudget) when
 * either passes the budget, and says when it is time to give others a turn.
 */
export class WorkMeter {
  us = 0;
  bytes = 0;
  private nextTurn = TURN_US;

  constructor(
    readonly budget: Budget = { us: Infinity, bytes: Infinity },
    /** The work the run was estimated to need: progress is measured against it. */
    private readonly expectedUs: number | null = null,
  ) {}

  /** Charges work; true when the caller should yield (a turn is over). */
  charge(us: number): boolean {
    this.us += us;
    if (this.us > this.budget.us) this.stop();
    if (this.us < this.nextTurn) return false;
    this.nextTurn = this.us + TURN_US;
    return true;
  }

  /** Charges memory about to be allocated. */
  grow(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > this.budget.bytes) this.stop();
  }

  /** Memory given back (what a finished op held only while it ran). */
  release(bytes: number): void {
    this.bytes -= bytes;
  }

  /** The share of the expected work done so far, below 1 until the run ends. */
  progress(): number {
    return this.expectedUs ? Math.min(0.99, this.us / this.expectedUs) : 0;
  }

  private stop(): never {
    const factor = Math.max(this.us / this.budget.us, this.bytes / this.budget.bytes);
    throw new OverBudget(
      `stopped: the run went over its budget (${seconds(this.budget.us)} of work, ${size(this.budget.bytes)} of memory) after ${seconds(this.us)} of work and ${size(this.bytes)}`,
      factor,
    );
  }
}

let active: WorkMeter | null = null;

/**
 * Runs `step` with `meter` as the meter of whatever starts inside it: the run's
 * VmRuntime is created by the Machine, deep in a step, and picks it up there
 * (activeMeter()). Synchronous, so no other run can interleave.
 */
export function metered<T>(meter: WorkMeter, step: () => T): T {
  const outer = active;
  active = meter;
  try {
    return step();
  } finally {
    active = outer;
  }
}

/** The meter of the step being run, or an unlimited one outside any run. */
export const activeMeter = (): WorkMeter => active ?? new WorkMeter();
