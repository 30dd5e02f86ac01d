/**
 * Where each modelled function lives in the trees the facts were read from
 * (kernel-facts.md §0): file and line of its definition, for links to
 * elixir.bootlin.com. Numbers only; the source text stays upstream.
 */
import { own } from '../own';
import V6_1_LINES from './trees/v6.1.lines.json' with { type: 'json' };
import V6_12_LINES from './trees/v6.12.lines.json' with { type: 'json' };
type LineTable = Readonly<Record<string, readonly [file: string, line: number]>>;

/** A line table the importer wrote (variants/trees/*.lines.json), checked for its shape. */
function importedLines(json: Record<string, unknown>): LineTable {
  for (const [name, at] of Object.entries(json))
    if (!Array.isArray(at) || typeof at[0] !== 'string' || typeof at[1] !== 'number')
      throw new Error(`line table: ${name} is not [file, line]`);
  return json as LineTable;
}

/** One table per tree; a tree is modelled once it has one (its key is the elixir tag). */
export const DEFINITIONS = {
  'v5.19': {
    kvm_x86_init: ['arch/x86/kvm/x86.c', 13119],
    kvm_x86_exit: ['arch/x86/kvm/x86.c', 13126],
    kvm_mmu_x86_module_init: ['arch/x86/kvm/mmu/mmu.c', 6278],
    kvm_arch_init: ['arch/x86/kvm/x86.c', 8952],
    kvm_arch_exit: ['arch/x86/kvm/x86.c', 9038],
    kvm_arch_hardware_setup: ['arch/x86/kvm/x86.c', 11710],
    kvm_arch_hardware_unsetup: ['arch/x86/kvm/x86.c', 11751],
    kvm_init: ['virt/kvm/kvm_main.c', 5701],
    kvm_exit: ['virt/kvm/kvm_main.c', 5816],
    kvm_mmu_vendor_module_init: ['arch/x86/kvm/mmu/mmu.c', 6289],
    kvm_mmu_vendor_module_exit: ['arch/x86/kvm/mmu/mmu.c', 6339],
    kvm_mmu_reset_all_pte_masks: ['arch/x86/kvm/mmu/spte.c', 405],
    kvm_mmu_set_mmio_spte_mask: ['arch/x86/kvm/mmu/spte.c', 335],
    kvm_mmu_set_me_spte_mask: ['arch/x86/kvm/mmu/spte.c', 373],
    kvm_mmu_set_ept_masks: ['arch/x86/kvm/mmu/spte.c', 384],
    kvm_configure_mmu: ['arch/x86/kvm/mmu/mmu.c', 5510],
    mmu_destroy_caches: ['arch/x86/kvm/mmu/mmu.c', 6222],
    vmx_init: ['arch/x86/kvm/vmx/vmx.c', 8248],
    vmx_exit: ['arch/x86/kvm/vmx/vmx.c', 8210],
    hardware_setup: ['arch/x86/kvm/vmx/vmx.c', 8007],
    vmx_hardware_unsetup: ['arch/x86/kvm/vmx/vmx.c', 7783],
    vmx_setup_me_spte_mask: ['arch/x86/kvm/vmx/vmx.c', 7980],
    svm_init: ['arch/x86/kvm/svm/svm.c', 5001],
    svm_exit: ['arch/x86/kvm/svm/svm.c', 5009],
    svm_hardware_setup: ['arch/x86/kvm/svm/svm.c', 4823],
    svm_hardware_unsetup: ['arch/x86/kvm/svm/svm.c', 960],
    svm_adjust_mmio_mask: ['arch/x86/kvm/svm/svm.c', 4737],
    sev_hardware_setup: ['arch/x86/kvm/svm/sev.c', 2162],
    pte_list_add: ['arch/x86/kvm/mmu/mmu.c', 858],
    pte_list_remove: ['arch/x86/kvm/mmu/mmu.c', 952],
    rmap_add: ['arch/x86/kvm/mmu/mmu.c', 1582],
    mmu_topup_memory_caches: ['arch/x86/kvm/mmu/mmu.c', 671],
    kvm_create_vm: ['virt/kvm/kvm_main.c', 1069],
    kvm_destroy_vm: ['virt/kvm/kvm_main.c', 1213],
    pte_list_destroy: ['arch/x86/kvm/mmu/mmu.c', 960],
    kvm_mmu_create: ['arch/x86/kvm/mmu/mmu.c', 5647],
    mmu_free_memory_caches: ['arch/x86/kvm/mmu/mmu.c', 694],
  },
  'v6.0.19': {
    kvm_x86_init: ['arch/x86/kvm/x86.c', 13517],
    kvm_x86_exit: ['arch/x86/kvm/x86.c', 13524],
    kvm_mmu_x86_module_init: ['arch/x86/kvm/mmu/mmu.c', 6662],
    kvm_mmu_spte_module_init: ['arch/x86/kvm/mmu/spte.c', 48],
    kvm_arch_init: ['arch/x86/kvm/x86.c', 9240],
    kvm_arch_exit: ['arch/x86/kvm/x86.c', 9333],
    kvm_arch_hardware_setup: ['arch/x86/kvm/x86.c', 12060],
    kvm_arch_hardware_unsetup: ['arch/x86/kvm/x86.c', 12103],
    kvm_init: ['virt/kvm/kvm_main.c', 5824],
    kvm_exit: ['virt/kvm/kvm_main.c', 5939],
    kvm_mmu_vendor_module_init: ['arch/x86/kvm/mmu/mmu.c', 6675],
    kvm_mmu_vendor_module_exit: ['arch/x86/kvm/mmu/mmu.c', 6725],
    kvm_mmu_reset_all_pte_masks: ['arch/x86/kvm/mmu/spte.c', 443],
    kvm_mmu_set_mmio_spte_mask: ['arch/x86/kvm/mmu/spte.c', 352],
    kvm_mmu_set_me_spte_mask: ['arch/x86/kvm/mmu/spte.c', 404],
    kvm_mmu_set_ept_masks: ['arch/x86/kvm/mmu/spte.c', 415],
    kvm_configure_mmu: ['arch/x86/kvm/mmu/mmu.c', 5661],
    mmu_destroy_caches: ['arch/x86/kvm/mmu/mmu.c', 6604],
    vmx_init: ['arch/x86/kvm/vmx/vmx.c', 8481],
    vmx_exit: ['arch/x86/kvm/vmx/vmx.c', 8443],
    hardware_setup: ['arch/x86/kvm/vmx/vmx.c', 8230],
    vmx_hardware_unsetup: ['arch/x86/kvm/vmx/vmx.c', 7997],
    vmx_setup_me_spte_mask: ['arch/x86/kvm/vmx/vmx.c', 8203],
    svm_init: ['arch/x86/kvm/svm/svm.c', 5084],
    svm_exit: ['arch/x86/kvm/svm/svm.c', 5092],
    svm_hardware_setup: ['arch/x86/kvm/svm/svm.c', 4910],
    svm_hardware_unsetup: ['arch/x86/kvm/svm/svm.c', 1054],
    svm_adjust_mmio_mask: ['arch/x86/kvm/svm/svm.c', 4824],
    sev_hardware_setup: ['arch/x86/kvm/svm/sev.c', 2163],
    pte_list_add: ['arch/x86/kvm/mmu/mmu.c', 866],
    pte_list_remove: ['arch/x86/kvm/mmu/mmu.c', 924],
    rmap_add: ['arch/x86/kvm/mmu/mmu.c', 1608],
    __rmap_add: ['arch/x86/kvm/mmu/mmu.c', 1583],
    mmu_topup_memory_caches: ['arch/x86/kvm/mmu/mmu.c', 645],
    kvm_create_vm: ['virt/kvm/kvm_main.c', 1129],
    kvm_destroy_vm: ['virt/kvm/kvm_main.c', 1282],
    kvm_zap_all_rmap_sptes: ['arch/x86/kvm/mmu/mmu.c', 968],
    kvm_mmu_create: ['arch/x86/kvm/mmu/mmu.c', 5798],
    mmu_free_memory_caches: ['arch/x86/kvm/mmu/mmu.c', 668],
  },
  'v6.6.87': {
    kvm_x86_init: ['arch/x86/kvm/x86.c', 13695],
    kvm_x86_exit: ['arch/x86/kvm/x86.c', 13705],
    kvm_mmu_x86_module_init: ['arch/x86/kvm/mmu/mmu.c', 6880],
    kvm_mmu_spte_module_init: ['arch/x86/kvm/mmu/spte.c', 48],
    kvm_x86_vendor_init: ['arch/x86/kvm/x86.c', 9602],
    __kvm_x86_vendor_init: ['arch/x86/kvm/x86.c', 9467],
    kvm_x86_vendor_exit: ['arch/x86/kvm/x86.c', 9614],
    kvm_init: ['virt/kvm/kvm_main.c', 6054],
    kvm_exit: ['virt/kvm/kvm_main.c', 6142],
    kvm_mmu_vendor_module_init: ['arch/x86/kvm/mmu/mmu.c', 6900],
    kvm_mmu_vendor_module_exit: ['arch/x86/kvm/mmu/mmu.c', 6952],
    kvm_mmu_reset_all_pte_masks: ['arch/x86/kvm/mmu/spte.c', 461],
    kvm_mmu_set_mmio_spte_mask: ['arch/x86/kvm/mmu/spte.c', 370],
    kvm_mmu_set_me_spte_mask: ['arch/x86/kvm/mmu/spte.c', 422],
    kvm_mmu_set_ept_masks: ['arch/x86/kvm/mmu/spte.c', 433],
    kvm_configure_mmu: ['arch/x86/kvm/mmu/mmu.c', 5884],
    mmu_destroy_caches: ['arch/x86/kvm/mmu/mmu.c', 6800],
    vmx_init: ['arch/x86/kvm/vmx/vmx.c', 8692],
    vmx_exit: ['arch/x86/kvm/vmx/vmx.c', 8683],
    __vmx_exit: ['arch/x86/kvm/vmx/vmx.c', 8674],
    hardware_setup: ['arch/x86/kvm/vmx/vmx.c', 8464],
    vmx_hardware_unsetup: ['arch/x86/kvm/vmx/vmx.c', 8225],
    vmx_setup_me_spte_mask: ['arch/x86/kvm/vmx/vmx.c', 8437],
    svm_init: ['arch/x86/kvm/svm/svm.c', 5397],
    svm_exit: ['arch/x86/kvm/svm/svm.c', 5428],
    __svm_exit: ['arch/x86/kvm/svm/svm.c', 5390],
    svm_hardware_setup: ['arch/x86/kvm/svm/svm.c', 5209],
    svm_hardware_unsetup: ['arch/x86/kvm/svm/svm.c', 1133],
    svm_adjust_mmio_mask: ['arch/x86/kvm/svm/svm.c', 5103],
    sev_hardware_setup: ['arch/x86/kvm/svm/sev.c', 2201],
    pte_list_add: ['arch/x86/kvm/mmu/mmu.c', 927],
    pte_list_remove: ['arch/x86/kvm/mmu/mmu.c', 1000],
    rmap_add: ['arch/x86/kvm/mmu/mmu.c', 1659],
    __rmap_add: ['arch/x86/kvm/mmu/mmu.c', 1635],
    mmu_topup_memory_caches: ['arch/x86/kvm/mmu/mmu.c', 683],
    kvm_create_vm: ['virt/kvm/kvm_main.c', 1150],
    kvm_destroy_vm: ['virt/kvm/kvm_main.c', 1301],
    kvm_zap_all_rmap_sptes: ['arch/x86/kvm/mmu/mmu.c', 1039],
    kvm_mmu_create: ['arch/x86/kvm/mmu/mmu.c', 6025],
    mmu_free_memory_caches: ['arch/x86/kvm/mmu/mmu.c', 706],
  },
  'v6.19': {
    kvm_x86_init: ['arch/x86/kvm/x86.c', 14411],
    kvm_x86_exit: ['arch/x86/kvm/x86.c', 14421],
    kvm_mmu_x86_module_init: ['arch/x86/kvm/mmu/mmu.c', 7563],
    kvm_mmu_spte_module_init: ['arch/x86/kvm/mmu/spte.c', 67],
    kvm_x86_vendor_init: ['arch/x86/kvm/x86.c', 10016],
    kvm_x86_vendor_exit: ['arch/x86/kvm/x86.c', 10172],
    kvm_init: ['virt/kvm/kvm_main.c', 6498],
    kvm_exit: ['virt/kvm/kvm_main.c', 6585],
    kvm_mmu_vendor_module_init: ['arch/x86/kvm/mmu/mmu.c', 7583],
    kvm_mmu_vendor_module_exit: ['arch/x86/kvm/mmu/mmu.c', 7630],
    kvm_mmu_reset_all_pte_masks: ['arch/x86/kvm/mmu/spte.c', 518],
    kvm_mmu_set_mmio_spte_mask: ['arch/x86/kvm/mmu/spte.c', 423],
    kvm_mmu_set_me_spte_mask: ['arch/x86/kvm/mmu/spte.c', 481],
    kvm_mmu_set_ept_masks: ['arch/x86/kvm/mmu/spte.c', 492],
    kvm_configure_mmu: ['arch/x86/kvm/mmu/mmu.c', 6595],
    mmu_destroy_caches: ['arch/x86/kvm/mmu/mmu.c', 7470],
    vmx_init: ['arch/x86/kvm/vmx/vmx.c', 8723],
    vmx_exit: ['arch/x86/kvm/vmx/vmx.c', 8714],
    vt_init: ['arch/x86/kvm/vmx/main.c', 1037],
    vt_exit: ['arch/x86/kvm/vmx/main.c', 1029],
    vmx_hardware_setup: ['arch/x86/kvm/vmx/vmx.c', 8494],
    vt_hardware_setup: ['arch/x86/kvm/vmx/main.c', 24],
    vmx_hardware_unsetup: ['arch/x86/kvm/vmx/vmx.c', 8370],
    vmx_setup_me_spte_mask: ['arch/x86/kvm/vmx/vmx.c', 8471],
    svm_init: ['arch/x86/kvm/svm/svm.c', 5476],
    svm_exit: ['arch/x86/kvm/svm/svm.c', 5507],
    __svm_exit: ['arch/x86/kvm/svm/svm.c', 5471],
    svm_hardware_setup: ['arch/x86/kvm/svm/svm.c', 5291],
    svm_hardware_unsetup: ['arch/x86/kvm/svm/svm.c', 912],
    svm_adjust_mmio_mask: ['arch/x86/kvm/svm/svm.c', 5168],
    sev_hardware_setup: ['arch/x86/kvm/svm/sev.c', 2992],
    tdx_bringup: ['arch/x86/kvm/vmx/tdx.c', 3509],
    tdx_cleanup: ['arch/x86/kvm/vmx/tdx.c', 3500],
    pte_list_add: ['arch/x86/kvm/mmu/mmu.c', 1007],
    pte_list_remove: ['arch/x86/kvm/mmu/mmu.c', 1087],
    rmap_add: ['arch/x86/kvm/mmu/mmu.c', 1703],
    __rmap_add: ['arch/x86/kvm/mmu/mmu.c', 1679],
    mmu_topup_memory_caches: ['arch/x86/kvm/mmu/mmu.c', 594],
    kvm_create_vm: ['virt/kvm/kvm_main.c', 1115],
    kvm_destroy_vm: ['virt/kvm/kvm_main.c', 1273],
    kvm_zap_all_rmap_sptes: ['arch/x86/kvm/mmu/mmu.c', 1131],
    kvm_mmu_create: ['arch/x86/kvm/mmu/mmu.c', 6684],
    mmu_free_memory_caches: ['arch/x86/kvm/mmu/mmu.c', 623],
  },
  'v7.1.3': {
    kvm_x86_init: ['arch/x86/kvm/x86.c', 14564],
    kvm_x86_exit: ['arch/x86/kvm/x86.c', 14574],
    kvm_mmu_x86_module_init: ['arch/x86/kvm/mmu/mmu.c', 7599],
    kvm_mmu_spte_module_init: ['arch/x86/kvm/mmu/spte.c', 67],
    kvm_x86_vendor_init: ['arch/x86/kvm/x86.c', 10094],
    kvm_x86_vendor_exit: ['arch/x86/kvm/x86.c', 10253],
    kvm_init: ['virt/kvm/kvm_main.c', 6487],
    kvm_exit: ['virt/kvm/kvm_main.c', 6574],
    kvm_mmu_vendor_module_init: ['arch/x86/kvm/mmu/mmu.c', 7619],
    kvm_mmu_vendor_module_exit: ['arch/x86/kvm/mmu/mmu.c', 7666],
    kvm_mmu_reset_all_pte_masks: ['arch/x86/kvm/mmu/spte.c', 518],
    kvm_mmu_set_mmio_spte_mask: ['arch/x86/kvm/mmu/spte.c', 423],
    kvm_mmu_set_me_spte_mask: ['arch/x86/kvm/mmu/spte.c', 481],
    kvm_mmu_set_ept_masks: ['arch/x86/kvm/mmu/spte.c', 492],
    kvm_configure_mmu: ['arch/x86/kvm/mmu/mmu.c', 6620],
    mmu_destroy_caches: ['arch/x86/kvm/mmu/mmu.c', 7501],
    vmx_init: ['arch/x86/kvm/vmx/vmx.c', 8820],
    vmx_exit: ['arch/x86/kvm/vmx/vmx.c', 8811],
    vt_init: ['arch/x86/kvm/vmx/main.c', 1041],
    vt_exit: ['arch/x86/kvm/vmx/main.c', 1034],
    vmx_hardware_setup: ['arch/x86/kvm/vmx/vmx.c', 8598],
    vt_hardware_setup: ['arch/x86/kvm/vmx/main.c', 24],
    vmx_hardware_unsetup: ['arch/x86/kvm/vmx/vmx.c', 8476],
    vmx_setup_me_spte_mask: ['arch/x86/kvm/vmx/vmx.c', 8575],
    svm_init: ['arch/x86/kvm/svm/svm.c', 5720],
    svm_exit: ['arch/x86/kvm/svm/svm.c', 5751],
    __svm_exit: ['arch/x86/kvm/svm/svm.c', 5715],
    svm_hardware_setup: ['arch/x86/kvm/svm/svm.c', 5542],
    svm_hardware_unsetup: ['arch/x86/kvm/svm/svm.c', 963],
    svm_adjust_mmio_mask: ['arch/x86/kvm/svm/svm.c', 5418],
    sev_hardware_setup: ['arch/x86/kvm/svm/sev.c', 3058],
    pte_list_add: ['arch/x86/kvm/mmu/mmu.c', 1009],
    pte_list_remove: ['arch/x86/kvm/mmu/mmu.c', 1089],
    rmap_add: ['arch/x86/kvm/mmu/mmu.c', 1692],
    __rmap_add: ['arch/x86/kvm/mmu/mmu.c', 1668],
    mmu_topup_memory_caches: ['arch/x86/kvm/mmu/mmu.c', 596],
    kvm_create_vm: ['virt/kvm/kvm_main.c', 1098],
    kvm_destroy_vm: ['virt/kvm/kvm_main.c', 1254],
    kvm_zap_all_rmap_sptes: ['arch/x86/kvm/mmu/mmu.c', 1133],
    kvm_mmu_create: ['arch/x86/kvm/mmu/mmu.c', 6709],
    mmu_free_memory_caches: ['arch/x86/kvm/mmu/mmu.c', 625],
    vt_hardware_unsetup: ['arch/x86/kvm/vmx/main.c', 35],
    tdx_hardware_setup: ['arch/x86/kvm/vmx/tdx.c', 3360],
    tdx_hardware_unsetup: ['arch/x86/kvm/vmx/tdx.c', 3281],
  },
  /** Debian's linux-source-6.1 and -6.12, read by the importer (docs/importer.md). */
  'v6.1.192': /* @__PURE__ */ importedLines(V6_1_LINES),
  'v6.12.118': /* @__PURE__ */ importedLines(V6_12_LINES),
} as const satisfies Record<string, LineTable>;

