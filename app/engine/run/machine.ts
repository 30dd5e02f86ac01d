/**
 * Executes a scenario's module operations over a variant's function tree, the way
 * the kernel would: steps in order, errors to the step's label (falling through
 * the labels below it, as C gotos do) or back to the caller. Every step becomes a
 * trace event carrying the state changes it made.
 */
import { effectFootprint, effectResetsDefaults, applyEffect } from '../effects';
import { effectLabel, effectText } from '../effects/labels';
import type { EffectContext } from '../effects/types';
import type { Errno, FaultPoint, ModuleName, Phase, VendorOps } from '../ids';
import { CACHE_POINTER, moduleLoadValues } from '../model/globals';
import { StateWriter, type MmuState } from '../model/state';
import { POINTER_BYTES, PTE_LIST_DESC_HEADER_BYTES, PTE_LIST_EXT } from '../constants';
import type { Fault, ModuleOp, Scenario } from '../scenario';
import { own } from '../own';
import { functionNamed } from '../variants/graph';
import type { FunctionDef, StepDef, VariantDef } from '../variants/types';
import { Trace, type EventKind, type Origin, type TraceEvent } from './trace';
import { VmRuntime } from './workload';

export interface FaultReport {
  at: FaultPoint;
  errno: Errno;
  nth: number;
  /** Event where it fired; null if the point was reached fewer than nth times. */
  firedAt: number | null;
  visits: number;
}

export interface MachineResult {
  trace: Trace;
  faults: FaultReport[];
  notes: string[];
  /** Final VM runtime, if the workload ran: chain queries read it. */
  vm: VmRuntime | null;
  /** Descriptor capacity the VM used, when the workload ran. */
  rmapCapacity: number | null;
  /** Gfns with the longest rmaps when the workload finished. */
  longestChains: number[];
}

const CREATION_EFFECTS = new Set([
  'kmem_cache_create',
  'percpu_counter_init',
  'register_shrinker',
  'nr_sptes_check',
]);

interface Frame {
  fn: FunctionDef;
  label: string | null;
}

type Defaulted =
  | 'frameLabels'
  | 'reads'
  | 'writes'
  | 'probes'
  | 'errno'
  | 'injected'
  | 'warn'
  | 'doubleFree'
  | 'overwrote'
  | 'resetsDefaults'
  | 'phase'
  | 'stack'
  | 'fn';
type EventInput = Omit<
  TraceEvent,
  'index' | 'origin' | 'moduleOp' | 'label' | 'changes' | Defaulted
> &
  Partial<Pick<TraceEvent, Defaulted>>;

export class Machine {
  private readonly state: MmuState;
  private readonly w: StateWriter;
  readonly trace: Trace;
  private readonly stack: Frame[] = [];
  private readonly faults: (FaultReport & { fired: boolean })[];
  readonly notes: string[] = [];
  private vendor: VendorOps = 'vmx';
  private module: ModuleName = 'kvm';
  private moduleOpIndex = -1;
  private moduleAction: ModuleOp['action'] = 'load';
  private cacheIds = 0;
  private vm: VmRuntime | null = null;
  private rmapCapacity: number | null = null;
  private longestChains: number[] = [];

  constructor(
    private readonly variant: VariantDef,
    private readonly scenario: Scenario,
    initial: MmuState,
  ) {
    this.state = initial;
    this.w = new StateWriter(this.state);
    this.trace = new Trace(initial);
    this.faults = scenario.fail.map((f: Fault) => ({
      at: f.at as FaultPoint,
      errno: f.errno,
      nth: f.nth,
      firedAt: null,
      visits: 0,
      fired: false,
    }));
  }

  run(): MachineResult {
    const steps = this.steps();
    for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
  }

