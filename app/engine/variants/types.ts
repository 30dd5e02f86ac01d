/**
 * A kernel variant is data: functions → ordered steps → one effect or call each.
 * Ordering edits transform this data, so an edited ordering can be run, checked,
 * shared and diffed like a built-in one.
 */
import type { Effect } from '../effects/types';
import type { VariantId } from '../ids';
import type { GlobalsShape } from '../model/globals';
import type { RmapAlgorithm } from '../model/rmap';
import type { Edit } from '../scenario';
import type { KernelTree, Source } from './sources';

export type { KernelTree, Source } from './sources';

export type StepOp = { call: string } | { effect: Effect };

export interface StepDef {
  /** Stable identity: "<function>/<what>", or "<function>@<label>/<what>" in error paths. */
  id: string;
  op: StepOp;
  /**
   * Where an error goes: a label of the enclosing function, 'return', or 'continue' (the
   * error is kept, as in `r = f(); … return r;`: the function goes on and returns it at its
   * end). Absent: errors propagate.
   */
  onError?: string;
  /** Runs only when an earlier step's error was kept ('continue'): the C's `if (r)`. */
  ifError?: true;
  /** Runs only when this config global is true (e.g. "if (enable_ept) kvm_mmu_set_ept_masks()"). */
  when?: string;
  /** Overrides the effect's or callee's explanation. */
  text?: string;
  /** Overrides the function's source (e.g. a step a patch added). */
  src?: Source;
}

export interface LabelDef {
  name: string;
  steps: StepDef[];
}

export type Owner = 'kvm' | 'vmx' | 'svm';

export interface FunctionDef {
  name: string;
  file: string;
  returns: 'int' | 'void';
  owner: Owner;
  summary: string;
  src: Source;
  body: StepDef[];
  /** Error labels in source order: a goto enters one and falls through the rest. */
  labels: LabelDef[];
}

export interface VendorEntry {
  init: string;
  exit: string;
  /** What kvm_x86_ops / the init ops resolve "@hardware_setup" and "@hardware_unsetup" to. */
  ops: { hardware_setup: string; hardware_unsetup: string };
}

/** Functions whose presence on the call stack puts an event in a timeline phase (run/classify.ts). */
export interface PhaseMarkers {
  /** 'mask-reset'; its writes count as the reset's. */
  maskReset: string[];
  /** 'configure-mmu', for the steps (not the calls) under it. */
  configureMmu: string[];
  /** 'hardware-setup', besides the loading vendor's hardware_setup op. */
  hardwareSetup: string[];
}

export interface VariantDef {
  id: VariantId;
  title: string;
  kind: 'shipped' | 'proposed' | 'teaching';
  /** One paragraph: what this ordering is and why it matters. */
  summary: string;
  tree: KernelTree;
  shape: GlobalsShape;
  rmap: {
    algorithm: RmapAlgorithm;
    capacity: 'PTE_LIST_EXT' | 'nr_sptes_per_pte_list';
    /** A workload event's innermost frames when it adds or zaps an spte. */
    stacks: { add: readonly [string, string]; remove: readonly [string, string] };
  };
  functions: Record<string, FunctionDef>;
  phases: PhaseMarkers;
  kvm: { init: string; exit: string };
  intel: VendorEntry;
  amd: VendorEntry;
  /** For proposals and teaching variants: what they were derived from, and how. */
  base?: VariantId;
  edits?: Edit[];
  sources: Source[];
}
