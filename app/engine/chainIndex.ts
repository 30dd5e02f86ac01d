/** Chain queries over a finished run: one gfn's rmap at any event of the workload. */
import type { ChainView } from './model/rmap';
import { ChainReplay, gfnHistory, type HistoryEntry } from './run/workload';
import type { RunResult } from './runner';

/** Replays kept at once: each holds an rmap store (a few MB once it has descriptors). */
const KEPT_REPLAYS = 4;

/**
 * Answers chain queries for one run. Each gfn's history is computed once; the
 * last few gfns asked about keep their replay, so stepping on through the
 * workload only applies what happened since the previous step.
 */
export class ChainIndex {
  private readonly histories = new Map<number, HistoryEntry[]>();
  private readonly replays = new Map<number, ChainReplay>();
  constructor(private readonly result: RunResult) {}

  chainAt(gfn: number, eventIndex: number): ChainView {
    const r = this.result;
    const tick = r.trace.tickAt(eventIndex);
    if (tick === null || r.rmapCapacity === null) return { form: 'empty' };
    const alg = r.variant.rmap.algorithm;
    let replay = this.replays.get(gfn);
    if (!replay) {
      let h = this.histories.get(gfn);
      if (!h)
        this.histories.set(gfn, (h = gfnHistory(r.scenario.workload, alg, r.rmapCapacity, gfn)));
      replay = new ChainReplay(h, alg, r.rmapCapacity, gfn);
      this.replays.set(gfn, replay);
      if (this.replays.size > KEPT_REPLAYS) this.replays.delete(this.replays.keys().next().value!);
    }
    return replay.at(tick);
  }
}
