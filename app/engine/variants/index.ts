/**
 * The built-in variants (docs/scenario.md): what shipped, what the v1 series
 * proposed, the reviewer's alternative, and three deliberately wrong orderings.
 * None of the v1 series was merged (kernel-facts.md §1.3).
 */
import { applyEdits } from '../edits';
import { VARIANT_IDS, type VariantId } from '../ids';
import type { Edit } from '../scenario';
import { assemble, shippedVariant } from './build';
import { eff, FILES, fn } from './dsl';
import {
  ERA_5_19,
  ERA_6_0,
  ERA_6_1,
  ERA_6_12,
  ERA_6_19,
  ERA_6_6,
  ERA_7_1,
  ERA_SEED_P3,
  valuesOf,
  type CoreFacts,
  type Era,
} from './era';
import { eraEffects } from './eraEffects';
import { builtInImport, ImportedTreeSchema, type ImportedTree } from './imported';
import { creationSteps, mmuFunctions, releaseSteps } from './mmu';
import { kernelSource, MAIL, mailSource } from './sources';
import type { FunctionDef, VariantDef } from './types';
import { ALT_SRC } from './vmx';

/**
 * Each variant is built the first time it is asked for, not at module load: a run builds
 * the one it names and its base (docs/performance.md, "CLI start").
 */
function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

const v5_19 = once(() =>
  shippedVariant(ERA_5_19, {
    id: 'v5.19',
    title: 'v5.19 (before the series)',
    summary:
      'kvm_arch_init() runs kvm_mmu_vendor_module_init(): the mask reset and the whole MMU setup (kmem caches, percpu counter, shrinker) happen before the vendor’s hardware_setup(). Caches have a fixed size, so nothing depends on TDP yet. A failed register_shrinker() leaks the percpu counter (fixed in v6.1).',
  }),
);

/** The v1 series, patch 2: kvm_mmu_hardware_setup() after the vendor's hardware_setup(). */
function seedMmu(era: Era, p3: boolean): FunctionDef[] {
  const p2 = mailSource(MAIL.p2);
  const created = creationSteps(era, {
    nrCheck: p3,
    sizedByNrSptes: p3,
    ...(p3 ? { src: mailSource(MAIL.p3) } : {}),
  });
  const fns = mmuFunctions(era, { fullSetup: false, vendorInitSrc: p2 }).map((f) =>
    p3 && f.name === 'kvm_configure_mmu' ? { ...f, src: mailSource(MAIL.p3) } : f,
  );
  return [
    ...fns,
    fn(
      era.tree,
      {
        name: 'kvm_mmu_hardware_setup',
        file: FILES.mmu,
        returns: 'int',
        owner: 'kvm',
        src: p3 ? mailSource(MAIL.p3) : p2,
        summary: p3
          ? 'New in the v1 series: the full MMU setup, called by common x86 after the vendor’s hardware_setup(), so pte_list_desc can be sized by nr_sptes_per_pte_list (2 with TDP, 14 without). WARNs and fails with -EIO if called before kvm_configure_mmu().'
          : 'New in the v1 series: the full MMU setup, moved out of kvm_mmu_vendor_module_init() and called by common x86 after the vendor’s hardware_setup(). It cleans up after itself on failure.',
      },
      created.body,
      created.labels,
    ),
    fn(
      era.tree,
      {
        name: 'kvm_mmu_hardware_unsetup',
        file: FILES.mmu,
        returns: 'void',
        owner: 'kvm',
        src: p2,
        summary:
          'The renamed kvm_mmu_vendor_module_exit(), now called from kvm_arch_hardware_unsetup().',
      },
      releaseSteps(era),
    ),
  ];
}

const SEED_SOURCES = [
  mailSource(MAIL.p2),
  kernelSource('v5.19', 'kvm_arch_hardware_setup', FILES.x86),
];

const seedP2 = once(() =>
  assemble({
    id: 'seed-p2',
    title: 'seed-p2 (proposed, [PATCH 2/4])',
    kind: 'proposed',
    summary:
      'Proposed in the v1 series, never merged. The mask reset stays in kvm_mmu_vendor_module_init() before the vendor’s hardware_setup() — VMX edits masks even before kvm_configure_mmu() — while cache creation, the percpu counter and the shrinker move into a new kvm_mmu_hardware_setup() that common x86 calls after the vendor setup. A failure there now has to undo the vendor setup (new out_unsetup label).',
    era: ERA_5_19,
    placement: 'seed',
    mmu: seedMmu(ERA_5_19, false),
    base: 'v5.19',
    sources: SEED_SOURCES,
  }),
);