  /**
   * The run, one module operation or workload event at a time: yields the number of
   * trace events so far, so a caller can stream them and stop a stale run.
   */
  *steps(): Generator<number, MachineResult> {
    const ops = this.scenario.modules;
    const vmAfter = this.scenario.workload.length ? lastVendorLoad(ops) : -1;
    if (this.scenario.workload.length && vmAfter < 0)
      this.notes.push(
        'The workload did not run: no vendor module is loaded by the module sequence.',
      );
    for (const [i, op] of ops.entries()) {
      if (op.action === 'unload' && this.vm && op.module !== 'kvm') this.destroyVm();
      this.moduleOpIndex = i;
      const ok = op.action === 'load' ? this.load(op.module) : this.unload(op.module);
      yield this.trace.length;
      if (i === vmAfter) {
        if (ok) yield* this.runVm();
        else this.notes.push(`The workload did not run: loading ${op.module} failed.`);
      }
    }
    for (const f of this.faults)
      if (!f.fired)
        this.notes.push(
          `fail: ${f.at} was reached ${f.visits} time${f.visits === 1 ? '' : 's'} in ${this.variant.id}, so the fault on visit ${f.nth} never fired${f.visits === 0 ? ' — this variant never reaches that point' : ''}.`,
        );
    return {
      trace: this.trace,
      faults: this.faults.map(({ fired: _fired, ...f }) => f),
      notes: this.notes,
      vm: this.vm,
      rmapCapacity: this.rmapCapacity,
      longestChains: this.longestChains,
    };
  }

  // ---- module operations -------------------------------------------------------------

  private entry(module: ModuleName) {
    return module === 'kvm'
      ? this.variant.kvm
      : module === 'kvm_intel'
        ? this.variant.intel
        : this.variant.amd;
  }

  private load(module: ModuleName): boolean {
    this.module = module;
    this.moduleAction = 'load';
    if (module !== 'kvm') this.vendor = module === 'kvm_intel' ? 'vmx' : 'svm';
    for (const cell of moduleLoadValues(module, this.variant.shape, this.scenario.params))
      this.w.set(cell.section, cell.key, cell.value as never);
    this.emit({
      kind: 'module',
      stepId: null,
      title: `insmod ${module}`,
      text:
        module === 'kvm'
          ? 'kvm.ko is loaded: its globals start zeroed or at their module-param values.'
          : `${module} is loaded: its module params are set, then its module_init runs.`,
      detail: null,
      src: null,
      phase: module === 'kvm' ? 'kvm-init' : 'vendor-init',
    });
    const entry = this.entry(module);
    const errno = this.callFunction(entry.init);
    if (!errno) this.w.set('modules', module, true);
    this.emit({
      kind: 'module',
      stepId: null,
      title: errno ? `insmod ${module}: -${errno}` : `${module} loaded`,
      text: errno
        ? `${entry.init}() returned -${errno}: the module is not loaded and everything it set up should have been undone.`
        : `${entry.init}() returned 0.`,
      detail: null,
      src: null,
      errno: errno ?? null,
      phase: errno ? 'unwind' : module === 'kvm' ? 'kvm-init' : 'vendor-init',
    });
    return !errno;
  }

  private unload(module: ModuleName): boolean {
    this.module = module;
    this.moduleAction = 'unload';
    if (module !== 'kvm') this.vendor = module === 'kvm_intel' ? 'vmx' : 'svm';
    if (!this.state.modules[module]) {
      this.emit({
        kind: 'module',
        stepId: null,
        title: `rmmod ${module}: not loaded`,
        text: `${module} is not loaded (its load failed), so rmmod has nothing to do.`,
        detail: null,
        src: null,
        phase: 'teardown',
      });
      return false;
    }
    this.emit({
      kind: 'module',
      stepId: null,
      title: `rmmod ${module}`,
      text: `${module}'s module_exit runs.`,
      detail: null,
      src: null,
      phase: 'teardown',
    });
    this.callFunction(this.entry(module).exit);
    this.w.set('modules', module, false);
    this.emit({
      kind: 'module',
      stepId: null,
      title: `${module} unloaded`,
      text: 'module_exit returned.',
      detail: null,
      src: null,
      phase: 'teardown',
    });
    return true;
  }

  // ---- function execution --------------------------------------------------------------

  private resolve(name: string): FunctionDef | undefined {
    const target = name.startsWith('@')
      ? own((this.vendor === 'vmx' ? this.variant.intel : this.variant.amd).ops, name.slice(1))
      : name;
    return target === undefined ? undefined : functionNamed(this.variant, target);
  }