/** Kernel trees the facts were read from (kernel-facts.md §0); also the elixir tags linked. */
export type KernelTree = keyof typeof DEFINITIONS;

/** An elixir tag: a modelled tree, or the version of a tree read by the importer ("v6.12.120"). */
export type TreeTag = KernelTree | `v${string}`;

export type Source =
  | { kind: 'kernel'; tree: TreeTag; file: string; line?: number }
  | { kind: 'mail'; msgid: string; subject: string }
  /** Reconstructed from a review discussion: no code was posted. */
  | { kind: 'reconstruction'; msgids: string[]; note: string };

export const LORE = 'https://lore.kernel.org/all/';

/** The v1 series and its review (kernel-facts.md §1). */
export const MAIL = {
  cover: '20220624232735.3090056-1-seanjc@google.com',
  p1: '20220624232735.3090056-2-seanjc@google.com',
  p2: '20220624232735.3090056-3-seanjc@google.com',
  p3: '20220624232735.3090056-4-seanjc@google.com',
  p4: '20220624232735.3090056-5-seanjc@google.com',
  matlackAlt: 'YrZTxZm4kq0rXcKQ@google.com',
  seanReply: 'YrnPgZvgWDpb6+R1@google.com',
  matlackVote: 'Yro0Idtt7hKMqb75@google.com',
  peterLabel: 'Ys3uDJ90dBeFFbka@xz-m1.local',
  seanLabel: 'YtBfPU4lhPbuDJ3y@google.com',
} as const;

