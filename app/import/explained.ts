/**
 * Drift the model explains: each entry names the imports it applies to, the item it
 * matches, why the difference is right, and where that was read. docs/kernel-model.md
 * ("v6.1 and v6.12") cites this table; `mmu import --check` fails on any item no entry
 * explains.
 */
import type { DriftItem, DriftKind } from './drift';

export interface Explanation {
  reason: string;
  /** Where the difference was read: a file:line in a tree, a commit, or a doc section. */
  source: string;
}

export interface ExplainedDrift extends Explanation {
  /** The imports it applies to, by version ("6.1.192" matches /^6\.1\./). */
  version: RegExp;
  kind: DriftKind;
  /** The item's step as the drift report names it, or '*' for any step the detail matches. */
  what: string;
  /** A part of the item's detail that must match ("was kvm_arch_init"). */
  detail?: string;
}

const V6_1 = /^6\.1\./;
const V6_12 = /^6\.12\./;

/** 6.1's stable hybrid (docs/kernel-model.md, "v6.1 and v6.12"; kernel-facts.md 2c). */
const HYBRID = {
  reason:
    'The 6.1 stable hybrid: vmx_init() and svm_init() call kvm_x86_vendor_init() first, which holds v6.0’s kvm_arch_init() body (the one-vendor check, the MMU’s vendor-load init); kvm_arch_init() is an empty stub, and kvm_init() runs last.',
  source: 'v6.1.192 x86.c:9439, x86.c:9449, vmx.c:8640, vmx.c:8679, svm.c:5227, svm.c:5235',
};
const HYBRID_EXIT = {
  reason:
    'The 6.1 stable hybrid: the vendor unload calls kvm_x86_vendor_exit() (v6.0’s kvm_arch_exit() body: the ops clear, the MMU’s vendor-load exit) after kvm_exit(), and VMX’s own cleanup __vmx_exit() last; the load’s error labels undo the same.',
  source:
    'v6.1.192 x86.c:9542, x86.c:9559–9560, vmx.c:8597–8599, vmx.c:8686–8689, svm.c:5243, svm.c:5250',
};
const LEAK_FIX = {
  reason:
    'The percpu-counter leak is fixed in 6.1: a failed register_shrinker() goes to out_shrinker, which destroys the counter before the caches.',
  source: 'v6.1.192 mmu.c:6776, mmu.c:6780–6781',
};

/** Debian's trees clear the cache pointers after the destroy; mainline up to v7.1 does not. */
const CLEARED = (version: RegExp, source: string): ExplainedDrift[] =>
  ['cache_pointer_clear:pte_list_desc', 'cache_pointer_clear:kvm_mmu_page_header'].map((what) => ({
    version,
    kind: 'added',
    what,
    reason:
      'mmu_destroy_caches() sets each cache pointer to NULL after destroying it, so a failed reload no longer destroys a stale cache; mainline (v5.19 … v7.1, read in the hand-written variants’ trees) does not.',
    source,
  }));

export const EXPLAINED: readonly ExplainedDrift[] = [
  ...CLEARED(/^6\.1\./, 'v6.1.192 mmu.c:6651, mmu.c:6653'),
  ...CLEARED(/^6\.12\./, 'v6.12.118 mmu.c:7290, mmu.c:7292'),
  { version: V6_1, kind: 'added', what: 'kvm_x86_vendor_init()', ...HYBRID },
  { version: V6_1, kind: 'moved', what: 'kvm_init()', ...HYBRID },
  {
    version: V6_1,
    kind: 'moved',
    what: 'vendor_exclusive_check',
    detail: 'was kvm_arch_init)',
    ...HYBRID,
  },
  {
    version: V6_1,
    kind: 'moved',
    what: 'kvm_mmu_vendor_module_init()',
    detail: 'was kvm_arch_init)',
    ...HYBRID,
  },
  { version: V6_1, kind: 'added', what: 'kvm_x86_vendor_exit()', ...HYBRID_EXIT },
  { version: V6_1, kind: 'added', what: '__vmx_exit()', ...HYBRID_EXIT },
  { version: V6_1, kind: 'moved', what: 'ops_clear', detail: 'was kvm_arch_exit)', ...HYBRID_EXIT },
  {
    version: V6_1,
    kind: 'moved',
    what: 'kvm_mmu_vendor_module_exit()',
    detail: 'was kvm_arch_exit)',
    ...HYBRID_EXIT,
  },
  {
    version: V6_1,
    kind: 'edge',
    what: 'register_shrinker',
    detail: 'out_shrinker (was out)',
    ...LEAK_FIX,
  },
  { version: V6_1, kind: 'added', what: 'percpu_counter_destroy', ...LEAK_FIX },
  {
    version: V6_12,
    kind: 'added',
    what: 'maxphyaddr_snapshot',
    reason:
      'MAXPHYADDR is read once at kvm.ko load into kvm_host.maxphyaddr (CHANGES.hostMaxphyaddr).',
    source: 'v6.12.118 spte.c:77',
  },
  {
    version: V6_12,
    kind: 'removed',
    what: 'shadow_phys_bits_probe',
    reason:
      'shadow_phys_bits is gone: the mask reset reads kvm_host.maxphyaddr (CHANGES.hostMaxphyaddr).',
    source: 'v6.12.118 spte.c:517',
  },
  {
    version: V6_12,
    kind: 'removed',
    what: '__kvm_x86_vendor_init()',
    reason:
      'kvm_x86_vendor_init() holds vendor_module_lock with guard(mutex); __kvm_x86_vendor_init() is folded into it (CHANGES.lockGuard).',
    source: 'v6.12.118 x86.c:9271, x86.c:9276',
  },
  {
    version: V6_12,
    kind: 'moved',
    what: '*',
    detail: '(was __kvm_x86_vendor_init',
    reason:
      'The same steps, now in kvm_x86_vendor_init(): __kvm_x86_vendor_init() is folded into it (CHANGES.lockGuard).',
    source: 'v6.12.118 x86.c:9271',
  },
  {
    version: V6_12,
    kind: 'moved',
    what: '*',
    detail: '(was hardware_setup)',
    reason:
      'VMX’s hardware_setup() is named vmx_hardware_setup(); its steps are unchanged (CHANGES.vmxMainC).',
    source: 'v6.12.118 vmx.c:8401, vmx/main.c:166',
  },
  {
    version: V6_12,
    kind: 'moved',
    what: '__vmx_exit()',
    detail: 'now after kvm_exit()',
    reason:
      'vmx_exit() runs VMX’s own cleanup before kvm_x86_vendor_exit(), no longer after it (v6.6.87 vmx.c:8683 has the older order); neither order touches MMU state.',
    source: 'v6.12.118 vmx.c:8626–8630',
  },
];

export function explain(version: string, item: DriftItem): Explanation | null {
  const hit = EXPLAINED.find(
    (e) =>
      e.version.test(version) &&
      e.kind === item.kind &&
      (e.what === '*' || e.what === item.what) &&
      (e.detail === undefined || item.detail.includes(e.detail)),
  );
  return hit ? { reason: hit.reason, source: hit.source } : null;
}