  private callFunction(name: string): Errno | null {
    const f = this.resolve(name);
    if (!f) throw new Error(`${this.variant.id}: no function ${name}`);
    const frame: Frame = { fn: f, label: null };
    this.stack.push(frame);
    let errno: Errno | null = null;
    for (const step of f.body) {
      const r = this.execStep(f, step);
      if (!r) continue;
      if (f.returns === 'void') {
        this.notes.push(`${step.id}: its -${r} was ignored because ${f.name} returns void.`);
        continue;
      }
      errno = r;
      const target = step.onError ?? 'return';
      const from = f.labels.findIndex((l) => l.name === target);
      if (from >= 0)
        for (const l of f.labels.slice(from)) {
          frame.label = l.name;
          for (const s of l.steps) this.execStep(f, s);
        }
      break;
    }
    if (errno)
      this.emit({
        kind: 'return',
        stepId: null,
        title: `${f.name}() returns -${errno}`,
        text: 'The error travels back to the caller, which unwinds what it had set up.',
        detail: null,
        src: f.src,
        errno,
        phase: 'unwind',
      });
    this.stack.pop();
    return errno;
  }

  private execStep(f: FunctionDef, step: StepDef): Errno | null {
    if (step.when && !this.w.get('config', step.when)) {
      this.w.take();
      this.emit({
        kind: 'skip',
        stepId: step.id,
        title: `skipped: ${'call' in step.op ? step.op.call : effectLabel(step.op.effect)}`,
        text: step.text ?? `Runs only when ${step.when} is set.`,
        detail: `${step.when} is 0`,
        src: step.src ?? f.src,
        reads: [step.when],
      });
      return null;
    }
    if ('call' in step.op) {
      const callee = this.resolve(step.op.call);
      this.emit({
        kind: 'call',
        stepId: step.id,
        title: `${step.op.call.startsWith('@') ? `ops->${step.op.call.slice(1)} = ` : ''}${callee?.name ?? step.op.call}()`,
        text: step.text ?? callee?.summary ?? '',
        detail: null,
        src: step.src ?? callee?.src ?? f.src,
      });
      return this.callFunction(step.op.call);
    }
    const effect = step.op.effect;
    const ctx: EffectContext = {
      w: this.w,
      params: this.scenario.params,
      vendor: this.vendor,
      module: this.module,
      physSource: this.variant.shape.physSource,
      fault: (point) => this.fault(point),
      newCacheId: () => this.cacheIds++,
    };
    const r = applyEffect(effect, ctx);
    const fp = effectFootprint(effect, ctx);
    const creation = CREATION_EFFECTS.has(effect.kind);
    this.emit({
      kind: r.skipped ? 'skip' : 'effect',
      stepId: step.id,
      title: effectLabel(effect),
      text: step.text ?? effectText(effect),
      detail: r.detail ?? null,
      src: step.src ?? f.src,
      reads: fp.reads,
      writes: fp.writes,
      probes: fp.probes ?? [],
      errno: r.errno ?? null,
      injected: r.injected ?? false,
      warn: r.warn ?? null,
      doubleFree: r.doubleFree ?? null,
      overwrote: r.overwrote ?? null,
      resetsDefaults: effectResetsDefaults(effect),
      ...(creation && !this.inLabel() && this.moduleAction === 'load'
        ? { phase: 'mmu-setup' as Phase }
        : {}),
    });
    return r.errno ?? null;
  }

  private fault(point: FaultPoint): Errno | null {
    let errno: Errno | null = null;
    for (const f of this.faults) {
      if (f.at !== point) continue;
      f.visits++;
      if (!f.fired && f.visits === f.nth) {
        f.fired = true;
        f.firedAt = this.trace.length;
        errno ??= f.errno;
      }
    }
    return errno;
  }

  // ---- the VM ------------------------------------------------------------------------