export const SUBJECTS: Record<string, string> = {
  [MAIL.cover]: '[PATCH 0/4] KVM: x86/mmu: pte_list_desc fix and cleanups',
  [MAIL.p2]: '[PATCH 2/4] KVM: x86/mmu: Defer "full" MMU setup until after vendor hardware_setup()',
  [MAIL.p3]: '[PATCH 3/4] KVM: x86/mmu: Shrink pte_list_desc size when KVM is using TDP',
};

/** Replies in a patch's thread, by the patch they answer (kernel-facts.md §1.2: David's review and Sean's answer are on patch 2). */
const IN_THREAD_OF: Record<string, string> = {
  [MAIL.matlackAlt]: MAIL.p2,
  [MAIL.seanReply]: MAIL.p2,
};

/** The subject of the thread a message belongs to, when known. */
export const threadSubject = (msgid: string): string | undefined =>
  own(SUBJECTS, msgid) ?? own(SUBJECTS, own(IN_THREAD_OF, msgid) ?? '');

export function kernelSource(tree: KernelTree, fn: string, fallbackFile: string): Source {
  const def = own<readonly [string, number]>(DEFINITIONS[tree], fn);
  return def
    ? { kind: 'kernel', tree, file: def[0], line: def[1] }
    : { kind: 'kernel', tree, file: fallbackFile };
}

