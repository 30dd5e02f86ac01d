/**
 * The catalogue: what the kernel's calls and assignments mean in the model. Data only;
 * synthesize.ts applies it. A call that matches no rule stays a plain step under its own
 * name. A rule maps a call (by name, and by its arguments where one name serves several
 * objects) to one of the model's effects (resolved per era by the engine's
 * MODEL_EFFECTS), drops it with a reason, or marks it as a feature test. Calls of other
 * imported functions and through the vendor ops need no rule: they stay calls.
 * docs/importer.md lists the rules in words.
 */
import type { CoreFacts } from '../engine/variants/era';
import type { ModelEffectKey } from '../engine/variants/imported';
import type { Arg, CallItem, Cond } from './ir';

/** An argument that tells one object from another: `"pte_list_desc"`, `&mmu_shrinker`, `0`. */
export interface ArgPattern {
  at: number;
  kind: 'string' | 'ident' | 'addr' | 'number';
  value: string;
}

/** What the presence of a call or assignment says about one of the era's facts. */
export interface Evidence<K extends keyof CoreFacts = keyof CoreFacts> {
  fact: K;
  value: CoreFacts[K];
}

export type CallMeaning =
  /** One of the model's effects; `absorbsGuards`: the effect itself models the condition around the call. */
  | { effect: ModelEffectKey; absorbsGuards?: true }
  /** Not a step: the reason says why it changes nothing the model shows. */
  | { omit: 'logging' | 'compile-time' | 'value' | 'covered' }
  /** A feature test: part of a condition, never a step; an error edge it gets is the host check's. */
  | { predicate: true };

export interface CallRule {
  /** The callee, or a prefix ending in "*". `@name` is a call through the vendor ops. */
  callee: string;
  args?: ArgPattern[];
  means: CallMeaning;
  evidence?: Evidence;
  why: string;
}

const effect = (
  key: ModelEffectKey,
  why: string,
  o: Pick<CallRule, 'callee' | 'args' | 'evidence'> & { absorbsGuards?: true },
): CallRule => ({
  callee: o.callee,
  ...(o.args ? { args: o.args } : {}),
  means: { effect: key, ...(o.absorbsGuards ? { absorbsGuards: true as const } : {}) },
  ...(o.evidence ? { evidence: o.evidence } : {}),
  why,
});

const omit = (
  reason: 'logging' | 'compile-time' | 'value' | 'covered',
  why: string,
  callees: string[],
): CallRule[] => callees.map((callee) => ({ callee, means: { omit: reason }, why }));

const arg = (at: number, kind: ArgPattern['kind'], value: string): ArgPattern => ({
  at,
  kind,
  value,
});

