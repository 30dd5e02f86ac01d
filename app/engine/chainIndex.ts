/** Chain queries over a finished run: one gfn's rmap at any event of the workload, and its history. */
import type { ChainView } from './model/rmap';
import { whoRan, type ValueAccess } from './run/valueHistory';
import { GfnDrawIndex } from './run/gfnDrawIndex';
import { ChainReplay, gfnHistory, type DrawsOfGfn, type HistoryEntry } from './run/workload';
import type { RunResult } from './runner';
import type { WorkloadOp } from './scenario';

/** Replays kept at once: each holds an rmap store (a few MB once it has descriptors). */
const KEPT_REPLAYS = 4;
/** Draws prepare() lists between yields: about a millisecond's work. */
const PREPARE_SLICE_DRAWS = 1 << 16;

type RandomOp = Extract<WorkloadOp, { op: 'random' }>;

/**
 * Answers chain queries for one run. Each gfn's history is computed once; the
 * last few gfns asked about keep their replay, so stepping on through the
 * workload only applies what happened since the previous step.
 */
export class ChainIndex {
  private readonly histories = new Map<number, HistoryEntry[]>();
  private readonly replays = new Map<number, ChainReplay>();
  /** Per random op (by index in the workload), its draws listed by gfn: by prepare(), or at the first question. */
  private readonly draws = new Map<number, GfnDrawIndex>();
  constructor(private readonly result: RunResult) {}

  private drawIndex(opIndex: number, op: RandomOp): GfnDrawIndex {
    let index = this.draws.get(opIndex);
    if (!index) this.draws.set(opIndex, (index = new GfnDrawIndex(op.seed, op.sptes, op.gfns)));
    return index;
  }

  /**
   * Lists every random op's draws by gfn ahead of the first question, yielding after each
   * slice of draws, so the worker can do it while idle and answer anything else in between
   * (a question that comes meanwhile lists the rest at once).
   */
  *prepare(): Generator<void, void> {
    for (const [opIndex, op] of this.result.scenario.workload.entries()) {
      if (op.op !== 'random') continue;
      const index = this.drawIndex(opIndex, op);
      while (index.listMore(PREPARE_SLICE_DRAWS)) yield;
    }
  }

  private historyOf(gfn: number, capacity: number): HistoryEntry[] {
    const r = this.result;
    let h = this.histories.get(gfn);
    if (!h) {
      const drawsOfGfn: DrawsOfGfn = (opIndex, op) => this.drawIndex(opIndex, op).keysOf(gfn);
      h = gfnHistory(r.scenario.workload, r.variant.rmap.algorithm, capacity, gfn, drawsOfGfn);
      this.histories.set(gfn, h);
    }
    return h;
  }

  chainAt(gfn: number, eventIndex: number): ChainView {
    const r = this.result;
    const tick = r.trace.tickAt(eventIndex);
    if (tick === null || r.rmapCapacity === null) return { form: 'empty' };
    let replay = this.replays.get(gfn);
    if (!replay) {
      const h = this.historyOf(gfn, r.rmapCapacity);
      replay = new ChainReplay(h, r.variant.rmap.algorithm, r.rmapCapacity, gfn);
      this.replays.set(gfn, replay);
      if (this.replays.size > KEPT_REPLAYS) this.replays.delete(this.replays.keys().next().value!);
    }
    return replay.at(tick);
  }

  /**
   * The history of `gfn`'s rmap head: every workload event that added or removed
   * one of its sptes (before → after: the chain's length), every event of an op on
   * it that found nothing to do (a read), and the VM's destruction, which empties it.
   */
  headHistory(gfn: number): ValueAccess[] {
    const r = this.result;
    if (r.rmapCapacity === null) return [];
    const replay = new ChainReplay(
      this.historyOf(gfn, r.rmapCapacity),
      r.variant.rmap.algorithm,
      r.rmapCapacity,
      gfn,
    );
    const out: ValueAccess[] = [];
    let length = 0;
    for (const e of r.trace.events) {
      if (e.fn === 'kvm_destroy_vm' && length > 0) {
        out.push({ ...whoRan(e), access: 'write', before: length, after: 0 });
        length = 0;
      }
      if (e.tick === undefined) continue;
      const now = replay.lengthAt(e.tick);
      if (now.primitives > 0)
        out.push({ ...whoRan(e), access: 'write', before: length, after: now.length });
      else if (e.gfn === gfn) out.push({ ...whoRan(e), access: 'read' });
      length = now.length;
    }
    return out;
  }
}
