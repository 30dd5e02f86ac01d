/**
 * The kernel state the engine models, as flat sections of named cells so that a
 * trace can record each change as (section, key, before, after) and replay it.
 */
import type { ModuleName } from '../ids';

export type ConfigValue = number | boolean | string | null;

export interface KmemCache {
  id: number;
  /** Name passed to kmem_cache_create(), as /proc/slabinfo shows it. */
  name: string;
  objectSize: number;
  /** SLUB's choice for this size (see slub.ts). */
  order: number;
  objectsPerSlab: number;
  /** Objects allocated from the cache (in rmaps plus those parked in per-vCPU caches). */
  objects: number;
  /** Slabs needed to hold `objects`, with every slab full. */
  slabs: number;
  live: boolean;
  /** The module whose load created it. */
  owner: ModuleName;
}

export interface RmapSummary {
  /** Non-empty kvm_rmap_head entries. */
  heads: number;
  sptes: number;
  /** pte_list_desc objects linked into chains. */
  descs: number;
  /** descs × sizeof(struct pte_list_desc) of this variant. */
  bytes: number;
  /** Objects parked in the vCPU's mmu_pte_list_desc_cache after top-ups. */
  vcpuCacheDescs: number;
  vcpuCachePageHeaders: number;
  /** SPTEs zapped because an rmap grew past RMAP_RECYCLE_THRESHOLD. */
  recycled: number;
  /** [chain length in sptes, number of gfns with that length], ascending, lengths >= 1. */
  histogram: readonly (readonly [number, number])[];
}

export type PercpuCounterState = 'uninitialized' | 'initialized' | 'destroyed';
export type ShrinkerState = 'unregistered' | 'registered';

export interface MmuState {
  modules: Record<string, boolean>;
  masks: Record<string, bigint>;
  config: Record<string, ConfigValue>;
  /** Global kmem_cache pointers (pte_list_desc_cache, mmu_page_header_cache) → cache id or null. */
  pointers: Record<string, number | null>;
  /** Every cache the run created, by id, live or destroyed. */
  caches: Record<string, KmemCache>;
  /** kvm_total_used_mmu_pages and mmu_shrinker. */
  lifecycle: Record<string, PercpuCounterState | ShrinkerState>;
  /** 'rmap': the VM's reverse maps while a VM exists (null otherwise). */
  vm: Record<string, RmapSummary | null>;
}

export type Section = keyof MmuState;
export type CellValue = MmuState[Section][string];

export interface Change {
  section: Section;
  key: string;
  before: CellValue | undefined;
  after: CellValue | undefined;
}

/** A shallow copy is a full copy: every cell value is immutable. */
export function cloneState(s: MmuState): MmuState {
  return {
    modules: { ...s.modules },
    masks: { ...s.masks },
    config: { ...s.config },
    pointers: { ...s.pointers },
    caches: { ...s.caches },
    lifecycle: { ...s.lifecycle },
    vm: { ...s.vm },
  };
}

export function applyChange(s: MmuState, c: Change, forward = true): void {
  const table = s[c.section] as Record<string, CellValue | undefined>;
  const value = forward ? c.after : c.before;
  if (value === undefined) delete table[c.key];
  else table[c.key] = value;
}

/** Records every write so a trace event knows exactly what its step changed. */
export class StateWriter {
  readonly state: MmuState;
  private changes: Change[] = [];
  private readsSeen = new Set<string>();
  private writesSeen = new Set<string>();

  constructor(state: MmuState) {
    this.state = state;
  }

  get<S extends Section>(section: S, key: string): MmuState[S][string] | undefined {
    this.readsSeen.add(this.globalName(section, key));
    return (this.state[section] as Record<string, MmuState[S][string]>)[key];
  }

  /** Reads that should not count as a read of a kernel global (bookkeeping lookups). */
  peek<S extends Section>(section: S, key: string): MmuState[S][string] | undefined {
    return (this.state[section] as Record<string, MmuState[S][string]>)[key];
  }

  set<S extends Section>(section: S, key: string, value: MmuState[S][string]): void {
    this.writesSeen.add(this.globalName(section, key));
    const table = this.state[section] as Record<string, CellValue | undefined>;
    const before = table[key];
    if (before === value) return;
    table[key] = value;
    this.changes.push({ section, key, before, after: value });
  }

  /** The kernel-global name a cell belongs to, as step footprints declare it. */
  private globalName(section: Section, key: string): string {
    if (section === 'caches') return `kmem_cache:${this.state.caches[key]?.name ?? key}`;
    if (section === 'vm') return 'vm';
    if (section === 'modules') return `module:${key}`;
    return key;
  }

  /** Hands over what happened since the last call and starts a new record. */
  take(): { changes: Change[]; reads: string[]; writes: string[] } {
    const out = { changes: this.changes, reads: [...this.readsSeen], writes: [...this.writesSeen] };
    this.changes = [];
    this.readsSeen = new Set();
    this.writesSeen = new Set();
    return out;
  }
}
