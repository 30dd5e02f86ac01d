/**
 * A VM's reverse maps under a workload (shared/design.md "Workload ops"). Each
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
import { uniform } from '../model/prng';
import { PteListStore, type RmapAlgorithm } from '../model/rmap';
import type { RmapSummary } from '../model/state';
import type { WorkloadOp } from '../scenario';
import { GfnSortedBatch } from './sortedBatch';

/** Ops larger than this are shown as EVENT_BATCHES events instead of one per spte. */
export const PER_SPTE_EVENT_LIMIT = 256;
export const EVENT_BATCHES = 64;
/** A random op is applied at least this many sptes at a time (one event each). */
const MIN_RANDOM_BATCH = 256;
/** Heads and descriptors are read ahead this many draws at a time, so their cache misses overlap. */
const PREFETCH = 256;

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

  private readonly batch = new GfnSortedBatch();
  /** Per draw of an add batch: descriptors its fault allocated. */
  private allocated = new Uint8Array(0);
  /** Keeps the prefetch reads observable so they are not optimised away. */
  private prefetchSink = 0;

  /**
   * `onlyGfn`: replay mode for a chain query — ops on other gfns only advance the
   * tick and the spte ids, so one gfn's chain is rebuilt exactly as the full run built it.
   */
  constructor(
    algorithm: RmapAlgorithm,
    capacity: number,
    private readonly descBytes: number,
    private readonly onlyGfn: number | null = null,
  ) {
    this.store = new PteListStore(algorithm, capacity);
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

  private rmapRemove(gfn: number, spte: number, tick: number): boolean {
    const removed = this.applies(gfn) && this.store.remove(gfn, spte);
    if (removed) this.history?.push({ tick, add: false, spte });
    return removed;
  }

  summary(): RmapSummary {
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

  /** The most recently added spte still in the gfn's rmap (ids grow with time). */
  private newest(gfn: number): number | null {
    const c = this.store.chain(gfn);
    if (c.form === 'empty') return null;
    if (c.form === 'single') return c.spte;
    let best = -1;
    for (const d of c.descs) for (const s of d.slots) if (s !== null && s > best) best = s;
    return best;
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

  /** Runs the ops, yielding after each event's worth of work. */
  *run(ops: readonly WorkloadOp[]): Generator<WorkloadStep> {
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
          for (let k = 0; k < n; k++) count = this.add(op.gfn, this.nextSpte++);
          detail = perSpte
            ? this.describeAdd(op.gfn, lenBefore, this.store.descAllocations - allocsBefore, count)
            : `gfn ${op.gfn}: ${n} sptes added (${done + n}/${op.sptes})`;
        } else {
          let removed = 0;
          let last = -1;
          const skip = !this.applies(op.gfn);
          for (let k = 0; k < n && !skip; k++) {
            const spte = this.newest(op.gfn);
            if (spte === null) break;
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
   * Sptes [from, to) of a random op, applied in gfn order (GfnSortedBatch). Only
   * the vCPU cache depends on the order of faults on different gfns, so it is
   * charged afterwards, in fault order.
   */
  private addRange(r: () => number, G: number, base: number, from: number, to: number): void {
    const n = to - from;
    const batch = this.batch.reserve(n);
    const allocated =
      this.allocated.length >= n ? this.allocated : (this.allocated = new Uint8Array(n));
    let m = 0;
    for (let k = 0; k < n; k++) {
      const gfn = Math.floor(r() * G);
      if (this.applies(gfn)) {
        batch.gfns[m] = gfn;
        batch.keys[m++] = k;
      }
    }
    allocated.fill(0, 0, n);
    const { sortedGfns, sortedKeys } = batch.sortByGfn(m, G);
    const store = this.store;
    for (let j = 0; j < m; j++) {
      if (j % PREFETCH === 0)
        this.prefetchSink += store.prefetch(sortedGfns, j, Math.min(PREFETCH, m - j), false);
      const k = sortedKeys[j]!;
      const before = store.descAllocations;
      this.rmapAdd(sortedGfns[j]!, base + from + k, this.tick + k);
      allocated[k] = store.descAllocations - before;
    }
    this.tick += n;
    for (let k = 0; k < n; k++) this.chargeVcpuCache(allocated[k]!);
  }

  /** The removal pass over sptes [from, to): only the draws chosen for removal are sorted and applied. */
  private removeRange(
    r: () => number,
    replay: () => number,
    percent: number,
    G: number,
    base: number,
    from: number,
    to: number,
  ): number {
    const n = to - from;
    const batch = this.batch.reserve(n);
    let m = 0;
    for (let k = 0; k < n; k++) {
      const gfn = Math.floor(replay() * G);
      if (r() * 100 < percent && this.applies(gfn)) {
        batch.gfns[m] = gfn;
        batch.keys[m++] = k;
      }
    }
    const { sortedGfns, sortedKeys } = batch.sortByGfn(m, G);
    let removed = 0;
    for (let j = 0; j < m; j++) {
      if (j % PREFETCH === 0)
        this.prefetchSink += this.store.prefetch(sortedGfns, j, Math.min(PREFETCH, m - j), true);
      const k = sortedKeys[j]!;
      if (this.rmapRemove(sortedGfns[j]!, base + from + k, this.tick + k)) removed++;
    }
    this.tick += n;
    return removed;
  }

  private *random(
    opIndex: number,
    op: Extract<WorkloadOp, { op: 'random' }>,
  ): Generator<WorkloadStep> {
    const r = uniform(op.seed);
    const M = op.sptes;
    const G = op.gfns;
    const base = this.nextSpte;
    this.nextSpte += M;
    const batch = Math.max(MIN_RANDOM_BATCH, Math.ceil(M / EVENT_BATCHES));
    const title = `random workload (seed ${op.seed})`;
    for (let done = 0; done < M;) {
      const end = Math.min(M, done + batch);
      this.addRange(r, G, base, done, end);
      done = end;
      yield { opIndex, title, detail: `added ${done}/${M} sptes over ${G} gfns`, add: true };
    }
    // The removal pass needs spte i's gfn again: a second generator replays the add pass in step.
    const replay = uniform(op.seed);
    let removed = 0;
    for (let done = 0; done < M;) {
      const end = Math.min(M, done + batch);
      removed += this.removeRange(r, replay, op.removePercent, G, base, done, end);
      done = end;
      yield {
        opIndex,
        title,
        detail: `removal pass ${done}/${M}: ${removed} sptes removed (${op.removePercent}% chosen)`,
        add: false,
      };
    }
  }
}

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
): HistoryEntry[] {
  const rt = new VmRuntime(algorithm, capacity, 0, gfn);
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
    if (tick < this.tick) {
      this.store = new PteListStore(this.algorithm, this.capacity);
      this.applied = 0;
    }
    this.tick = tick;
    const { store, gfn, history } = this;
    for (; this.applied < history.length; this.applied++) {
      const h = history[this.applied]!;
      if (h.tick >= tick) break;
      if (!h.add) store.remove(gfn, h.spte);
      else if (store.add(gfn, h.spte) > RMAP_RECYCLE_THRESHOLD) store.zapAll(gfn);
    }
    return store.chain(gfn);
  }
}