export const CALL_RULES: readonly CallRule[] = [
  effect(
    'nx_huge_pages_resolve',
    'resolves nx_huge_pages=auto at kvm.ko load; the effect tests for "auto" itself',
    { callee: '__set_nx_huge_pages', absorbsGuards: true },
  ),
  effect('maxphyaddr_snapshot', 'records MAXPHYADDR once at kvm.ko load', {
    callee: 'kvm_get_host_maxphyaddr',
    evidence: { fact: 'physSource', value: 'kvm_host.maxphyaddr' },
  }),
  effect('kmem_cache_create:pte_list_desc', 'the rmap descriptor cache', {
    callee: 'kmem_cache_create',
    args: [arg(0, 'string', 'pte_list_desc')],
    evidence: { fact: 'pteListDescCache', value: 'kmem_cache_create' },
  }),
  effect('kmem_cache_create:pte_list_desc', 'the rmap descriptor cache, by the struct’s name', {
    callee: 'KMEM_CACHE',
    args: [arg(0, 'ident', 'pte_list_desc')],
    evidence: { fact: 'pteListDescCache', value: 'KMEM_CACHE' },
  }),
  effect('kmem_cache_create:kvm_mmu_page_header', 'the shadow page header cache', {
    callee: 'kmem_cache_create',
    args: [arg(0, 'string', 'kvm_mmu_page_header')],
  }),
  effect('kmem_cache_destroy:pte_list_desc', 'destroys the rmap descriptor cache', {
    callee: 'kmem_cache_destroy',
    args: [arg(0, 'ident', 'pte_list_desc_cache')],
  }),
  effect('kmem_cache_destroy:kvm_mmu_page_header', 'destroys the page header cache', {
    callee: 'kmem_cache_destroy',
    args: [arg(0, 'ident', 'mmu_page_header_cache')],
  }),
  effect('percpu_counter_init', 'the count of shadow pages in use', {
    callee: 'percpu_counter_init',
    args: [arg(0, 'addr', 'kvm_total_used_mmu_pages')],
    evidence: { fact: 'percpuCounter', value: true },
  }),
  effect('percpu_counter_destroy', 'frees that count', {
    callee: 'percpu_counter_destroy',
    args: [arg(0, 'addr', 'kvm_total_used_mmu_pages')],
  }),
  effect('register_shrinker', 'the MMU shrinker, registered in one call', {
    callee: 'register_shrinker',
    args: [arg(0, 'addr', 'mmu_shrinker')],
    evidence: { fact: 'shrinker', value: 'register_shrinker' },
  }),
  effect('register_shrinker', 'the MMU shrinker, allocated (the call that can fail)', {
    callee: 'shrinker_alloc',
    args: [arg(1, 'string', 'x86-mmu')],
    evidence: { fact: 'shrinker', value: 'shrinker_alloc' },
  }),
  {
    callee: 'shrinker_register',
    args: [arg(0, 'ident', 'mmu_shrinker')],
    means: { omit: 'covered' },
    why: 'cannot fail; the shrinker_alloc() step stands for allocation and registration',
  },
  effect('unregister_shrinker', 'removes the MMU shrinker', {
    callee: 'unregister_shrinker',
    args: [arg(0, 'addr', 'mmu_shrinker')],
  }),
  effect('unregister_shrinker', 'frees the MMU shrinker', {
    callee: 'shrinker_free',
    args: [arg(0, 'ident', 'mmu_shrinker')],
  }),
  effect('ops_update', 'installs the vendor’s runtime ops', { callee: 'kvm_ops_update' }),
  effect('set_me_spte_mask:vmx', 'VMX’s KeyID bits (value 0, a mask)', {
    callee: 'kvm_mmu_set_me_spte_mask',
    args: [arg(0, 'number', '0')],
  }),
  effect('set_me_spte_mask:svm', 'SVM’s C-bit as value and mask', {
    callee: 'kvm_mmu_set_me_spte_mask',
    args: [arg(0, 'ident', 'sme_me_mask')],
  }),
  effect('hardware_setup_tail:vmx', 'VMX’s last setup step that can fail (VMXON regions)', {
    callee: 'alloc_kvm_area',
  }),
  effect('hardware_setup_tail:svm', 'SVM’s last setup step that can fail (per-CPU areas)', {
    callee: 'svm_cpu_init',
  }),
  ...omit('logging', 'prints; changes no state', [
    'pr_*',
    'printk',
    'WARN',
    'WARN_ON',
    'WARN_ON_ONCE',
    'WARN_ONCE',
  ]),
  ...omit('compile-time', 'checked when the kernel is built', ['BUILD_BUG_ON']),
  ...omit('value', 'computes a value; its use is what the model shows', [
    'rsvd_bits',
    'BIT',
    'BIT_ULL',
    'GENMASK',
    'GENMASK_ULL',
    'min',
    'max',
    'get_order',
  ]),
  ...[
    'boot_cpu_has',
    'boot_cpu_has_bug',
    'static_cpu_has',
    'cpu_feature_enabled',
    'kvm_cpu_cap_has',
    'cpu_has_*',
    'kvm_is_vmx_supported',
    'kvm_is_svm_supported',
    'IS_ENABLED',
    'IS_BUILTIN',
    'hypervisor_is_type',
    '@cpu_has_kvm_support',
    '@disabled_by_bios',
  ].map((callee): CallRule => ({
    callee,
    means: { predicate: true },
    why: 'a CPU or build feature test; the model’s host has every feature KVM asks for',
  })),
];

function matchesArg(a: Arg | undefined, p: ArgPattern): boolean {
  if (!a || a.kind !== p.kind) return false;
  return (
    (a.kind === 'string' || a.kind === 'number' ? a.value : (a as { name: string }).name) ===
    p.value
  );
}

const nameMatches = (pattern: string, name: string): boolean =>
  pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;

/** The first rule for a call, or undefined: then it stays a plain step (or a call). */
export const ruleFor = (c: Pick<CallItem, 'callee' | 'args'>): CallRule | undefined =>
  CALL_RULES.find(
    (r) =>
      nameMatches(r.callee, c.callee) && (r.args ?? []).every((p) => matchesArg(c.args[p.at], p)),
  );

/** An assignment to a watched global that the model shows as an effect. */
export interface AssignRule {
  target: string;
  /** 'cleared': only when the value is 0, false or NULL. */
  value: 'cleared' | 'any';
  effect: ModelEffectKey;
  /** 'last': one step, at the last such assignment in the function (where the decision is final). */
  placement: 'last' | 'each';
  evidence?: Evidence;
  why: string;
}