type CallLines = Readonly<Record<string, number>>;

/**
 * Call lines of the hand-written trees: step id → line of the step's own call in its
 * caller's definition (scripts/call-lines.ts reads them with the importer's parser;
 * docs/kernel-model.md, "Source lines"). The imported trees carry theirs in their steps.
 * Each tree's table is a chunk of its own that loadCallLines() loads before a variant of
 * that tree is built, so the worker starts without the others (docs/performance.md, "Bundle").
 */
const CALL_LINES: Partial<Record<KernelTree, () => Promise<{ default: CallLines }>>> = {
  'v5.19': () => import('./trees/v5.19.calls.json', { with: { type: 'json' } }),
  'v6.0.19': () => import('./trees/v6.0.19.calls.json', { with: { type: 'json' } }),
  'v6.6.87': () => import('./trees/v6.6.87.calls.json', { with: { type: 'json' } }),
  'v6.19': () => import('./trees/v6.19.calls.json', { with: { type: 'json' } }),
  'v7.1.3': () => import('./trees/v7.1.3.calls.json', { with: { type: 'json' } }),
};
const loadedCallLines: Partial<Record<KernelTree, CallLines>> = {};

/** Makes callSite() answer for `tree` (a tree without call lines needs nothing). */
export async function loadCallLines(tree: KernelTree): Promise<void> {
  const load = CALL_LINES[tree];
  if (load && !loadedCallLines[tree]) loadedCallLines[tree] = (await load()).default;
}

