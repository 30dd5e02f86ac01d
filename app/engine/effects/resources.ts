/**
 * Resources the MMU sets up per vendor load: the two kmem caches, the percpu
 * counter of used MMU pages and the shrinker (kernel-facts.md §2, §4). Their
 * release semantics mirror the kernel: kmem_cache_destroy(NULL), destroying an
 * uninitialised percpu counter and unregistering an unregistered shrinker are
 * no-ops, but mainline never clears the cache pointers, so destroying twice is a
 * use-after-free (Debian's 6.1.192 and 6.12.118 clear them: cache_pointer_clear).
 */
import { PTE_LIST_DESC_HEADER_BYTES, POINTER_BYTES } from '../constants';
import { CACHE_POINTER, PERCPU_COUNTER, SHRINKER } from '../model/globals';
import { slubLayout } from '../model/slub';
import type { KmemCache } from '../model/state';
import type { Effect, EffectContext, EffectSpec } from './types';

type Spec<K extends Effect['kind']> = EffectSpec<Extract<Effect, { kind: K }>>;

const cacheOf = (ctx: EffectContext, id: number | null | undefined): KmemCache | undefined =>
  id == null ? undefined : ctx.w.peek('caches', String(id));

export const kmemCacheCreate: Spec<'kmem_cache_create'> = {
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
      ? `the live "${previous.name}" cache it pointed to is lost`
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
    const layout = slubLayout(
      struct,
      ctx.params.hostCpus,
      ctx.params.possibleCpus ?? ctx.params.hostCpus,
    );
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
        doubleFree: `${pointer} still points at the "${cache.name}" cache destroyed earlier`,
        detail: `${pointer} was already destroyed: use-after-free`,
      };
    ctx.w.set('caches', String(cache.id), { ...cache, live: false, objects: 0, slabs: 0 });
    return {};
  },
};

export const cachePointerClear: Spec<'cache_pointer_clear'> = {
  footprint: (e) => ({ reads: [], writes: [CACHE_POINTER[e.cache]] }),
  apply(e, ctx) {
    ctx.w.set('pointers', CACHE_POINTER[e.cache], null);
    return {};
  },
};

export const percpuCounterInit: Spec<'percpu_counter_init'> = {
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
  footprint: () => ({ reads: [], writes: [PERCPU_COUNTER], probes: [PERCPU_COUNTER] }),
  apply(_e, ctx) {
    if (ctx.w.get('lifecycle', PERCPU_COUNTER) !== 'initialized')
      return { skipped: true, detail: 'no per-CPU storage: nothing to free' };
    ctx.w.set('lifecycle', PERCPU_COUNTER, 'destroyed');
    return {};
  },
};

export const registerShrinker: Spec<'register_shrinker'> = {
  footprint: () => ({ reads: [], writes: [SHRINKER], probes: [SHRINKER] }),
  faultPoint: () => 'register_shrinker',
  apply(e, ctx) {
    const errno = ctx.fault('register_shrinker');
    // shrinker_alloc() reports failure as NULL, and the caller returns -ENOMEM.
    if (errno && e.api === 'shrinker_alloc')
      return {
        errno: 'ENOMEM',
        injected: true,
        detail: 'shrinker_alloc() returns NULL (injected); the caller fails with -ENOMEM',
      };
    if (errno) return { errno, injected: true, detail: `fails with -${errno} (injected)` };
    ctx.w.set('lifecycle', SHRINKER, 'registered');
    return {};
  },
};

export const unregisterShrinker: Spec<'unregister_shrinker'> = {
  footprint: () => ({ reads: [], writes: [SHRINKER], probes: [SHRINKER] }),
  apply(_e, ctx) {
    if (ctx.w.get('lifecycle', SHRINKER) !== 'registered')
      return { skipped: true, detail: 'not registered: nothing to do' };
    ctx.w.set('lifecycle', SHRINKER, 'unregistered');
    return {};
  },
};