  private *runVm(): Generator<number, void> {
    const pointers = this.state.pointers;
    const desc = this.state.caches[String(pointers[CACHE_POINTER.pte_list_desc])];
    const header = this.state.caches[String(pointers[CACHE_POINTER.kvm_mmu_page_header])];
    const capacity =
      this.variant.rmap.capacity === 'PTE_LIST_EXT'
        ? PTE_LIST_EXT
        : Number(this.state.config.nr_sptes_per_pte_list ?? 0);
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
      ...(this.variant.rmap.capacity === 'PTE_LIST_EXT' ? [] : ['nr_sptes_per_pte_list']),
    ];
    if (!problem) {
      this.vm = new VmRuntime(this.variant.rmap.algorithm, capacity, desc!.objectSize);
      this.rmapCapacity = capacity;
      this.w.set('vm', 'rmap', this.vm.summary());
    }
    const tdp = Boolean(this.state.config.tdp_enabled);
    const tdpMmu = tdp && Boolean(this.state.config.tdp_mmu_enabled);
    this.emit({
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
    if (problem || !this.vm) {
      this.notes.push(`The workload did not run: ${problem}.`);
      return;
    }
    const { add: stackAdd, remove: stackRemove } = this.variant.rmap.stacks;
    for (const step of this.vm.run(this.scenario.workload)) {
      if (!step) {
        yield this.trace.length;
        continue;
      }
      this.syncVm();
      this.emit({
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
        fn: (step.add ? stackAdd : stackRemove)[1]!,
        tick: this.vm.tick,
        ...(step.gfn !== undefined ? { gfn: step.gfn } : {}),
      });
      yield this.trace.length;
    }
    this.longestChains = this.vm.store.longest(8);
  }

  /** Mirrors the runtime into the traced state: the rmap summary and the caches' object counts. */
  private syncVm(): void {
    const summary = this.vm ? this.vm.summary() : null;
    this.w.set('vm', 'rmap', summary);
    const objects = {
      pte_list_desc: summary ? summary.descs + summary.vcpuCacheDescs : 0,
      kvm_mmu_page_header: summary ? summary.vcpuCachePageHeaders : 0,
    };
    for (const name of ['pte_list_desc', 'kvm_mmu_page_header'] as const) {
      const id = this.state.pointers[CACHE_POINTER[name]];
      const cache = id == null ? undefined : this.state.caches[String(id)];
      if (!cache?.live || cache.objects === objects[name]) continue;
      const slabs = Math.ceil(objects[name] / cache.objectsPerSlab);
      this.w.set('caches', String(cache.id), { ...cache, objects: objects[name], slabs });
    }
  }

  private destroyVm(): void {
    this.vm = null;
    this.syncVm();
    this.emit({
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

  // ---- events --------------------------------------------------------------------------

  private inLabel(): boolean {
    return this.stack.some((f) => f.label !== null);
  }

  private phaseOf(kind: EventKind, resetsDefaults: boolean): Phase {
    if (this.inLabel()) return 'unwind';
    if (this.moduleAction === 'unload') return 'teardown';
    if (this.module === 'kvm') return 'kvm-init';
    const names = this.stack.map((f) => f.fn.name);
    if (names.includes('kvm_mmu_reset_all_pte_masks') || resetsDefaults) return 'mask-reset';
    if (names.includes('kvm_configure_mmu') && kind !== 'call') return 'configure-mmu';
    const ops = (this.vendor === 'vmx' ? this.variant.intel : this.variant.amd).ops;
    if (names.includes(ops.hardware_setup) || names.includes('vmx_hardware_setup'))
      return 'hardware-setup';
    return 'vendor-init';
  }

  private originOf(): Origin {
    const names = this.stack.map((f) => f.fn.name);
    if (names.includes('kvm_mmu_reset_all_pte_masks')) return 'reset';
    const entry = this.entry(this.module);
    if (
      this.stack.some(
        (f) => f.fn.owner !== 'kvm' && f.fn.name !== entry.init && f.fn.name !== entry.exit,
      )
    )
      return this.vendor;
    return 'common';
  }

  private emit(e: EventInput): void {
    const taken = this.w.take();
    const top = this.stack[this.stack.length - 1];
    this.trace.push(
      {
        reads: [],
        writes: [],
        probes: [],
        errno: null,
        injected: false,
        warn: null,
        doubleFree: null,
        overwrote: null,
        resetsDefaults: false,
        ...e,
        changes: taken.changes,
        fn: e.fn ?? top?.fn.name ?? null,
        label: top?.label ?? null,
        stack: e.stack ?? this.stack.map((f) => f.fn.name),
        frameLabels: e.stack ? e.stack.map(() => null) : this.stack.map((f) => f.label),
        phase: e.phase ?? this.phaseOf(e.kind, e.resetsDefaults ?? false),
        origin: this.originOf(),
        moduleOp: this.moduleOpIndex,
      },
      this.state,
    );
  }
}

/** The VM runs after the last load of a vendor module in the sequence. */
function lastVendorLoad(ops: readonly ModuleOp[]): number {
  for (let i = ops.length - 1; i >= 0; i--)
    if (ops[i]!.action === 'load' && ops[i]!.module !== 'kvm') return i;
  return -1;
}
