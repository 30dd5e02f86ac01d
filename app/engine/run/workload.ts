/**
 * A VM's reverse maps under a workload (docs/scenario.md "Workload ops"). Each
 * added spte is one page fault: mmu_topup_memory_caches() refills the vCPU's
 * descriptor cache first (to 40 when below 14), then __rmap_add() calls
 * pte_list_add(), and a count above RMAP_RECYCLE_THRESHOLD zaps the whole rmap.
 * Removals are zaps of one spte (pte_list_remove()); freed descriptors go back to
 * the kmem cache. Shadow pages themselves are not modelled.
 */
import {
  KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE,
  PAGE_HEADER_TOPUP_MIN,
  PTE_LIST_DESC_TOPUP_MIN,
  RMAP_RECYCLE_THRESHOLD,
} from '../constants';
import { drawsBelow, mulberry32At } from '../model/prng';
import { PteListStore, type RmapAlgorithm } from '../model/rmap';
import type { RmapSummary } from '../model/state';
import type { WorkloadOp } from '../scenario';
import { activeMeter, COST_US, type WorkMeter } from './budget';
import { DrawsByGfn, type GfnVisitor } from './drawsByGfn';
import { EventTally, type VcpuCache } from './eventTally';

/** Ops larger than this are shown as EVENT_BATCHES events instead of one per spte. */
export const PER_SPTE_EVENT_LIMIT = 256;
export const EVENT_BATCHES = 64;
/** A random op is applied at least this many sptes at a time (one event each). */
const MIN_RANDOM_BATCH = 256;
/** Sptes per event of a random op of M sptes; it makes two passes of events (adds, removals). */
const randomBatch = (M: number) => Math.max(MIN_RANDOM_BATCH, Math.ceil(M / EVENT_BATCHES));
export const randomOpEvents = (M: number) => 2 * Math.ceil(M / randomBatch(M));
/** A gfn with more draws than this is applied in slices, metered and with turns between them. */
const SLICE_DRAWS = 4096;
/** A random op charges its meter after about this much work (reference µs). */
const CHARGE_US = 1000;
/** What a visitor yields through to give a turn. */
const TURN: Iterable<null> = [null];

export interface WorkloadStep {
  opIndex: number;
  title: string;
  detail: string;
  /** Set when the step touched a single gfn. */
  gfn?: number;
  add: boolean;
}

export class VmRuntime {
  readonly store: PteListStore;
  vcpuDescs = 0;
  vcpuPageHeaders = 0;
  /** Adds and removes attempted so far: the position a chain query replays to. */
  tick = 0;
  nextSpte = 0;
  recycled = 0;

  /** While a random op yields its events: the summary after the event (the store is already past it). */
  private eventSummary: RmapSummary | null = null;

  /**
   * `onlyGfn`: replay mode for a chain query — ops on other gfns only advance the
   * tick and the spte ids, so one gfn's chain is rebuilt exactly as the full run built it.
   * `meter` counts the work and memory (by default the run's, see budget.ts) and
   * stops the run when it goes over its budget. `drawsOfGfn` (replay mode) gives
   * onlyGfn's draws in a random op from an index, instead of scanning all its draws.
   */
  constructor(
    algorithm: RmapAlgorithm,
    capacity: number,
    private readonly descBytes: number,
    private readonly onlyGfn: number | null = null,
    private readonly meter: WorkMeter = activeMeter(),
    private readonly drawsOfGfn: DrawsOfGfn | null = null,
  ) {
    this.store = new PteListStore(algorithm, capacity, (bytes) => meter.grow(bytes));
    this.history = onlyGfn === null ? null : [];
  }

  /** Replay mode only: every primitive applied to the gfn, with the tick it ran at. */
  readonly history: HistoryEntry[] | null;

  /**
   * The vCPU's part of one fault: kvm_mmu_topup_memory_cache() (nothing if at
   * least `min` objects, else fill to capacity), then the descriptors it used.
   */
  private chargeVcpuCache(descs: number): void {
    if (this.vcpuDescs < PTE_LIST_DESC_TOPUP_MIN)
      this.vcpuDescs = KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE;
    if (this.vcpuPageHeaders < PAGE_HEADER_TOPUP_MIN)
      this.vcpuPageHeaders = KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE;
    this.vcpuDescs -= descs;
  }

  /** Whether the next fault's kvm_mmu_topup_memory_cache() calls find both caches full enough. */
  private toppedUp(): boolean {
    return (
      this.vcpuDescs >= PTE_LIST_DESC_TOPUP_MIN && this.vcpuPageHeaders >= PAGE_HEADER_TOPUP_MIN
    );
  }

