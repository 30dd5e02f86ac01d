/**
 * How people read a step: the kernel call or statement it stands for, in the function
 * (and error label) it sits in, as the kernel spells them ("kvm_ops_update() in
 * kvm_x86_vendor_init()"). Reviews, findings, edits and notes say this; model ids (step
 * ids, effect kinds, event numbers) stay in JSON, where tools need them.
 */
import { effectLabel } from './effects/labels';
import { effectName } from './effects/prose';
import type { FaultPoint, FindingKind } from './ids';
import type { TraceEvent } from './run/trace';
import { sourceLabel } from './variants/sources';
import type { Source, StepDef, VariantDef } from './variants/types';

const callName = (call: string): string =>
  call.startsWith('@') ? `ops->${call.slice(1)}()` : `${call}()`;

/** The call a step makes or the statement its effect stands for, short: "kvm_ops_update()". */
export const stepName = (step: StepDef): string =>
  'call' in step.op ? callName(step.op.call) : effectName(step.op.effect);

/** How a step reads in a listing, in full: "kvm_ops_update(ops)", "pte_list_desc_cache = kmem_cache_create(…)". */
export const stepLabel = (step: StepDef): string =>
  'call' in step.op ? callName(step.op.call) : effectLabel(step.op.effect);

/** A function, or one of its error labels: "kvm_init()", "kvm_init() at its out_irqfd label". */
export const placeWords = (fn: string, label: string | null): string =>
  label ? `${fn}() at its ${label} label` : `${fn}()`;

/** A place as ordering edits name it ("kvm_init@out_irqfd"), in words. */
export function containerWords(container: string): string {
  const at = container.indexOf('@');
  return at < 0
    ? placeWords(container, null)
    : placeWords(container.slice(0, at), container.slice(at + 1));
}

interface Located {
  step: StepDef;
  fn: string;
  label: string | null;
}

const INDEX = new WeakMap<VariantDef, Map<string, Located>>();

/** Where a step sits now (a moved step keeps its id, not its place). */
export function locateStep(v: VariantDef, id: string): Located | null {
  let index = INDEX.get(v);
  if (!index) {
    index = new Map();
    for (const f of Object.values(v.functions)) {
      for (const step of f.body) index.set(step.id, { step, fn: f.name, label: null });
      for (const l of f.labels)
        for (const step of l.steps) index.set(step.id, { step, fn: f.name, label: l.name });
    }
    INDEX.set(v, index);
  }
  return index.get(id) ?? null;
}

/** "kvm_ops_update() in kvm_x86_vendor_init()"; null: this step. */
export function stepPhrase(v: VariantDef, id: string | null): string {
  if (!id) return 'this step';
  const at = locateStep(v, id);
  return at ? `${stepName(at.step)} in ${placeWords(at.fn, at.label)}` : id;
}

/** An event's own name: its step's kernel name, or its title (modules, returns, the VM). */
export function eventName(e: TraceEvent, v: VariantDef): string {
  const at = e.stepId ? locateStep(v, e.stepId) : null;
  return at ? stepName(at.step) : e.title;
}

/** An event where it ran: "kmem_cache_create("pte_list_desc") in kvm_mmu_vendor_module_init()". */
export function eventPhrase(e: TraceEvent, v: VariantDef): string {
  const name = eventName(e, v);
  return e.fn && e.stepId ? `${name} in ${placeWords(e.fn, e.label)}` : name;
}

/** A source as a sentence cites it: "arch/x86/kvm/x86.c:11710 in v5.19", "[PATCH 2/4]". */
export function citeSource(src: Source): string {
  if (src.kind === 'kernel') return `${src.file}${src.line ? `:${src.line}` : ''} in ${src.tree}`;
  if (src.kind === 'mail') return /^\[[^\]]+\]/.exec(src.subject)?.[0] ?? sourceLabel(src);
  return 'reconstructed from the review';
}

/** What each fault point makes fail, in the kernel's words. */
export const FAULT_POINT_WORDS: Record<FaultPoint, string> = {
  hardware_setup: 'the vendor’s hardware_setup()',
  'kmem_cache_create:pte_list_desc': 'kmem_cache_create("pte_list_desc")',
  'kmem_cache_create:kvm_mmu_page_header': 'kmem_cache_create("kvm_mmu_page_header")',
  percpu_counter_init: 'percpu_counter_init()',
  register_shrinker: 'register_shrinker()',
};

/** What each finding kind is called where people read it (JSON keeps the kind). */
export const FINDING_WORDS: Record<FindingKind, string> = {
  clobber: 'clobber',
  'stale-read': 'stale read',
  leak: 'leak',
  'double-free': 'double free',
  warn: 'WARN',
  'error-return': 'error return',
  'missing-step': 'missing step',
  'end-state': 'end state',
  'vm-setup': 'VM setup',
};
