/**
 * What running a scenario will cost, estimated before it runs from its workload
 * ops and the rmap algorithm (budget.ts says why, and in what units). It follows
 * average chain lengths, so it is an estimate, not a bound: the run's meter
 * charges the same costs with the real lengths and stops what the estimate let
 * through.
 */
import { RMAP_RECYCLE_THRESHOLD } from '../constants';
import { DESC_SEGMENT_DESCS, HEAD_SEGMENT_GFNS } from '../model/rmap';
import type { Scenario, WorkloadOp } from '../scenario';
import { COST_US, EVENT_BYTES, OverBudget, seconds, size, type Budget } from './budget';
import { DrawsByGfn } from './drawsByGfn';
import { EVENT_BATCHES, PER_SPTE_EVENT_LIMIT, randomOpEvents } from './workload';

export interface Cost {
  us: number;
  bytes: number;
  /** Trace events the run makes. */
  events: number;
  /** The op that costs most, when it costs most of the run (its index in the workload). */
  op: number | null;
}

/** Events loading the modules makes, at most (a scenario without workload makes a few hundred). */
const MODULE_EVENTS = 400;
/** A chain's length never exceeds this: the add that finds it longer zaps it. */
const LONGEST_CHAIN = RMAP_RECYCLE_THRESHOLD + 1;
const HEAD_SEGMENT_BYTES = HEAD_SEGMENT_GFNS * 8;

/** A gfn's chain length after `adds` more sptes, recycled as __rmap_add() does. */
const afterAdds = (len: number, adds: number) => (len + adds) % (LONGEST_CHAIN + 1);

interface OpCost {
  us: number;
  events: number;
  /** Held only while the op runs (a random op's grouping). */
  transientBytes: number;
  /** Descriptors the op leaves (an estimate), and head segments it touches. */
  descs: number;
  segments: number;
}

/** The cost of `scenario` with descriptors of `capacity` slots (the smallest the variant can use). */
export function estimateCost(scenario: Scenario, algorithm: string, capacity: number): Cost {
  const append = algorithm === 'append';
  let us = MODULE_EVENTS * COST_US.event;
  let events = MODULE_EVENTS;
  let transient = 0;
  let descs = 0;
  let segments = 0;
  let top: number | null = null;
  let topWeight = 0;
  let weights = 0;
  const named: NamedGfns = { lengths: new Map(), segments: new Set() };
  for (const [i, op] of scenario.workload.entries()) {
    const c =
      op.op === 'random' ? randomCost(op, append, capacity) : mapCost(op, named, append, capacity);
    us += c.us;
    events += c.events;
    transient = Math.max(transient, c.transientBytes);
    descs += c.descs;
    segments += c.segments;
    // Work and memory weighed alike: 1 µs of work against 1 KB of memory.
    const weight = c.us + (c.events * EVENT_BYTES + c.transientBytes) / 1000;
    weights += weight;
    if (weight > topWeight) [top, topWeight] = [i, weight];
  }
  const descBytes = (capacity + 2) * 4;
  const bytes =
    events * EVENT_BYTES +
    transient +
    segments * HEAD_SEGMENT_BYTES +
    Math.ceil(descs / DESC_SEGMENT_DESCS) * DESC_SEGMENT_DESCS * descBytes;
  return { us, bytes, events, op: topWeight > weights / 2 ? top : null };
}

function randomCost(
  op: Extract<WorkloadOp, { op: 'random' }>,
  append: boolean,
  capacity: number,
): OpCost {
  const M = op.sptes;
  const perGfn = M / op.gfns;
  const recycled = perGfn > LONGEST_CHAIN;
  // Recycled chains are applied one spte at a time, each appending add walking the chain: on
  // average half the longest (shorter chains are applied as runs, which do not walk).
  const walked = append && recycled ? LONGEST_CHAIN / 2 / capacity : 0;
  // A removal scans to its spte; once recycled, most sptes are gone and scan the whole chain in vain.
  const scanned = !recycled ? perGfn / 2 : op.gfns === 1 ? afterAdds(0, M) : LONGEST_CHAIN / 2;
  const removals = (M * op.removePercent) / 100;
  const gfnsTouched = op.gfns * -Math.expm1(-M / op.gfns);
  const segmentsInRange = Math.ceil(op.gfns / HEAD_SEGMENT_GFNS);
  return {
    us: M * (COST_US.randomSpte + walked * COST_US.descHop) + removals * scanned * COST_US.slot,
    events: randomOpEvents(M),
    transientBytes: DrawsByGfn.bytesFor(M, op.gfns) + M / 8,
    descs: Math.min(M, gfnsTouched * (Math.floor(Math.min(perGfn, LONGEST_CHAIN) / capacity) + 1)),
    segments: segmentsInRange * -Math.expm1(-M / segmentsInRange),
  };
}

/** What map and unmap ops did so far: the chain lengths of the gfns they name, and their head segments. */
interface NamedGfns {
  lengths: Map<number, number>;
  segments: Set<number>;
}

function mapCost(
  op: Exclude<WorkloadOp, { op: 'random' }>,
  { lengths, segments }: NamedGfns,
  append: boolean,
  capacity: number,
): OpCost {
  const before = lengths.get(op.gfn) ?? 0;
  const events = op.sptes <= PER_SPTE_EVENT_LIMIT ? op.sptes : EVENT_BATCHES;
  const descsOf = (len: number) => Math.ceil(len / capacity);
  if (op.op === 'map') {
    const after = afterAdds(before, op.sptes);
    lengths.set(op.gfn, after);
    const segment = Math.floor(op.gfn / HEAD_SEGMENT_GFNS);
    const newSegment = !segments.has(segment);
    segments.add(segment);
    const adding = before + op.sptes <= LONGEST_CHAIN ? before + op.sptes / 2 : LONGEST_CHAIN / 2;
    return {
      us:
        op.sptes * (COST_US.mapSpte + (append ? adding / capacity : 0) * COST_US.descHop) +
        events * COST_US.event,
      events,
      transientBytes: 0,
      descs: descsOf(after) - descsOf(before),
      segments: newSegment ? 1 : 0,
    };
  }
  const removed = Math.min(before, op.sptes);
  lengths.set(op.gfn, before - removed);
  // Each removal finds the newest spte (a scan of the chain), then removes it (another).
  const scanned = removed * (2 * before - removed + 1);
  return {
    us: scanned * COST_US.slot + events * COST_US.event,
    events,
    transientBytes: 0,
    descs: 0,
    segments: 0,
  };
}

/** The refusal for `cost`, or null when it fits the budget. */
export function overBudget(cost: Cost, budget: Budget): OverBudget | null {
  const factor = Math.max(cost.us / budget.us, cost.bytes / budget.bytes);
  if (factor <= 1) return null;
  const what =
    cost.op !== null
      ? `because of workload[${cost.op}], it needs`
      : `with ${cost.events.toLocaleString('en-US')} trace events, it needs`;
  return new OverBudget(
    `too costly to run: ${what} about ${seconds(cost.us)} of work and ${size(cost.bytes)} of memory; the budget is ${seconds(budget.us)} and ${size(budget.bytes)}`,
    factor,
  );
}
