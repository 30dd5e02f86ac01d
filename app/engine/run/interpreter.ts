/**
 * Executes a scenario's module operations over a variant's function tree, the way
 * the kernel would: steps in order, errors to the step's label (falling through
 * the labels below it, as C gotos do) or back to the caller. Every step becomes a
 * trace event carrying the state changes it made; classify.ts places it on the
 * timeline, and vm.ts runs the workload after the last vendor load.
 */
import { effectFootprint, effectResetsDefaults, applyEffect } from '../effects';
import { effectLabel } from '../effects/labels';
import { effectText } from '../effects/prose';
import type { EffectContext, EffectKind } from '../effects/types';
import type { Errno, FaultPoint, ModuleName, VendorOps } from '../ids';
import { moduleLoadValues } from '../model/globals';
import { StateWriter, type MmuState } from '../model/state';
import { own } from '../own';
import type { Fault, ModuleOp, Scenario } from '../scenario';
import { functionNamed, moduleEntry } from '../variants/graph';
import type { FunctionDef, StepDef, VariantDef } from '../variants/types';
import { originOf, phaseOf, type Frame, type Position } from './classify';
import { Trace, type EventInput } from './trace';
import { FAULT_POINT_WORDS, stepName } from '../words';
import { Vm } from './vm';
import type { VmRuntime } from './workload';

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
  private readonly vm: Vm;

  constructor(
    private readonly variant: VariantDef,
    private readonly scenario: Scenario,
    initial: MmuState,
  ) {
    this.state = initial;
    this.w = new StateWriter(this.state);
    this.trace = new Trace(initial);
    this.vm = new Vm({
      variant,
      state: this.state,
      w: this.w,
      emit: (e) => this.emit(e),
      note: (text) => this.notes.push(text),
      events: () => this.trace.length,
    });
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
      if (op.action === 'unload' && this.vm.runtime && op.module !== 'kvm') this.vm.destroy();
      this.moduleOpIndex = i;
      const ok = op.action === 'load' ? this.load(op.module) : this.unload(op.module);
      yield this.trace.length;
      if (i === vmAfter) {
        if (ok) yield* this.vm.run(this.scenario.workload);
        else this.notes.push(`The workload did not run: loading ${op.module} failed.`);
      }
    }
    for (const f of this.faults)
      if (!f.fired)
        this.notes.push(
          `fail: ${FAULT_POINT_WORDS[f.at]} was reached ${f.visits} time${f.visits === 1 ? '' : 's'} in ${this.variant.id}, so the fault on visit ${f.nth} never fired${f.visits === 0 ? ' — this variant never reaches that point' : ''}.`,
        );
    return {
      trace: this.trace,
      faults: this.faults.map(({ fired: _fired, ...f }) => f),
      notes: this.notes,
      vm: this.vm.runtime,
      rmapCapacity: this.vm.capacity,
      longestChains: this.vm.longestChains,
    };
  }

  // ---- module operations -------------------------------------------------------------

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
    const entry = moduleEntry(this.variant, module);
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
    this.callFunction(moduleEntry(this.variant, module).exit);
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
    /** An error the function keeps going with ('continue') and returns at its end. */
    let kept: Errno | null = null;
    for (const step of f.body) {
      if (step.ifError && !kept) continue;
      const r = this.execStep(f, step);
      if (!r) continue;
      if (f.returns === 'void') {
        this.notes.push(
          `${stepName(step)} in ${f.name}(): its -${r} was ignored because ${f.name}() returns void.`,
        );
        continue;
      }
      if (step.onError === 'continue') {
        kept ??= r;
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
    errno ??= kept;
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
      effect: effect.kind,
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

  // ---- events --------------------------------------------------------------------------

  private position(): Position {
    return {
      stack: this.stack,
      module: this.module,
      action: this.moduleAction,
      vendor: this.vendor,
    };
  }

  /** `effect`: the kind of effect the event applied, which the classifier may need. */
  private emit({ effect, ...e }: EventInput & { effect?: EffectKind }): void {
    const taken = this.w.take();
    const top = this.stack[this.stack.length - 1];
    const at = this.position();
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
        phase:
          e.phase ??
          phaseOf(this.variant, at, {
            kind: e.kind,
            resetsDefaults: e.resetsDefaults ?? false,
            ...(effect ? { effect } : {}),
          }),
        origin: originOf(this.variant, at),
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
