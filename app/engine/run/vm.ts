/**
 * The workload's VM, as trace events: KVM_CREATE_VM once the vendor load is done
 * (if the MMU's caches can serve it), one event per fault or zap batch with the
 * variant's rmap call stack, and the VM's destruction before its vendor unloads.
 * The rmaps themselves are VmRuntime's (workload.ts).
 */
import { POINTER_BYTES, PTE_LIST_DESC_HEADER_BYTES, PTE_LIST_EXT } from '../constants';
import { CACHE_POINTER } from '../model/globals';
import type { MmuState, StateWriter } from '../model/state';
import type { WorkloadOp } from '../scenario';
import type { VariantDef } from '../variants/types';
import type { EventInput } from './trace';
import { VmRuntime } from './workload';

/** What the VM needs from the interpreter that runs it. */
export interface VmHost {
  readonly variant: VariantDef;
  readonly state: MmuState;
  readonly w: StateWriter;
  emit(e: EventInput): void;
  note(text: string): void;
  /** Trace events so far (what the run yields to its caller). */
  events(): number;
}

export class Vm {
  runtime: VmRuntime | null = null;
  /** Descriptor capacity the VM used, once it ran. */
  capacity: number | null = null;
  /** Gfns with the longest rmaps when the workload finished. */
  longestChains: number[] = [];

  constructor(private readonly host: VmHost) {}

  /** KVM_CREATE_VM and the workload, one event at a time; yields the trace length. */
  *run(workload: readonly WorkloadOp[]): Generator<number, void> {
    const { variant, state, w } = this.host;
    const desc = state.caches[String(state.pointers[CACHE_POINTER.pte_list_desc])];
    const header = state.caches[String(state.pointers[CACHE_POINTER.kvm_mmu_page_header])];
    const capacity =
      variant.rmap.capacity === 'PTE_LIST_EXT'
        ? PTE_LIST_EXT
        : Number(state.config.nr_sptes_per_pte_list ?? 0);
    const usable = desc?.live && header?.live;
    const fits = desc
      ? (desc.objectSize - PTE_LIST_DESC_HEADER_BYTES) / POINTER_BYTES >= capacity
      : false;
    const problem = !usable
      ? 'the MMU kmem caches do not exist, so the first kmem_cache_zalloc() from the vCPU top-up would oops'
      : capacity < 2
        ? `nr_sptes_per_pte_list is ${capacity}: pte_list_add() needs at least 2 slots`
        : !fits
          ? `pte_list_add() fills up to ${capacity} slots but pte_list_desc objects are ${desc!.objectSize} bytes (room for ${(desc!.objectSize - PTE_LIST_DESC_HEADER_BYTES) / POINTER_BYTES}): descriptors would overflow`
          : null;
    const reads = [
      'tdp_enabled',
      'tdp_mmu_enabled',
      ...(variant.rmap.capacity === 'PTE_LIST_EXT' ? [] : ['nr_sptes_per_pte_list']),
    ];
    if (!problem) {
      this.runtime = new VmRuntime(variant.rmap.algorithm, capacity, desc!.objectSize);
      this.capacity = capacity;
      w.set('vm', 'rmap', this.runtime.summary());
    }
    const tdp = Boolean(state.config.tdp_enabled);
    const tdpMmu = tdp && Boolean(state.config.tdp_mmu_enabled);
    this.host.emit({
      kind: 'vm',
      stepId: null,
      title: problem ? 'KVM_CREATE_VM: cannot run' : 'KVM_CREATE_VM, one vCPU',
      text: tdpMmu
        ? 'With the TDP MMU, ordinary guest mappings need no rmaps; the workload’s rmaps stand for shadow pages of a nested (L2) guest, which KVM still tracks with pte_list_desc chains.'
        : tdp
          ? 'TDP with the legacy MMU: every leaf SPTE is rmapped, usually one per gfn.'
          : 'Shadow paging: every guest page-table entry that maps a gfn gets its own SPTE, so a gfn aliased by many guest mappings has a long rmap.',
      detail: problem ?? `descriptors hold ${capacity} sptes and are ${desc!.objectSize} bytes`,
      src: null,
      reads,
      probes: ['pte_list_desc_cache', 'mmu_page_header_cache'],
      phase: 'workload',
      stack: ['kvm_create_vm'],
      fn: 'kvm_create_vm',
    });
    const vm = this.runtime;
    if (problem || !vm) {
      this.host.note(`The workload did not run: ${problem}.`);
      return;
    }
    const { add: stackAdd, remove: stackRemove } = variant.rmap.stacks;
    for (const step of vm.run(workload)) {
      if (!step) {
        yield this.host.events();
        continue;
      }
      this.sync();
      this.host.emit({
        kind: 'workload',
        stepId: `workload[${step.opIndex}]`,
        title: step.title,
        text: step.add
          ? 'A page fault maps a gfn: the vCPU tops up its descriptor cache, then rmap_add() records the new spte in the gfn’s rmap.'
          : 'An spte is zapped: it is removed from its gfn’s rmap, and an emptied descriptor goes back to the kmem cache.',
        detail: step.detail,
        src: null,
        phase: 'workload',
        stack: ['KVM_RUN', 'kvm_mmu_page_fault', ...(step.add ? stackAdd : stackRemove)],
        fn: (step.add ? stackAdd : stackRemove)[1],
        tick: vm.tick,
        ...(step.gfn !== undefined ? { gfn: step.gfn } : {}),
      });
      yield this.host.events();
    }
    this.longestChains = vm.store.longest(8);
  }

  /** Closing the VM, before its vendor module unloads. */
  destroy(): void {
    this.runtime = null;
    this.sync();
    this.host.emit({
      kind: 'vm',
      stepId: null,
      title: 'VM destroyed',
      text: 'Closing the VM zaps every SPTE (freeing all descriptors) and frees the vCPU’s memory caches; only then can the vendor module unload.',
      detail: null,
      src: null,
      phase: 'teardown',
      stack: ['kvm_destroy_vm'],
      fn: 'kvm_destroy_vm',
    });
  }

  /** Mirrors the runtime into the traced state: the rmap summary and the caches' object counts. */
  private sync(): void {
    const { state, w } = this.host;
    const summary = this.runtime ? this.runtime.summary() : null;
    w.set('vm', 'rmap', summary);
    const objects = {
      pte_list_desc: summary ? summary.descs + summary.vcpuCacheDescs : 0,
      kvm_mmu_page_header: summary ? summary.vcpuCachePageHeaders : 0,
    };
    for (const name of ['pte_list_desc', 'kvm_mmu_page_header'] as const) {
      const id = state.pointers[CACHE_POINTER[name]];
      const cache = id == null ? undefined : state.caches[String(id)];
      if (!cache?.live || cache.objects === objects[name]) continue;
      const slabs = Math.ceil(objects[name] / cache.objectsPerSlab);
      w.set('caches', String(cache.id), { ...cache, objects: objects[name], slabs });
    }
  }
}