  /** One fault mapping `spte` for `gfn`; returns the count pte_list_add() returned (-1 if recycled). */
  add(gfn: number, spte: number): number {
    const before = this.store.descAllocations;
    const count = this.rmapAdd(gfn, spte, this.tick++);
    this.chargeVcpuCache(this.store.descAllocations - before);
    return count;
  }

  /** Whether ops on `gfn` are applied: all of them, or in replay mode only the one gfn's. */
  private applies(gfn: number): boolean {
    return this.onlyGfn === null || gfn === this.onlyGfn;
  }

  /** __rmap_add() without the vCPU cache: pte_list_add(), recycling past the threshold. */
  private rmapAdd(gfn: number, spte: number, tick: number): number {
    if (!this.applies(gfn)) return 0;
    this.history?.push({ tick, add: true, spte });
    const count = this.store.add(gfn, spte);
    if (count > RMAP_RECYCLE_THRESHOLD) {
      this.recycled += this.store.zapAll(gfn);
      return -1;
    }
    return count;
  }

  summary(): RmapSummary {
    if (this.eventSummary) return this.eventSummary;
    const s = this.store;
    return {
      heads: s.heads,
      sptes: s.sptes,
      descs: s.descs,
      bytes: s.descs * this.descBytes,
      vcpuCacheDescs: this.vcpuDescs,
      vcpuCachePageHeaders: this.vcpuPageHeaders,
      recycled: this.recycled,
      histogram: s.histogram(),
    };
  }

  private describeAdd(gfn: number, lenBefore: number, allocated: number, count: number): string {
    const head = `gfn ${gfn}: `;
    if (count < 0)
      return `${head}pte_list_add() returned more than RMAP_RECYCLE_THRESHOLD (${RMAP_RECYCLE_THRESHOLD}): every spte of this gfn is zapped and the rmap is empty again`;
    if (lenBefore === 0)
      return `${head}0 → 1: the rmap head holds the spte pointer itself, no descriptor`;
    if (lenBefore === 1)
      return `${head}1 → many: a zeroed pte_list_desc from the vCPU cache takes the old and the new spte; the head now points at it with bit 0 set`;
    if (allocated)
      return this.store.algorithm === 'append'
        ? `${head}every descriptor is full: a new pte_list_desc is linked at the tail (pte_list_add returned ${count})`
        : `${head}the head descriptor is full: a new head descriptor is pushed in front, tail_count = ${count}`;
    return `${head}stored in the ${this.store.algorithm === 'append' ? 'first non-full' : 'head'} descriptor (pte_list_add returned ${count})`;
  }

  private describeRemove(gfn: number, spte: number, descsBefore: number, found: boolean): string {
    if (!found)
      return `gfn ${gfn}: spte ${spte} is no longer mapped (zapped when the rmap was recycled)`;
    const freed = descsBefore - this.store.descs;
    const filler =
      this.store.algorithm === 'append'
        ? 'the same descriptor’s last entry'
        : 'the head descriptor’s last entry';
    return `gfn ${gfn}: spte ${spte} removed; ${filler} fills the hole${freed ? ' and the emptied descriptor is freed' : ''}`;
  }

  /** Runs the ops, yielding after each event's worth of work (null: a turn with no event yet). */
  *run(ops: readonly WorkloadOp[]): Generator<WorkloadStep | null> {
    for (const [opIndex, op] of ops.entries()) {
      if (op.op === 'random') {
        yield* this.random(opIndex, op);
        continue;
      }
      const perSpte = op.sptes <= PER_SPTE_EVENT_LIMIT;
      const batch = perSpte ? 1 : Math.ceil(op.sptes / EVENT_BATCHES);
      for (let done = 0; done < op.sptes;) {
        const n = Math.min(batch, op.sptes - done);
        const lenBefore = this.store.lengthOf(op.gfn);
        const descsBefore = this.store.descs;
        const allocsBefore = this.store.descAllocations;
        let detail: string;
        if (op.op === 'map') {
          let count = 0;
          for (let k = 0; k < n; k++) {
            count = this.add(op.gfn, this.nextSpte++);
            // Appending walks every full descriptor before the one it fills.
            const walked = this.store.algorithm === 'append' ? count / this.store.capacity : 0;
            if (this.meter.charge(COST_US.mapSpte + walked * COST_US.descHop) && !perSpte)
              yield null;
          }
          detail = perSpte
            ? this.describeAdd(op.gfn, lenBefore, this.store.descAllocations - allocsBefore, count)
            : `gfn ${op.gfn}: ${n} sptes added (${done + n}/${op.sptes})`;
        } else {
          let removed = 0;
          let last = -1;
          const skip = !this.applies(op.gfn);
          for (let k = 0; k < n && !skip; k++) {
            // Finding the newest spte scans the chain, and removing it scans again.
            const turn = this.meter.charge(2 * this.store.lengthOf(op.gfn) * COST_US.slot);
            if (turn && !perSpte) yield null;
            const spte = this.store.newest(op.gfn);
            if (spte < 0) break;
            this.store.remove(op.gfn, spte);
            this.history?.push({ tick: this.tick + k, add: false, spte });
            last = spte;
            removed++;
          }
          this.tick += n;
          detail =
            removed === 0
              ? `gfn ${op.gfn}: no spte left to remove`
              : perSpte
                ? this.describeRemove(op.gfn, last, descsBefore, true)
                : `gfn ${op.gfn}: ${removed} most recent sptes removed (${done + removed}/${op.sptes})`;
        }
        done += n;
        yield {
          opIndex,
          title: op.op === 'map' ? `map gfn ${op.gfn}` : `unmap gfn ${op.gfn}`,
          detail,
          gfn: op.gfn,
          add: op.op === 'map',
        };
      }
    }
  }

