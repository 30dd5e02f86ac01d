/**
 * Resources the MMU sets up per vendor load: the two kmem caches, the percpu
 * counter of used MMU pages and the shrinker (kernel-facts.md §2, §4). Their
 * release semantics mirror the kernel: kmem_cache_destroy(NULL), destroying an
 * uninitialised percpu counter and unregistering an unregistered shrinker are
 * no-ops, but the cache pointers are never cleared, so destroying twice is a
 * use-after-free.
 */
import { PTE_LIST_DESC_HEADER_BYTES, POINTER_BYTES } from '../constants';
import { PERCPU_COUNTER, SHRINKER } from '../model/globals';
import { slubLayout } from '../model/slub';
import type { KmemCache } from '../model/state';
import type { CacheName, Effect, EffectContext, EffectSpec } from './types';

type Spec<K extends Effect['kind']> = EffectSpec<Extract<Effect, { kind: K }>>;

export const CACHE_POINTER: Record<CacheName, string> = {
  pte_list_desc: 'pte_list_desc_cache',
  kvm_mmu_page_header: 'mmu_page_header_cache',
};

const cacheOf = (ctx: EffectContext, id: number | null | undefined): KmemCache | undefined =>
  id == null ? undefined : ctx.w.peek('caches', String(id));

export const kmemCacheCreate: Spec<'kmem_cache_create'> = {
  label: (e) =>
    `${CACHE_POINTER[e.cache]} = kmem_cache_create("${e.cache}", ${
      e.sizedByNrSptes
        ? '16 + nr_sptes_per_pte_list * 8'
        : `sizeof(struct ${e.cache === 'pte_list_desc' ? 'pte_list_desc' : 'kvm_mmu_page'})`
    })`,
  text: (e) =>
    e.cache === 'pte_list_desc'
      ? e.sizedByNrSptes
        ? 'Creates the slab cache for rmap descriptors, sized from nr_sptes_per_pte_list: 32 bytes with TDP, 128 without. This is why the v1 series needs the vendor to have configured the MMU first.'
        : 'Creates the slab cache for rmap descriptors (struct pte_list_desc: a next pointer, a count and 14 spte pointers, 128 bytes). Its size is fixed, so it can be created before the vendor decides on TDP.'
      : 'Creates the slab cache for shadow page headers (struct kvm_mmu_page).',
  footprint: (e) => ({
    reads: e.sizedByNrSptes ? ['nr_sptes_per_pte_list'] : [],
    writes: [CACHE_POINTER[e.cache], `kmem_cache:${e.cache}`],
    probes: [CACHE_POINTER[e.cache]],
  }),
  faultPoint: (e) => `kmem_cache_create:${e.cache}`,
  apply(e, ctx) {
    const pointer = CACHE_POINTER[e.cache];
    const previous = cacheOf(ctx, ctx.w.get('pointers', pointer));
    const overwrote = previous?.live
      ? `the live "${previous.name}" cache #${previous.id} it pointed to is lost`
      : undefined;
    if (ctx.fault(`kmem_cache_create:${e.cache}`)) {
      ctx.w.set('pointers', pointer, null);
      return {
        errno: 'ENOMEM',
        injected: true,
        detail: 'kmem_cache_create() returns NULL (injected); the caller fails with -ENOMEM',
        ...(overwrote ? { overwrote } : {}),
      };
    }
    const struct = e.sizedByNrSptes
      ? PTE_LIST_DESC_HEADER_BYTES +
        POINTER_BYTES * Number(ctx.w.get('config', 'nr_sptes_per_pte_list') ?? 0)
      : e.size;
    const layout = slubLayout(struct, ctx.params.hostCpus);
    const cache: KmemCache = {
      id: ctx.newCacheId(),
      name: e.cache,
      objectSize: layout.size,
      order: layout.order,
      objectsPerSlab: layout.objectsPerSlab,
      objects: 0,
      slabs: 0,
      live: true,
      owner: ctx.module,
    };
    ctx.w.set('caches', String(cache.id), cache);
    ctx.w.set('pointers', pointer, cache.id);
    return {
      detail: `${layout.size}-byte objects, ${layout.objectsPerSlab} per order-${layout.order} slab`,
      ...(overwrote ? { overwrote } : {}),
    };
  },
};