/** Where a step of a function in `file` calls what it does, when the tree's call lines have it. */
export function callSite(tree: KernelTree, file: string, stepId: string): Source | undefined {
  const lines = loadedCallLines[tree];
  if (!lines && CALL_LINES[tree])
    throw new Error(`the call lines of ${tree} are not loaded: loadCallLines('${tree}')`);
  const line = own<number>(lines ?? {}, stepId);
  return line ? { kind: 'kernel', tree, file, line } : undefined;
}

export function mailSource(msgid: string): Source {
  return { kind: 'mail', msgid, subject: SUBJECTS[msgid] ?? '' };
}

/** Lore's canonical form keeps '@' and '+' of a Message-ID literal in the path. */
export function loreUrl(msgid: string): string {
  return LORE + encodeURIComponent(msgid).replace(/%40/g, '@').replace(/%2B/g, '+') + '/';
}

/** A link users can open: elixir at the tree's tag, or the lore archive. */
export function sourceUrl(src: Source): string {
  switch (src.kind) {
    case 'kernel':
      return `https://elixir.bootlin.com/linux/${src.tree}/source/${src.file}${src.line ? `#L${src.line}` : ''}`;
    case 'mail':
      return loreUrl(src.msgid);
    case 'reconstruction':
      return loreUrl(src.msgids[0] ?? MAIL.matlackAlt);
  }
}

export function sourceLabel(src: Source): string {
  switch (src.kind) {
    case 'kernel':
      return `${src.file}${src.line ? `:${src.line}` : ''} (${src.tree})`;
    case 'mail':
      return src.subject || `<${src.msgid}>`;
    case 'reconstruction':
      return `reconstructed from the review: ${src.note}`;
  }
}
