/**
 * How the model's steps show in a function_graph trace of a real kernel: which kernel
 * function each step is a call to, the names one function goes by across releases, and the
 * one list of functions the model expects that a trace cannot show (inlined or notrace).
 * docs/ground-truth.md explains each entry; the ground-truth tests check them against the
 * kernel that scripts/kernel-truth.sh boots.
 */
import { findStep } from '../edits';
import type { Effect } from '../effects/types';
import type { TraceEvent } from '../run/trace';
import { opSlug } from '../variants/dsl';
import { calleesOf, stepsOf } from '../variants/graph';
import type { StepDef, VariantDef } from '../variants/types';

/** A call a step stands for, with the calls inside it that a trace would show nested. */
export interface KernelCall {
  name: string;
  inner?: KernelCall[];
}

const kc = (name: string, ...inner: KernelCall[]): KernelCall =>
  inner.length ? { name, inner } : { name };

/**
 * Notes (steps the model shows but does not track) that are calls a trace shows, by the
 * note's step name. Only calls to functions the model otherwise knows, or that place those
 * calls, are listed: a kmem cache the note creates, the unwind's frees, the CPU checks.
 */
export const NOTE_CALLS: Readonly<Record<string, readonly KernelCall[]>> = {
  kvm_is_svm_supported: [kc('kvm_is_svm_supported', kc('__kvm_is_svm_supported'))],
  x86_emulator_cache_kvm_alloc_emulator_cache: [
    kc('kvm_alloc_emulator_cache', kc('kmem_cache_create')),
  ],
  /** kmem_cache_destroy(x86_emulator_cache) */
  kmem_cache_destroy: [kc('kmem_cache_destroy')],
  /** free_percpu(user_return_msrs) */
  free_percpu: [kc('free_percpu')],
  kvm_x86_check_cpu_compat_on_every_CPU: [kc('kvm_x86_check_cpu_compat')],
  svm_hv_hardware_setup: [kc('svm_hv_hardware_setup')],
  /** kvm_init(): the "kvm_vcpu" cache is the one kmem cache it creates. */
  kvm_vcpu_cache_kick_masks_irqfd_async_PF_debugfs: [
    kc('kmem_cache_create'),
    kc('kvm_irqfd_init'),
    kc('kvm_async_pf_init'),
  ],
  misc_register: [kc('misc_register')],
  // The same calls as trees imported from C name them (v6.1, v6.12: one plain step per call).
  kvm_alloc_emulator_cache: [kc('kvm_alloc_emulator_cache', kc('kmem_cache_create'))],
  /** smp_call_function_single(cpu, kvm_x86_check_cpu_compat, …), once per CPU */
  smp_call_function_single: [kc('kvm_x86_check_cpu_compat')],
  /** kmem_cache_create_usercopy("kvm_vcpu", …) in kvm_init() */
  kmem_cache_create_usercopy: [kc('kmem_cache_create')],
  kvm_irqfd_init: [kc('kvm_irqfd_init')],
  kvm_async_pf_init: [kc('kvm_async_pf_init')],
};

/**
 * Effects the kernel still calls when the model's effect does nothing: destroying a NULL
 * cache, an uninitialised counter or an unregistered shrinker is a call that returns.
 */
const CALLED_AS_NO_OP = new Set<Effect['kind']>([
  'kmem_cache_destroy',
  'percpu_counter_destroy',
  'unregister_shrinker',
]);

/**
 * The kernel calls an effect is; [] for effects that are the body of a modelled function.
 * `noOp`: the model's effect changed nothing (a destroy of something that was never set up).
 */
export function effectCalls(e: Effect, noOp = false): readonly KernelCall[] {
  switch (e.kind) {
    case 'kmem_cache_create':
      return [kc('kmem_cache_create')];
    case 'kmem_cache_destroy':
      return [kc('kmem_cache_destroy')];
    case 'set_mmio_spte_mask':
      return [kc('kvm_mmu_set_mmio_spte_mask')];
    case 'set_me_spte_mask':
      return [kc('kvm_mmu_set_me_spte_mask')];
    case 'percpu_counter_init':
      return [kc('__percpu_counter_init_many')];
    case 'percpu_counter_destroy':
      // It frees the counter's per-CPU storage, unless it never got any.
      return [
        noOp
          ? kc('percpu_counter_destroy_many')
          : kc('percpu_counter_destroy_many', kc('free_percpu')),
      ];
    case 'register_shrinker':
      return e.api === 'register_shrinker'
        ? [kc('register_shrinker')]
        : [kc('shrinker_alloc'), kc('shrinker_register')];
    case 'unregister_shrinker':
      return [kc(e.api)];
    case 'ops_update':
      return [kc('kvm_ops_update')];
    case 'note':
      return NOTE_CALLS[opSlug({ effect: e })] ?? [];
    default:
      return [];
  }
}

/**
 * The same kernel action under another name, trace name → model name: in 6.12
 * kmem_cache_create() is a macro for __kmem_cache_create_args(); before it, the emulator's
 * cache came from kmem_cache_create_usercopy(); v6.6's percpu counter calls are the _many
 * forms since v6.6 (before: __percpu_counter_init and percpu_counter_destroy).
 */
