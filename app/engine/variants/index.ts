/**
 * The built-in variants (docs/scenario.md): what shipped, what the v1 series
 * proposed, the reviewer's alternative, and three deliberately wrong orderings.
 * None of the v1 series was merged (kernel-facts.md §1.3).
 */
import { applyEdits } from '../edits';
import { VARIANT_IDS, type VariantId } from '../ids';
import type { Edit } from '../scenario';
import { shippedVariant } from './build';
import type { CoreFacts, Era } from './era';
import { builtInImport, ImportedTreeSchema, type ImportedTree } from './imported';
import { loadCallLines, type KernelTree } from './sources';
import type { VariantDef } from './types';

type WrittenMeta = Pick<VariantDef, 'id' | 'title' | 'kind' | 'summary' | 'base'>;

/** A variant written here: what a list shows of it, and what building it needs. */
interface Written {
  meta: WrittenMeta;
  /** Loads its era and its tree's call lines (a teaching variant: its base's). */
  load: () => Promise<void>;
  get: () => VariantDef;
}

/**
 * Each variant is built the first time it is asked for, not at module load: a run builds
 * the one it names and its base (docs/performance.md, "CLI start"). Building needs what
 * `load` loads, which loadVariant() calls; its meta needs nothing.
 */
function written<T>(
  meta: WrittenMeta,
  load: () => Promise<T>,
  build: (loaded: T, meta: WrittenMeta) => VariantDef,
): Written {
  let loaded: { value: T } | undefined;
  let built: VariantDef | undefined;
  return {
    meta,
    load: async () => {
      loaded ??= { value: await load() };
    },
    get: () => {
      if (!loaded) throw new Error(`${meta.id} is not loaded: loadVariant('${meta.id}')`);
      return (built ??= build(loaded.value, meta));
    },
  };
}

/**
 * The eras, each a chunk of its own (eras/), loaded with the call lines of their tree
 * (another chunk), so the worker starts without them (docs/performance.md, "Bundle").
 */
const withCallLines =
  <E extends Era<CoreFacts>>(tree: KernelTree, era: () => Promise<E>) =>
  async (): Promise<E> =>
    (await Promise.all([era(), loadCallLines(tree)]))[0];
const era5_19 = withCallLines('v5.19', async () => (await import('./eras/v5.19')).ERA_5_19);
const eraSeedP3 = withCallLines('v5.19', async () => (await import('./eras/v5.19')).ERA_SEED_P3);
const era6_0 = withCallLines('v6.0.19', async () => (await import('./eras/v6.0')).ERA_6_0);
const era6_6 = withCallLines('v6.6.87', async () => (await import('./eras/v6.6')).ERA_6_6);
const era6_19 = withCallLines('v6.19', async () => (await import('./eras/v6.19')).ERA_6_19);
const era7_1 = withCallLines('v7.1.3', async () => (await import('./eras/v7.1')).ERA_7_1);

/** The eras of the shipped kernels loaded so far (loadVariant), by kernel id. */
const shippedEras: Partial<Record<VariantId, Era<CoreFacts>>> = {};

const shipped = (era: () => Promise<Era>, meta: Omit<WrittenMeta, 'kind'>): Written =>
  written(
    { ...meta, kind: 'shipped' },
    async () => (shippedEras[meta.id] = await era()),
    (e, m) => shippedVariant(e, m),
  );

const v5_19 = shipped(era5_19, {
  id: 'v5.19',
  title: 'v5.19 (before the series)',
  summary:
    'kvm_arch_init() runs kvm_mmu_vendor_module_init(): the mask reset and the whole MMU setup (kmem caches, percpu counter, shrinker) happen before the vendor’s hardware_setup(). Caches have a fixed size, so nothing depends on TDP yet. A failed register_shrinker() leaks the percpu counter (fixed in v6.1).',
});

/** The v1 series' variants are built by series.ts, loaded with their era. */
const withSeries = (era: () => Promise<Era>) => async () => {
  const [loaded, series] = await Promise.all([era(), import('./series')]);
  return { era: loaded, series };
};

const seedP2 = written(
  {
    id: 'seed-p2',
    title: 'seed-p2 (proposed, [PATCH 2/4])',
    kind: 'proposed',
    summary:
      'Proposed in the v1 series, never merged. The mask reset stays in kvm_mmu_vendor_module_init() before the vendor’s hardware_setup() — VMX edits masks even before kvm_configure_mmu() — while cache creation, the percpu counter and the shrinker move into a new kvm_mmu_hardware_setup() that common x86 calls after the vendor setup. A failure there now has to undo the vendor setup (new out_unsetup label).',
    base: 'v5.19',
  },
  withSeries(era5_19),
  ({ era, series }, meta) => series.seedVariant(era, meta, false),
);

