/**
 * A run's trace: one event per executed step with the state changes it made, plus
 * a checkpoint of the whole state every CHECKPOINT_EVERY events, so any step can be
 * reached by copying one checkpoint and replaying at most that many events.
 */
import type { Errno, Phase } from '../ids';
import { applyChange, cloneState, type Change, type MmuState } from '../model/state';
import type { Source } from '../variants/types';

export const CHECKPOINT_EVERY = 32;

export type EventKind = 'module' | 'call' | 'effect' | 'skip' | 'return' | 'vm' | 'workload';
/** Who a write counts as coming from (the PTE mask rows show it). */
export type Origin = 'reset' | 'vmx' | 'svm' | 'common';

export interface TraceEvent {
  index: number;
  kind: EventKind;
  /** The variant step that ran; null for module, return and workload events. */
  stepId: string | null;
  /** Function the step belongs to (null outside any function). */
  fn: string | null;
  /** Error label being executed, when unwinding. */
  label: string | null;
  /** Call stack, outermost first; includes fn. */
  stack: readonly string[];
  /** For each stack frame, the error label it is executing, if it is unwinding. */
  frameLabels: readonly (string | null)[];
  phase: Phase;
  origin: Origin;
  /** Index into scenario.modules of the module operation this event belongs to (the VM runs within the load it follows). */
  moduleOp: number;
  /** Short title: usually the kernel call the step stands for. */
  title: string;
  /** Plain words: what the step does and why. */
  text: string;
  /** What this execution did, with values. */
  detail: string | null;
  src: Source | null;
  /** Globals the step declares it reads and writes. */
  reads: readonly string[];
  writes: readonly string[];
  /** Resource state the step inspects (not a configuration read). */
  probes: readonly string[];
  changes: Change[];
  errno: Errno | null;
  injected: boolean;
  warn: string | null;
  doubleFree: string | null;
  overwrote: string | null;
  resetsDefaults: boolean;
  /** Workload events: how far into the workload (adds + removes attempted) this event reaches. */
  tick?: number;
  /** Workload events touching one gfn. */
  gfn?: number;
}

/** Fields an event gets from where it ran, unless its producer sets them. */
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
/** An event as the interpreter or the VM describes it; emit() adds the rest. */
export type EventInput = Omit<
  TraceEvent,
  'index' | 'origin' | 'moduleOp' | 'label' | 'changes' | Defaulted
> &
  Partial<Pick<TraceEvent, Defaulted>>;

export class Trace {
  readonly events: TraceEvent[] = [];
  private readonly checkpoints: MmuState[] = [];
  readonly initial: MmuState;
  /** State after the last event, kept only by traces rebuilt from events (see append). */
  private replayed: MmuState | null = null;

  constructor(initial: MmuState) {
    this.initial = cloneState(initial);
  }

  /** Appends an event; `after` is the live state once the event's changes are applied. */
  push(e: Omit<TraceEvent, 'index'>, after: MmuState): TraceEvent {
    const event = { ...e, index: this.events.length } as TraceEvent;
    this.events.push(event);
    if ((event.index + 1) % CHECKPOINT_EVERY === 0) this.checkpoints.push(cloneState(after));
    return event;
  }

  get length(): number {
    return this.events.length;
  }

  /** State after event `i` (i = -1: before the first event). */
  stateAt(i: number): MmuState {
    const last = Math.min(i, this.events.length - 1);
    const cp = Math.floor((last + 1) / CHECKPOINT_EVERY) - 1;
    const state = cloneState(cp >= 0 ? this.checkpoints[cp]! : this.initial);
    for (let k = (cp + 1) * CHECKPOINT_EVERY; k <= last; k++)
      for (const c of this.events[k]!.changes) applyChange(state, c);
    return state;
  }

  /** The workload tick at the end of event `i`: 0 right after the VM is created, null when no VM exists. */
  tickAt(i: number): number | null {
    for (let k = Math.min(i, this.events.length - 1); k >= 0; k--) {
      const e = this.events[k]!;
      if (e.tick !== undefined) return e.tick;
      if (e.fn === 'kvm_destroy_vm') return null;
      if (e.fn === 'kvm_create_vm') return 0;
    }
    return null;
  }

  /** Serializable form for the worker boundary; rebuild with Trace.from(). */
  toJSON(): { initial: MmuState; events: TraceEvent[] } {
    return { initial: this.initial, events: this.events };
  }

  /** Appends events made elsewhere (streamed from the worker), replaying their changes for the checkpoints. */
  append(events: readonly TraceEvent[]): void {
    const state = (this.replayed ??= cloneState(this.stateAt(this.events.length - 1)));
    for (const e of events) {
      for (const c of e.changes) applyChange(state, c);
      this.push(e, state);
    }
  }

  static from(data: { initial: MmuState; events: TraceEvent[] }): Trace {
    const t = new Trace(data.initial);
    t.append(data.events);
    return t;
  }
}