const seedP3 = once(() =>
  assemble({
    id: 'seed-p3',
    title: 'seed-p3 (proposed, [PATCH 3/4])',
    kind: 'proposed',
    summary:
      'seed-p2 plus patch 3: kvm_configure_mmu() sets nr_sptes_per_pte_list (2 with TDP, 14 without) and kvm_mmu_hardware_setup() creates pte_list_desc with 16 + 8·n bytes — 32 instead of 128 with TDP, so a vCPU’s 40 cached descriptors cost 1280 bytes instead of 5120. The creation now depends on kvm_configure_mmu() having run; a WARN plus -EIO catches the wrong order on the first load.',
    era: ERA_SEED_P3,
    placement: 'seed',
    mmu: seedMmu(ERA_SEED_P3, true),
    base: 'seed-p2',
    sources: [mailSource(MAIL.p3), ...SEED_SOURCES],
  }),
);

function altMmu(era: Era): FunctionDef[] {
  const created = creationSteps(era, { nrCheck: false, sizedByNrSptes: true });
  return [
    ...mmuFunctions(era, { fullSetup: false, vendorInitSrc: mailSource(MAIL.p2) }).filter(
      (f) => f.name !== 'kvm_configure_mmu',
    ),
    fn(
      era.tree,
      {
        name: 'kvm_configure_mmu',
        file: FILES.mmu,
        returns: 'int',
        owner: 'kvm',
        src: ALT_SRC,
        summary:
          'The reviewer’s alternative: kvm_configure_mmu() sets nr_sptes_per_pte_list and then creates the caches itself (Sean would rename it kvm_mmu_hardware_setup()). No hidden order between two MMU calls — but it returns an error now, and vendor code must undo it.',
      },
      [eff(eraEffects(valuesOf(era)).configureMmu), ...created.body],
      created.labels,
    ),
    fn(
      era.tree,
      {
        name: 'kvm_unconfigure_mmu',
        file: FILES.mmu,
        returns: 'void',
        owner: 'kvm',
        src: ALT_SRC,
        summary: 'The teardown the alternative needs, called from vendor unsetup and error paths.',
      },
      releaseSteps(era),
    ),
  ];
}

const alt = once(() =>
  assemble({
    id: 'alt-configure-mmu',
    title: 'alt-configure-mmu (the reviewer’s alternative)',
    kind: 'proposed',
    summary:
      'David Matlack’s suggestion in the review: create the caches inside kvm_configure_mmu(), next to nr_sptes_per_pte_list, so no separate call can come too early. The cost Sean named: vendor teardown and error paths must call kvm_unconfigure_mmu(). No code was posted; this is the straightforward reading of the proposal on the seed-p3 base.',
    era: ERA_SEED_P3,
    placement: 'alt',
    alt: 'alt',
    mmu: altMmu(ERA_SEED_P3),
    base: 'seed-p3',
    sources: [ALT_SRC, mailSource(MAIL.p2)],
  }),
);

const v6_0 = once(() =>
  shippedVariant(ERA_6_0, {
    id: 'v6.0',
    title: 'v6.0 (what shipped)',
    summary:
      'What v6.0 really shipped: the v5.19 order (caches still created before the vendor’s hardware_setup()), plus MMIO caching re-evaluated at every mask change (c3e0c8c2e8b1), shadow_memtype_mask for EPT, SVM’s MMIO adjustment moved before sev_hardware_setup(), and the PAT[0] check. The percpu-counter leak on shrinker failure is still there.',
  }),
);

const v6_6 = once(() =>
  shippedVariant(ERA_6_6, {
    id: 'v6.6',
    title: 'v6.6 (v6.3+ structure)',
    summary:
      'Since v6.3 the vendor module calls kvm_x86_vendor_init() (MMU vendor init, then hardware_setup(), under vendor_module_lock) and kvm_init() runs last, so /dev/kvm appears only after all setup. tdp_mmu_enabled is decided once per vendor load in kvm_configure_mmu(). Since v6.4 new rmap entries go to the head descriptor and tails stay full.',
  }),
);

/**
 * Debian's kernels, derived from their C by the importer (docs/importer.md,
 * docs/kernel-model.md). Their committed data (trees/<id>.json) is the larger part of
 * the variants, so each is loaded on its own by loadVariant() when a scenario names it
 * (docs/performance.md, "Bundle"). A new tree: its JSON next to these and an entry here.
 */