  /**
   * The vCPU cache through faults [from, end) of a random op (`allocated`: a bit
   * per fault); returns the descriptors they allocated. A loop of its own, so
   * that it is compiled before, and apart from, the summaries built around it.
   */
  private chargeFaults(allocated: Uint8Array, from: number, end: number): number {
    let descs = 0;
    for (let k = from; k < end; k++) {
      // Eight faults that allocate nothing change nothing while the caches need no top-up.
      if ((k & 7) === 0 && k + 8 <= end && allocated[k >>> 3] === 0 && this.toppedUp()) {
        k += 7;
        continue;
      }
      const d = (allocated[k >>> 3]! >>> (k & 7)) & 1;
      this.chargeVcpuCache(d);
      descs += d;
    }
    return descs;
  }

  /**
   * The summary after each event of a random op: the tally's counts, and the vCPU
   * cache charged through its M faults in fault order (`allocated`: a bit per
   * fault), read after every `batch` faults; the removal pass leaves it alone.
   */
  private eventSummaries(
    tally: EventTally,
    before: RmapSummary,
    allocated: Uint8Array,
    M: number,
    batch: number,
  ): RmapSummary[] {
    const vcpu: VcpuCache[] = [];
    for (let from = 0, e = 0; from < M; from += batch, e++) {
      tally.allocated[e]! += this.chargeFaults(allocated, from, Math.min(M, from + batch));
      vcpu.push({ descs: this.vcpuDescs, pageHeaders: this.vcpuPageHeaders });
    }
    vcpu.push(...vcpu.map(() => vcpu.at(-1)!));
    return tally.summaries(before, vcpu, this.descBytes);
  }