const seedP3 = written(
  {
    id: 'seed-p3',
    title: 'seed-p3 (proposed, [PATCH 3/4])',
    kind: 'proposed',
    summary:
      'seed-p2 plus patch 3: kvm_configure_mmu() sets nr_sptes_per_pte_list (2 with TDP, 14 without) and kvm_mmu_hardware_setup() creates pte_list_desc with 16 + 8·n bytes — 32 instead of 128 with TDP, so a vCPU’s 40 cached descriptors cost 1280 bytes instead of 5120. The creation now depends on kvm_configure_mmu() having run; a WARN plus -EIO catches the wrong order on the first load.',
    base: 'seed-p2',
  },
  withSeries(eraSeedP3),
  ({ era, series }, meta) => series.seedVariant(era, meta, true),
);

const alt = written(
  {
    id: 'alt-configure-mmu',
    title: 'alt-configure-mmu (the reviewer’s alternative)',
    kind: 'proposed',
    summary:
      'David Matlack’s suggestion in the review: create the caches inside kvm_configure_mmu(), next to nr_sptes_per_pte_list, so no separate call can come too early. The cost Sean named: vendor teardown and error paths must call kvm_unconfigure_mmu(). No code was posted; this is the straightforward reading of the proposal on the seed-p3 base.',
    base: 'seed-p3',
  },
  withSeries(eraSeedP3),
  ({ era, series }, meta) => series.altVariant(era, meta),
);

const v6_0 = shipped(era6_0, {
  id: 'v6.0',
  title: 'v6.0 (what shipped)',
  summary:
    'What v6.0 really shipped: the v5.19 order (caches still created before the vendor’s hardware_setup()), plus MMIO caching re-evaluated at every mask change (c3e0c8c2e8b1), shadow_memtype_mask for EPT, SVM’s MMIO adjustment moved before sev_hardware_setup(), and the PAT[0] check. The percpu-counter leak on shrinker failure is still there.',
});

const v6_6 = shipped(era6_6, {
  id: 'v6.6',
  title: 'v6.6 (v6.3+ structure)',
  summary:
    'Since v6.3 the vendor module calls kvm_x86_vendor_init() (MMU vendor init, then hardware_setup(), under vendor_module_lock) and kvm_init() runs last, so /dev/kvm appears only after all setup. tdp_mmu_enabled is decided once per vendor load in kvm_configure_mmu(). Since v6.4 new rmap entries go to the head descriptor and tails stay full.',
});

/**
 * Debian's kernels, derived from their C by the importer (docs/importer.md,
 * docs/kernel-model.md). Their committed data (trees/<id>.json) is the larger part of
 * the variants, so each is loaded on its own by loadVariant() when a scenario names it
 * (docs/performance.md, "Bundle"). A new tree: its JSON next to these and an entry here.
 */