export const kmemCacheDestroy: Spec<'kmem_cache_destroy'> = {
  label: (e) => `kmem_cache_destroy(${CACHE_POINTER[e.cache]})`,
  text: () =>
    'Destroys the cache. NULL is accepted and ignored, but the global pointer is not cleared afterwards, so a second destroy of the same cache is a use-after-free.',
  footprint: (e) => ({
    reads: [],
    writes: [`kmem_cache:${e.cache}`],
    probes: [CACHE_POINTER[e.cache]],
  }),
  apply(e, ctx) {
    const pointer = CACHE_POINTER[e.cache];
    const id = ctx.w.get('pointers', pointer);
    const cache = cacheOf(ctx, id);
    if (!cache) return { skipped: true, detail: `${pointer} is NULL: nothing to destroy` };
    if (!cache.live)
      return {
        doubleFree: `${pointer} still points at cache #${cache.id}, destroyed earlier`,
        detail: `${pointer} was already destroyed: use-after-free`,
      };
    ctx.w.set('caches', String(cache.id), { ...cache, live: false, objects: 0, slabs: 0 });
    return {};
  },
};

export const percpuCounterInit: Spec<'percpu_counter_init'> = {
  label: () => 'percpu_counter_init(&kvm_total_used_mmu_pages, 0)',
  text: () =>
    'Allocates the per-CPU counter of shadow pages in use across all VMs; the shrinker reads it to decide whether there is anything to reclaim.',
  footprint: () => ({ reads: [], writes: [PERCPU_COUNTER], probes: [PERCPU_COUNTER] }),
  faultPoint: () => 'percpu_counter_init',
  apply(_e, ctx) {
    const overwrote =
      ctx.w.get('lifecycle', PERCPU_COUNTER) === 'initialized'
        ? 'its per-CPU storage is lost'
        : undefined;
    if (ctx.fault('percpu_counter_init'))
      return {
        errno: 'ENOMEM',
        injected: true,
        detail: 'allocation fails (injected); the caller returns -ENOMEM',
      };
    ctx.w.set('lifecycle', PERCPU_COUNTER, 'initialized');
    return overwrote ? { overwrote } : {};
  },
};

export const percpuCounterDestroy: Spec<'percpu_counter_destroy'> = {
  label: () => 'percpu_counter_destroy(&kvm_total_used_mmu_pages)',
  text: () => 'Frees the per-CPU counter; a counter that holds no storage is left alone.',
  footprint: () => ({ reads: [], writes: [PERCPU_COUNTER], probes: [PERCPU_COUNTER] }),
  apply(_e, ctx) {
    if (ctx.w.get('lifecycle', PERCPU_COUNTER) !== 'initialized')
      return { skipped: true, detail: 'no per-CPU storage: nothing to free' };
    ctx.w.set('lifecycle', PERCPU_COUNTER, 'destroyed');
    return {};
  },
};

export const registerShrinker: Spec<'register_shrinker'> = {
  label: (e) =>
    e.api === 'register_shrinker'
      ? 'register_shrinker(&mmu_shrinker, "x86-mmu")'
      : 'mmu_shrinker = shrinker_alloc(0, "x86-mmu"); shrinker_register()',
  text: () =>
    'Registers the MMU shrinker (seeks = 10 * DEFAULT_SEEKS) so memory pressure can zap shadow pages of idle VMs.',
  footprint: () => ({ reads: [], writes: [SHRINKER], probes: [SHRINKER] }),
  faultPoint: () => 'register_shrinker',
  apply(_e, ctx) {
    const errno = ctx.fault('register_shrinker');
    if (errno) return { errno, injected: true, detail: `fails with -${errno} (injected)` };
    ctx.w.set('lifecycle', SHRINKER, 'registered');
    return {};
  },
};

export const unregisterShrinker: Spec<'unregister_shrinker'> = {
  label: (e) => `${e.api}(&mmu_shrinker)`,
  text: () => 'Removes the MMU shrinker; unregistering one that was never registered is a no-op.',
  footprint: () => ({ reads: [], writes: [SHRINKER], probes: [SHRINKER] }),
  apply(_e, ctx) {
    if (ctx.w.get('lifecycle', SHRINKER) !== 'registered')
      return { skipped: true, detail: 'not registered: nothing to do' };
    ctx.w.set('lifecycle', SHRINKER, 'unregistered');
    return {};
  },
};