  /**
   * A random op, applied one gfn at a time (DrawsByGfn): each gfn's adds in drawn
   * order, then the removals drawn for it. Operations on different gfns commute,
   * so every gfn ends with the chain the drawn order gives; each operation is
   * counted in its event (EventTally), and the vCPU cache, the one state that
   * depends on the order of faults across gfns, is charged afterwards in fault
   * order. A chain query's replay (one gfn, its history kept) needs neither.
   * Yields null while applying (no event yet, a turn for others), then one step
   * per event.
   */
  private *random(
    opIndex: number,
    op: Extract<WorkloadOp, { op: 'random' }>,
  ): Generator<WorkloadStep | null> {
    const { seed, removePercent } = op;
    // A spte is removed when r() × 100 < removePercent: its draw is below this.
    const removeBelow = drawsBelow(removePercent, 100);
    const M = op.sptes;
    const base = this.nextSpte;
    this.nextSpte += M;
    const tick0 = this.tick;
    const batch = randomBatch(M);
    const addEvents = Math.ceil(M / batch);
    const before = this.summary();
    const history = this.history;
    const tally = history ? null : new EventTally(addEvents);
    const meter = this.meter;
    const grouping = DrawsByGfn.bytesFor(M, op.gfns) + M / 8;
    meter.grow(grouping);
    // pte_list_add() allocates at most one descriptor, so one bit per fault. Faults come
    // in gfn order, scattered over the op: their bits are set a batch at a time, in a
    // loop whose cache misses overlap, rather than one per add, between the chain's.
    const allocated = new Uint8Array(history ? 0 : (M + 7) >>> 3);
    const allocating = new Int32Array(history ? 0 : 4096);
    let pending = 0;
    const setAllocated = () => {
      for (let i = 0; i < pending; i++) {
        const k = allocating[i]!;
        allocated[k >>> 3]! |= 1 << (k & 7);
      }
      pending = 0;
    };
    const store = this.store;
    // Descriptors an appending add walks past, per slot of the chain it finds (one spte at
    // a time: a run of adds finds the first descriptor with room once, see addRun()).
    const hop = store.algorithm === 'append' ? COST_US.descHop / store.capacity : 0;
    // The gfn being applied: its rmap length, and the chain slots its operations passed.
    let len = 0;
    let walked = 0;
    let scanned = 0;
    const adds = (gfn: number, keys: Int32Array, from: number, to: number) => {
      for (let j = from; j < to; j++) {
        const k = keys[j]!;
        const e = (k / batch) | 0;
        tally?.count(e, len);
        history?.push({ tick: tick0 + k, add: true, spte: base + k });
        walked += len;
        const allocations = store.descAllocations;
        const count = store.add(gfn, base + k);
        if (store.descAllocations !== allocations && !history) {
          allocating[pending++] = k;
          if (pending === allocating.length) setAllocated();
        }
        if (count <= RMAP_RECYCLE_THRESHOLD) {
          len++;
          continue;
        }
        const descs = store.descs;
        this.recycled += store.zapAll(gfn);
        tally?.zap(e, len + 1, descs - store.descs);
        len = 0;
      }
    };
    // The removal pass draws r() again for every spte: its draws follow the add pass's M.
    const removals = (gfn: number, keys: Int32Array, from: number, to: number) => {
      for (let j = from; j < to; j++) {
        const k = keys[j]!;
        if (mulberry32At(seed, M + k) >= removeBelow) continue;
        scanned += len;
        const descs = store.descs;
        if (!store.remove(gfn, base + k)) continue;
        history?.push({ tick: tick0 + M + k, add: false, spte: base + k });
        if (tally) {
          const e = addEvents + ((k / batch) | 0);
          tally.count(e, len);
          tally.freed[e]! += descs - store.descs;
        }
        len--;
      }
    };
    // The removals drawn for the gfn being applied, and those of them that freed a descriptor.
    const removing = new Int32Array(history ? 0 : RMAP_RECYCLE_THRESHOLD + 1);
    const freeing = new Int32Array(removing.length);
    /** Where the removals drawn are in the gfn's run (a fresh rmap's are found by it, see removeFromRun()). */
    const drops = new Int32Array(removing.length);
    /**
     * All of a gfn's operations when its chain stays short of recycling (the common case;
     * not in a chain query's replay, which keeps a history): the store applies its adds,
     * then its removals, as runs (addRun(), removeRun()), and they are counted afterwards.
     */
    const asRuns = (gfn: number, keys: Int32Array, from: number, to: number) => {
      const n = to - from;
      const fresh = len === 0;
      if (pending + n > allocating.length) setAllocated();
      pending = store.addRun(gfn, keys, from, to, base, allocating, pending);
      tally!.countAdds(keys, from, to, len, batch);
      len += n;
      let r = 0;
      for (let j = from; j < to; j++) {
        const k = keys[j]!;
        drops[r] = j - from;
        removing[r] = k;
        // Kept when its removal draw is below removeBelow: without a branch, which would be
        // mispredicted half the time (the difference's floor over 2^32 is −1 or 0).
        r -= Math.floor((mulberry32At(seed, M + k) - removeBelow) * 2 ** -32);
      }
      if (r === 0) return;
      const freed = fresh
        ? store.removeFromRun(gfn, keys, from, to, drops, r, freeing, 0)
        : store.removeRun(gfn, removing, 0, r, base, freeing, 0);
      tally!.countRemovals(removing, r, len, batch);
      for (let i = 0; i < freed; i++) tally!.freed[addEvents + ((freeing[i]! / batch) | 0)]!++;
      scanned += r * len - (r * (r - 1)) / 2;
      len -= r;
    };
    /**
     * Counts `draws` more applied; charges the meter with them every ~1 ms of work (or
     * at once when `now`); true when it is time for a turn.
     */
    let uncharged = 0;
    const charge = (draws: number, now = false) => {
      uncharged += draws;
      const us = uncharged * COST_US.randomSpte + walked * hop + scanned * COST_US.slot;
      if (us < CHARGE_US && !now) return false;
      uncharged = walked = scanned = 0;
      return meter.charge(us);
    };
    function* inSlices(gfn: number, keys: Int32Array, from: number, to: number) {
      for (let j = from; j < to; j += SLICE_DRAWS) {
        adds(gfn, keys, j, Math.min(to, j + SLICE_DRAWS));
        if (charge(Math.min(to, j + SLICE_DRAWS) - j)) yield null;
      }
      for (let j = from; j < to; j += SLICE_DRAWS) {
        removals(gfn, keys, j, Math.min(to, j + SLICE_DRAWS));
        if (charge(0)) yield null;
      }
    }
    const visitor: GfnVisitor = (gfn, keys, from, to) => {
      len = store.lengthOf(gfn);
      if (tally && len + to - from <= RMAP_RECYCLE_THRESHOLD + 1) asRuns(gfn, keys, from, to);
      else if (to - from > SLICE_DRAWS) return inSlices(gfn, keys, from, to);
      else {
        adds(gfn, keys, from, to);
        removals(gfn, keys, from, to);
      }
      return charge(to - from) ? TURN : undefined;
    };
    const indexed = this.onlyGfn !== null ? this.drawsOfGfn?.(opIndex, op) : null;
    if (!indexed) yield* new DrawsByGfn(seed, M, op.gfns).visit(this.onlyGfn, visitor);
    else if (indexed.length > 0) {
      const turn = visitor(this.onlyGfn!, indexed, 0, indexed.length);
      if (turn) yield* turn;
    }
    charge(0, true);
    setAllocated();
    meter.release(grouping);

    const summaries = tally && this.eventSummaries(tally, before, allocated, M, batch);
    const title = `random workload (seed ${seed})`;
    let removed = 0;
    for (let e = 0; e < 2 * addEvents; e++) {
      const add = e < addEvents;
      const done = Math.min(M, ((add ? e : e - addEvents) + 1) * batch);
      if (!add) removed += tally?.operations(e) ?? 0;
      this.tick = tick0 + (add ? 0 : M) + done;
      this.eventSummary = summaries?.[e] ?? null;
      yield {
        opIndex,
        title,
        detail: add
          ? `added ${done}/${M} sptes over ${op.gfns} gfns`
          : `removal pass ${done}/${M}: ${removed} sptes removed (${removePercent}% chosen)`,
        add,
      };
    }
    this.eventSummary = null;
  }
}