const TREES = {
  'v6.1': {
    era: ERA_6_1,
    data: () => import('./trees/v6.1.json', { with: { type: 'json' } }),
    id: 'v6.1',
    title: 'v6.1 (Debian 6.1.192, imported)',
    summary:
      'Debian 12’s 6.1.192, read from its source by the importer. A stable hybrid: vmx_init() and svm_init() call kvm_x86_vendor_init() first, which holds v6.0’s kvm_arch_init() body with the MMU’s vendor-load init (mask reset, kmem caches, percpu counter, shrinker) but neither the vendor lock nor hardware_setup(); kvm_init() runs last, calls the vendor’s hardware_setup() from kvm_arch_hardware_setup(), then exposes /dev/kvm. A failed register_shrinker() no longer leaks the percpu counter.',
  },
  'v6.12': {
    era: ERA_6_12,
    data: () => import('./trees/v6.12.json', { with: { type: 'json' } }),
    id: 'v6.12',
    title: 'v6.12 (Debian 6.12.118, imported)',
    summary:
      'Debian’s 6.12.118, read from its source by the importer. The v6.3+ structure: kvm_x86_vendor_init() holds vendor_module_lock with guard(mutex), runs the MMU’s vendor-load init and then the vendor’s hardware_setup(), and kvm_init() runs last (enabling virtualization before /dev/kvm). The shrinker is allocated with shrinker_alloc(), pte_list_desc_cache comes from KMEM_CACHE(), MAXPHYADDR is read once into kvm_host.maxphyaddr and EPT masks carry suppress-#VE; no TDX yet.',
  },
} as const;
type TreeId = keyof typeof TREES;
const isTree = (id: VariantId): id is TreeId => Object.hasOwn(TREES, id);

/** The committed import data of the trees loaded so far (loadVariant). */
export const BUILT_IN_TREES: Partial<Record<VariantId, ImportedTree>> = {};
const treeVariants: Partial<Record<TreeId, VariantDef>> = {};

/**
 * Makes variant `id` runnable: builds an imported kernel's variant from its data, which
 * it loads first (the written variants need nothing). The runs themselves stay
 * synchronous; the worker and the CLI call this before them.
 */
export async function loadVariant(id: VariantId): Promise<void> {
  if (!isTree(id) || treeVariants[id]) return;
  const { era, data, ...meta } = TREES[id];
  const tree = ImportedTreeSchema.parse((await data()).default);
  BUILT_IN_TREES[id] ??= tree;
  treeVariants[id] ??= builtInImport(era, meta, tree);
}

/** Every variant runnable (tests, and CLI commands that look at all of them). */
export const loadAllVariants = async (): Promise<void> => {
  await Promise.all(VARIANT_IDS.map(loadVariant));
};

function treeVariant(id: TreeId): VariantDef {
  const v = treeVariants[id];
  if (!v) throw new Error(`${id} runs from imported data that is not loaded: loadVariant('${id}')`);
  return v;
}

/** What a list of the variants shows of one, without loading an imported kernel's data. */
export function variantMeta(
  id: VariantId,
): Pick<VariantDef, 'title' | 'kind' | 'summary' | 'base'> {
  if (!isTree(id)) return VARIANTS[id];
  const { title, summary } = TREES[id];
  return { title, summary, kind: 'shipped' };
}

/** Its id is 'latest' (docs/scenario.md): it kept that id when v7.1 came, so old links still open it. */
const latest = once(() =>
  shippedVariant(ERA_6_19, {
    id: 'latest',
    title: 'v6.19 (TDX era)',
    summary:
      'v6.19: kvm_intel enters through vt_init() (VMX, then TDX bring-up, then kvm_init()); the MMU shrinker and the percpu counter are gone (v6.13), so the vendor-load MMU init is the mask reset plus two caches. EPT A/D masks are always set and kvm_ad_enabled says whether hardware maintains them. Caches are still created before hardware_setup().',
  }),
);

const v7_1 = once(() =>
  shippedVariant(ERA_7_1, {
    id: 'v7.1',
    title: 'v7.1 (newest verified)',
    summary:
      'v7.1: the MMU side is v6.19’s (the mask reset and both caches still come before hardware_setup(); spte.c is unchanged). The TDX module is now brought up by the kernel at boot, so vt_init() lost tdx_bringup() (f630de1f8d70, “Fold tdx_bringup() into tdx_hardware_setup()”): the TDX gate is tdx_hardware_setup() at the end of kvm_intel’s hardware_setup op, after kvm_configure_mmu(), and hardware_unsetup became vt_hardware_unsetup(). Common code enables the guest EFER bits after hardware_setup().',
  }),
);