export const ALIASES: Readonly<Record<string, string>> = {
  __kmem_cache_create_args: 'kmem_cache_create',
  kmem_cache_create_usercopy: 'kmem_cache_create',
  __percpu_counter_init: '__percpu_counter_init_many',
  percpu_counter_destroy: 'percpu_counter_destroy_many',
};

/** The model's name for a traced function: compiler clone suffixes (.isra.0, .cold) dropped. */
export const modelName = (traced: string): string => {
  const base = traced.replace(/\..*$/, '');
  return ALIASES[base] ?? base;
};

/** Functions outside the KVM modules that the model's steps call: a capture filters on them. */
export const CORE_FUNCTIONS: readonly string[] = [
  'kmem_cache_create',
  'kmem_cache_destroy',
  'free_percpu',
  '__percpu_counter_init_many',
  'percpu_counter_destroy_many',
  'register_shrinker',
  'unregister_shrinker',
  'shrinker_alloc',
  'shrinker_register',
  'shrinker_free',
  'misc_register',
];

/** CORE_FUNCTIONS under every name a kernel may trace them by (for set_ftrace_filter). */
export const coreTraceNames = (): string[] => [
  ...CORE_FUNCTIONS,
  ...Object.keys(ALIASES).filter((a) => CORE_FUNCTIONS.includes(ALIASES[a]!)),
];

export type Invisibility = 'inlined' | 'notrace';

export interface NotTraceable {
  name: string;
  why: Invisibility;
  /** Why, in a few words, for the report. */
  detail: string;
}

/**
 * THE list of functions the model expects that a function_graph trace of Debian's 6.12
 * build cannot show. Nothing else absent from a trace is excused. A name in this list that
 * a capture does show (another build, another compiler) is compared like any other.
 */
export const NOT_TRACEABLE: readonly NotTraceable[] = [
  {
    name: '__kvm_x86_vendor_init',
    why: 'inlined',
    detail: 'static, called once by kvm_x86_vendor_init()',
  },
  {
    name: 'kvm_ops_update',
    why: 'inlined',
    detail: 'static, called once; its kvm_pmu_ops_update() is traced',
  },
  {
    name: 'svm_adjust_mmio_mask',
    why: 'inlined',
    detail: 'static, called once by svm_hardware_setup()',
  },
  {
    name: 'mmu_destroy_caches',
    why: 'inlined',
    detail: 'static; its two kmem_cache_destroy() calls are traced',
  },
  {
    name: 'kvm_alloc_emulator_cache',
    why: 'inlined',
    detail: 'static, called once; its kmem cache creation is traced',
  },
  {
    name: 'kvm_is_svm_supported',
    why: 'inlined',
    detail: 'static; the __kvm_is_svm_supported() it calls is traced',
  },
  { name: 'svm_hv_hardware_setup', why: 'inlined', detail: 'a static inline in svm_onhyperv.h' },
  {
    name: '__percpu_counter_init_many',
    why: 'notrace',
    detail: 'out of line (kvm.ko calls it), but set_ftrace_filter refuses it',
  },
  {
    name: 'percpu_counter_destroy_many',
    why: 'notrace',
    detail: 'out of line (kvm.ko calls it), but set_ftrace_filter refuses it',
  },
];

export const notTraceable = (name: string): NotTraceable | undefined =>
  NOT_TRACEABLE.find((n) => n.name === name);

/** Whether a step's event stands for calls the kernel made: a `when` skip ran nothing. */
export function eventCalls(v: VariantDef, e: TraceEvent): readonly KernelCall[] {
  if (!e.stepId || (e.kind !== 'effect' && e.kind !== 'skip')) return [];
  const step = findStep(v, e.stepId)?.step;
  if (!step || 'call' in step.op) return [];
  if (e.kind === 'skip' && (step.when || !CALLED_AS_NO_OP.has(step.op.effect.kind))) return [];
  return effectCalls(step.op.effect, e.kind === 'skip');
}

/**
 * What the model can say about a trace of `variant`: every function name it could show, and
 * which calls it knows inside each. Inside a function it defines it knows every call; inside
 * a call a step stands for, only the calls listed with it (a kmem cache creation inside
 * kvm_alloc_emulator_cache()); what a core function like kmem_cache_destroy() calls is the
 * kernel's business, not the model's.
 */
export interface KnownCalls {
  names: Set<string>;
  defined: Set<string>;
  inner: Map<string, Set<string>>;
}

export function knownCalls(v: VariantDef): KnownCalls {
  const known: KnownCalls = {
    names: new Set(),
    defined: new Set(Object.keys(v.functions)),
    inner: new Map(),
  };
  const add = (cs: readonly KernelCall[]) => {
    for (const c of cs) {
      known.names.add(c.name);
      if (!c.inner) continue;
      const inner = known.inner.get(c.name) ?? new Set<string>();
      for (const i of c.inner) inner.add(i.name);
      known.inner.set(c.name, inner);
      add(c.inner);
    }
  };
  for (const f of Object.values(v.functions)) {
    known.names.add(f.name);
    for (const s of stepsOf(f, true) as StepDef[])
      if ('call' in s.op) for (const c of calleesOf(v, s)) known.names.add(c);
      else add(effectCalls(s.op.effect));
  }
  return known;
}