/** A chain query's index: the draws of its gfn in random op `opIndex`, in drawn order (null: not indexed). */
export type DrawsOfGfn = (
  opIndex: number,
  op: Extract<WorkloadOp, { op: 'random' }>,
) => Int32Array | null | undefined;

export interface HistoryEntry {
  tick: number;
  add: boolean;
  spte: number;
}

/** Everything the workload did to one gfn, in order: enough to rebuild its chain at any tick. */
export function gfnHistory(
  ops: readonly WorkloadOp[],
  algorithm: RmapAlgorithm,
  capacity: number,
  gfn: number,
  drawsOfGfn: DrawsOfGfn | null = null,
): HistoryEntry[] {
  const rt = new VmRuntime(algorithm, capacity, 0, gfn, undefined, drawsOfGfn);
  for (const _ of rt.run(ops));
  return rt.history!;
}

/**
 * One gfn's chain at any tick of the workload, from its history. Moving forward
 * applies only the entries in between (stepping through a workload is one or two
 * entries per step, not a rebuild); moving back starts again from an empty rmap.
 */
export class ChainReplay {
  private store: PteListStore;
  private applied = 0;
  private tick = 0;

  constructor(
    private readonly history: readonly HistoryEntry[],
    private readonly algorithm: RmapAlgorithm,
    private readonly capacity: number,
    private readonly gfn: number,
  ) {
    this.store = new PteListStore(algorithm, capacity);
  }

  /** The chain after the workload's first `tick` primitives (the tick of a workload event). */
  at(tick: number): ReturnType<PteListStore['chain']> {
    this.moveTo(tick);
    return this.store.chain(this.gfn);
  }

  /** The chain's length at `tick`, and how many of the gfn's primitives ran since the previous question. */
  lengthAt(tick: number): { length: number; primitives: number } {
    const primitives = this.moveTo(tick);
    return { length: this.store.lengthOf(this.gfn), primitives };
  }

  /** Brings the store to `tick`; returns how many history entries that applied. */
  private moveTo(tick: number): number {
    if (tick < this.tick) {
      this.store = new PteListStore(this.algorithm, this.capacity);
      this.applied = 0;
    }
    this.tick = tick;
    const { store, gfn, history } = this;
    const from = this.applied;
    for (; this.applied < history.length; this.applied++) {
      const h = history[this.applied]!;
      if (h.tick >= tick) break;
      if (!h.add) store.remove(gfn, h.spte);
      else if (store.add(gfn, h.spte) > RMAP_RECYCLE_THRESHOLD) store.zapAll(gfn);
    }
    return this.applied - from;
  }
}