function teaching(
  base: VariantDef,
  o: Pick<VariantDef, 'id' | 'title' | 'summary'> & { edits: Edit[] },
): VariantDef {
  const applied = applyEdits(base, o.edits);
  if (!applied.ok) throw new Error(`${o.id}: ${applied.error}`);
  return {
    ...applied.value.variant,
    id: o.id,
    title: o.title,
    summary: o.summary,
    kind: 'teaching',
    base: base.id,
    edits: o.edits,
  };
}

const badResetAfterSetup = once(() =>
  teaching(v6_0(), {
    id: 'bad-reset-after-setup',
    title: 'bad: mask reset after hardware_setup()',
    summary:
      'Teaching variant: v6.0 with kvm_mmu_reset_all_pte_masks() moved after the vendor’s hardware_setup(). The reset overwrites the EPT (VMX) or SME/MMIO (SVM) masks the vendor just wrote, and KVM would build SPTEs with the wrong bits. This is why the seed keeps the reset where it is.',
    edits: [
      {
        move: 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks',
        to: 'kvm_arch_hardware_setup',
        index: 2,
      },
    ],
  }),
);

const badCreateBeforeConfigure = once(() =>
  teaching(seedP3(), {
    id: 'bad-create-before-configure',
    title: 'bad: kvm_mmu_hardware_setup() before kvm_configure_mmu()',
    summary:
      'Teaching variant: seed-p3 with kvm_mmu_hardware_setup() called before the vendor’s hardware_setup(), i.e. before kvm_configure_mmu() has set nr_sptes_per_pte_list. The series’ WARN_ON_ONCE fires and the load fails with -EIO — the hidden ordering dependency the reviewer wanted to remove.',
    edits: [
      {
        move: 'kvm_arch_hardware_setup/kvm_mmu_hardware_setup',
        to: 'kvm_arch_hardware_setup',
        index: 1,
      },
    ],
  }),
);

const badAltNoUnconfigure = once(() =>
  teaching(alt(), {
    id: 'bad-alt-no-unconfigure',
    title: 'bad: the alternative without kvm_unconfigure_mmu()',
    summary:
      'Teaching variant: the alternative with every kvm_unconfigure_mmu() call left out of vendor code. Nothing destroys the caches, the percpu counter or the shrinker when the vendor module unloads or when hardware_setup() fails after kvm_configure_mmu() — the cost of putting MMU setup where common code cannot see it.',
    edits: [
      { remove: 'hardware_setup@err_unconfigure_mmu/kvm_unconfigure_mmu' },
      { remove: 'vmx_hardware_unsetup/kvm_unconfigure_mmu' },
      { remove: 'svm_hardware_unsetup/kvm_unconfigure_mmu' },
    ],
  }),
);

export const VARIANTS: Record<VariantId, VariantDef> = {
  get 'v5.19'() {
    return v5_19();
  },
  get 'seed-p2'() {
    return seedP2();
  },
  get 'seed-p3'() {
    return seedP3();
  },
  get 'alt-configure-mmu'() {
    return alt();
  },
  get 'v6.0'() {
    return v6_0();
  },
  get 'v6.1'() {
    return treeVariant('v6.1');
  },
  get 'v6.6'() {
    return v6_6();
  },
  get 'v6.12'() {
    return treeVariant('v6.12');
  },
  get latest() {
    return latest();
  },
  get 'v7.1'() {
    return v7_1();
  },
  get 'bad-reset-after-setup'() {
    return badResetAfterSetup();
  },
  get 'bad-create-before-configure'() {
    return badCreateBeforeConfigure();
  },
  get 'bad-alt-no-unconfigure'() {
    return badAltNoUnconfigure();
  },
};

/** The shipped kernels' eras, oldest first: what imported data runs with (by its kernel id). */
export const SHIPPED_ERAS: readonly (readonly [VariantId, Era<CoreFacts>])[] = [
  ['v5.19', ERA_5_19],
  ['v6.0', ERA_6_0],
  ['v6.1', ERA_6_1],
  ['v6.6', ERA_6_6],
  ['v6.12', ERA_6_12],
  ['latest', ERA_6_19],
  ['v7.1', ERA_7_1],
];