export const ASSIGN_RULES: readonly AssignRule[] = [
  {
    target: 'enable_ept',
    value: 'cleared',
    effect: 'vmx_decide_ept',
    placement: 'last',
    why: 'VMX turns EPT off when the CPU lacks what KVM needs',
  },
  {
    target: 'enable_ept_ad_bits',
    value: 'cleared',
    effect: 'vmx_decide_ept_ad',
    placement: 'last',
    why: 'VMX turns EPT A/D bits off without EPT or the capability',
  },
  {
    target: 'npt_enabled',
    value: 'cleared',
    effect: 'svm_decide_npt',
    placement: 'last',
    why: 'SVM turns NPT off without the capability',
  },
  {
    target: 'allow_mmio_caching',
    value: 'any',
    effect: 'mmio_caching_snapshot',
    placement: 'each',
    evidence: { fact: 'mmioReevaluate', value: true },
    why: 'kvm.ko snapshots the mmio_caching param',
  },
  {
    target: 'tdp_mmu_allowed',
    value: 'any',
    effect: 'tdp_mmu_allowed_snapshot',
    placement: 'each',
    evidence: { fact: 'tdpMmuGlobal', value: true },
    why: 'kvm.ko snapshots the tdp_mmu param',
  },
  ...(
    [
      ['pte_list_desc_cache', 'cache_pointer_clear:pte_list_desc'],
      ['mmu_page_header_cache', 'cache_pointer_clear:kvm_mmu_page_header'],
    ] as const
  ).map(([target, effect]): AssignRule => ({
    target,
    value: 'cleared',
    effect,
    placement: 'each',
    why: 'the cache pointer is cleared after its destroy (not in mainline up to v7.1)',
  })),
  ...(['hardware_enable', 'enable_virtualization_cpu'] as const).map((field): AssignRule => ({
    target: `kvm_x86_ops.${field}`,
    value: 'cleared',
    effect: 'ops_clear',
    placement: 'each',
    evidence: { fact: 'opsField', value: field },
    why: 'marks no vendor as loaded',
  })),
];

const CLEARED = new Set(['0', 'false', 'NULL']);
const isCleared = (c: Cond): boolean =>
  (c.kind === 'number' && CLEARED.has(c.value)) || (c.kind === 'ident' && CLEARED.has(c.name));

export const assignRuleFor = (target: string, value: Cond): AssignRule | undefined =>
  ASSIGN_RULES.find((r) => r.target === target && (r.value === 'any' || isCleared(value)));

/** `if (kvm_x86_ops.<field>) return -EEXIST`: the one-vendor-at-a-time check. */
export const VENDOR_EXCLUSIVE = {
  fields: ['hardware_enable', 'enable_virtualization_cpu'] as const,
  errno: 'EEXIST',
  effect: 'vendor_exclusive_check' satisfies ModelEffectKey,
} as const;

/** Functions whose steps are the model's own (the engine's MODEL_BODIES): their C is not read. */
export const MODEL_OWNED: Readonly<Record<string, string>> = {
  kvm_mmu_reset_all_pte_masks: 'assigns every shadow_* mask its default (spte.c)',
  kvm_mmu_set_ept_masks: 'assigns the EPT values of the masks (spte.c)',
  kvm_configure_mmu: 'assigns tdp_enabled, the root levels and the huge page level (mmu.c)',
  svm_adjust_mmio_mask: 'computes the MMIO mask above the encryption bits (svm.c)',
  sev_hardware_setup: 'decides SEV and SEV-ES from CPUID and the MMU’s decisions (sev.c)',
};

/** Config globals a guard may test: `if (enable_ept) f()` becomes `when: enable_ept`. */
export const KNOWN_GUARDS: ReadonlySet<string> = new Set([
  'enable_ept',
  'enable_ept_ad_bits',
  'npt_enabled',
  'enable_tdx',
  'tdp_enabled',
  'tdp_mmu_enabled',
  'enable_mmio_caching',
  'sev_es_enabled',
]);

/** Preprocessor conditions the model takes as true: it models x86-64 only. */
export const KNOWN_TRUE_CONFIG: ReadonlySet<string> = new Set(['CONFIG_X86_64']);

/** Where each vendor module starts and stops, first match wins. */
export const MODULE_ENTRIES = {
  kvm: [['kvm_x86_init', 'kvm_x86_exit']],
  intel: [
    ['vt_init', 'vt_exit'],
    ['vmx_init', 'vmx_exit'],
  ],
  amd: [['svm_init', 'svm_exit']],
} as const;