const TREES = {
  'v6.1': {
    era: async () => (await import('./eras/v6.0')).ERA_6_1,
    data: () => import('./trees/v6.1.json', { with: { type: 'json' } }),
    id: 'v6.1',
    title: 'v6.1 (Debian 6.1.192, imported)',
    summary:
      'Debian 12’s 6.1.192, read from its source by the importer. A stable hybrid: vmx_init() and svm_init() call kvm_x86_vendor_init() first, which holds v6.0’s kvm_arch_init() body with the MMU’s vendor-load init (mask reset, kmem caches, percpu counter, shrinker) but neither the vendor lock nor hardware_setup(); kvm_init() runs last, calls the vendor’s hardware_setup() from kvm_arch_hardware_setup(), then exposes /dev/kvm. A failed register_shrinker() no longer leaks the percpu counter.',
  },
  'v6.12': {
    era: async () => (await import('./eras/v6.12')).ERA_6_12,
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
 * Makes variant `id` runnable: loads a written variant's call lines (one tree's), or an
 * imported kernel's data and builds its variant from it. The runs themselves stay
 * synchronous; the worker and the CLI call this before them.
 */
export async function loadVariant(id: VariantId): Promise<void> {
  if (!isTree(id)) return WRITTEN[id].load();
  if (treeVariants[id]) return;
  const { era, data, ...meta } = TREES[id];
  const [loadedEra, { default: json }] = await Promise.all([era(), data()]);
  const tree = ImportedTreeSchema.parse(json);
  BUILT_IN_TREES[id] ??= tree;
  shippedEras[id] ??= loadedEra;
  treeVariants[id] ??= builtInImport(loadedEra, meta, tree);
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
  if (!isTree(id)) return WRITTEN[id].meta;
  const { title, summary } = TREES[id];
  return { title, summary, kind: 'shipped' };
}

/** Its id is 'latest' (docs/scenario.md): it kept that id when v7.1 came, so old links still open it. */
const latest = shipped(era6_19, {
  id: 'latest',
  title: 'v6.19 (TDX era)',
  summary:
    'v6.19: kvm_intel enters through vt_init() (VMX, then TDX bring-up, then kvm_init()); the MMU shrinker and the percpu counter are gone (v6.13), so the vendor-load MMU init is the mask reset plus two caches. EPT A/D masks are always set and kvm_ad_enabled says whether hardware maintains them. Caches are still created before hardware_setup().',
});

const v7_1 = shipped(era7_1, {
  id: 'v7.1',
  title: 'v7.1 (newest verified)',
  summary:
    'v7.1: the MMU side is v6.19’s (the mask reset and both caches still come before hardware_setup(); spte.c is unchanged). The TDX module is now brought up by the kernel at boot, so vt_init() lost tdx_bringup() (f630de1f8d70, “Fold tdx_bringup() into tdx_hardware_setup()”): the TDX gate is tdx_hardware_setup() at the end of kvm_intel’s hardware_setup op, after kvm_configure_mmu(), and hardware_unsetup became vt_hardware_unsetup(). Common code enables the guest EFER bits after hardware_setup().',
});

function teaching(
  base: Written,
  { edits, ...meta }: Pick<VariantDef, 'id' | 'title' | 'summary'> & { edits: Edit[] },
): Written {
  return written({ ...meta, kind: 'teaching', base: base.meta.id }, base.load, (_, m) => {
    const applied = applyEdits(base.get(), edits);
    if (!applied.ok) throw new Error(`${m.id}: ${applied.error}`);
    return { ...applied.value.variant, ...m, edits };
  });
}

const badResetAfterSetup = teaching(v6_0, {
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
});

const badCreateBeforeConfigure = teaching(seedP3, {
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
});

const badAltNoUnconfigure = teaching(alt, {
  id: 'bad-alt-no-unconfigure',
  title: 'bad: the alternative without kvm_unconfigure_mmu()',
  summary:
    'Teaching variant: the alternative with every kvm_unconfigure_mmu() call left out of vendor code. Nothing destroys the caches, the percpu counter or the shrinker when the vendor module unloads or when hardware_setup() fails after kvm_configure_mmu() — the cost of putting MMU setup where common code cannot see it.',
  edits: [
    { remove: 'hardware_setup@err_unconfigure_mmu/kvm_unconfigure_mmu' },
    { remove: 'vmx_hardware_unsetup/kvm_unconfigure_mmu' },
    { remove: 'svm_hardware_unsetup/kvm_unconfigure_mmu' },
  ],
});

const WRITTEN: Record<Exclude<VariantId, TreeId>, Written> = {
  'v5.19': v5_19,
  'seed-p2': seedP2,
  'seed-p3': seedP3,
  'alt-configure-mmu': alt,
  'v6.0': v6_0,
  'v6.6': v6_6,
  latest,
  'v7.1': v7_1,
  'bad-reset-after-setup': badResetAfterSetup,
  'bad-create-before-configure': badCreateBeforeConfigure,
  'bad-alt-no-unconfigure': badAltNoUnconfigure,
};

/** Every variant by its id, built when first read; loadVariant(id) first. */
export const VARIANTS = Object.defineProperties(
  {},
  Object.fromEntries(
    VARIANT_IDS.map((id) => [
      id,
      { enumerable: true, get: () => (isTree(id) ? treeVariant(id) : WRITTEN[id].get()) },
    ]),
  ),
) as Record<VariantId, VariantDef>;

/**
 * The shipped kernels, oldest first (VARIANT_IDS lists them so): imported data runs with
 * one of their eras (by its kernel id).
 */
export const SHIPPED: readonly VariantId[] = VARIANT_IDS.filter(
  (id) => variantMeta(id).kind === 'shipped',
);

/** The era of shipped kernel `id`, which loadVariant(id) loads. */
export function shippedEra(id: VariantId): Era<CoreFacts> {
  const era = shippedEras[id];
  if (!era) throw new Error(`the era of ${id} is not loaded: loadVariant('${id}')`);
  return era;
}
