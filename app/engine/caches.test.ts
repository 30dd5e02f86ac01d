/**
 * kmem cache facts (kernel-facts.md §4): object sizes per variant, SLUB layout
 * (mm/slub.c calculate_order), and the per-vCPU top-up cost that motivated [PATCH 3/4].
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from './runner';
import { slubLayout } from './model/slub';
import { finalOf, mustRun } from './testing';
import { VARIANT_IDS, type VariantId } from './ids';

const cachesOf = (kernel: VariantId, tdp: boolean, vendor: 'intel' | 'amd' = 'intel') =>
  Object.fromEntries(
    Object.values(finalOf(mustRun(kernel, vendor, { params: { tdp } })).caches).map((c) => [
      c.name,
      c.objectSize,
    ]),
  );

describe('object sizes per variant', () => {
  const fixed: VariantId[] = [
    'v5.19',
    'seed-p2',
    'v6.0',
    'v6.1',
    'v6.6',
    'v6.12',
    'latest',
    'v7.1',
    'bad-reset-after-setup',
  ];
  it.each(fixed)(
    '%s: pte_list_desc = 16 + 14*8 = 128 B, kvm_mmu_page = 184 B, TDP or not',
    (kernel) => {
      expect(cachesOf(kernel, true)).toEqual({ pte_list_desc: 128, kvm_mmu_page_header: 184 });
      expect(cachesOf(kernel, false)).toEqual({ pte_list_desc: 128, kvm_mmu_page_header: 184 });
    },
  );
  it.each(['seed-p3', 'alt-configure-mmu'] as VariantId[])(
    '%s: pte_list_desc = 16 + 8 * nr_sptes_per_pte_list: 32 B with TDP, 128 B without [PATCH 3/4]',
    (kernel) => {
      expect(cachesOf(kernel, true)).toEqual({ pte_list_desc: 32, kvm_mmu_page_header: 184 });
      expect(cachesOf(kernel, false, 'amd')).toEqual({
        pte_list_desc: 128,
        kvm_mmu_page_header: 184,
      });
    },
  );
  it('every variant creates exactly these two MMU caches, once per load', () => {
    for (const kernel of VARIANT_IDS) {
      if (kernel === 'bad-create-before-configure') continue; // its load fails before creating anything
      const names = Object.values(finalOf(mustRun(kernel, 'intel')).caches).map((c) => c.name);
      expect(names.sort()).toEqual(['kvm_mmu_page_header', 'pte_list_desc']);
    }
  });
});

describe('SLUB layout [mm/slub.c calculate_order(), v6.6.87]', () => {
  it.each([
    // size, cpus → order, objects per slab
    [128, 8, 0, 32],
    [184, 8, 0, 22],
    [32, 8, 0, 128],
    [184, 64, 1, 44], // min_objects = 4 * (fls(64) + 1) = 32 needs an order-1 slab
    [128, 64, 0, 32],
    [184, 1, 0, 22],
  ])('%i-byte objects, %i CPUs: order %i, %i per slab', (size, cpus, order, perSlab) => {
    expect(slubLayout(size, cpus)).toEqual({ size, order, objectsPerSlab: perSlab });
  });
  // With one present CPU calculate_order() takes nr_cpu_ids (v6.19 mm/slub.c L7625-L7627,
  // v6.6.87 L4170-L4172, v5.19 L3868-L3870): min_objects = 4 * (fls(64) + 1) = 32.
  it('one present CPU: the slab order follows nr_cpu_ids, not the present count', () => {
    expect(slubLayout(184, 1, 64)).toEqual({ size: 184, order: 1, objectsPerSlab: 44 });
    expect(slubLayout(184, 2, 64)).toEqual({ size: 184, order: 0, objectsPerSlab: 22 });
    const r = mustRun('v6.6', 'intel', { params: { hostCpus: 1, possibleCpus: 64 } });
    const header = Object.values(finalOf(r).caches).find((c) => c.name === 'kvm_mmu_page_header');
    expect(header?.objectsPerSlab).toBe(44);
  });
  it('nr_cpu_ids below the present CPUs is refused with a message', () => {
    const r = runScenario({
      v: 1,
      kernel: 'v6.6',
      vendor: 'intel',
      params: { hostCpus: 8, possibleCpus: 4 },
    });
    expect(r.ok ? '' : r.error).toMatch(/possibleCpus \(nr_cpu_ids, 4\) cannot be below/);
  });
  it('object sizes are rounded up to 8 bytes (calculate_alignment with align 0)', () => {
    expect(slubLayout(20, 8).size).toBe(24);
  });
});

describe('per-vCPU descriptor cache (mmu_topup_memory_caches, KVM_ARCH_NR_OBJS_PER_MEMORY_CACHE = 40)', () => {
  const one = { workload: [{ op: 'map' as const, gfn: 1, sptes: 1 }] };
  it('the first fault fills the vCPU cache to 40 objects: 5120 bytes of 128-byte descriptors', () => {
    const s = finalOf(mustRun('v6.0', 'intel', one));
    const desc = Object.values(s.caches).find((c) => c.name === 'pte_list_desc')!;
    expect(desc.objects).toBe(40);
    expect(desc.objects * desc.objectSize).toBe(5120);
    expect(desc.slabs).toBe(2);
    expect(s.vm.rmap?.vcpuCacheDescs).toBe(40);
  });
  it('seed-p3 with TDP: the same 40 objects cost 1280 bytes [PATCH 3/4 changelog]', () => {
    const desc = Object.values(finalOf(mustRun('seed-p3', 'intel', one)).caches).find(
      (c) => c.name === 'pte_list_desc',
    )!;
    expect(desc.objects * desc.objectSize).toBe(1280);
  });
  it('below 14 objects (1 + 5 levels + 8 prefetch) the next fault refills to 40', () => {
    // 1->many and then one new descriptor per 14 sptes on one gfn: 27 descriptors for 363 sptes.
    const s = finalOf(mustRun('v6.0', 'intel', { workload: [{ op: 'map', gfn: 7, sptes: 363 }] }));
    const rmap = s.vm.rmap!;
    expect(rmap.descs).toBe(26);
    // 40 - 26 = 14 would not refill; the 27th allocation happens only at spte 365.
    expect(rmap.vcpuCacheDescs).toBe(14);
    const more = finalOf(
      mustRun('v6.0', 'intel', { workload: [{ op: 'map', gfn: 7, sptes: 365 }] }),
    ).vm.rmap!;
    expect(more.descs).toBe(27);
    expect(more.vcpuCacheDescs).toBe(13);
    const refill = finalOf(
      mustRun('v6.0', 'intel', { workload: [{ op: 'map', gfn: 7, sptes: 366 }] }),
    ).vm.rmap!;
    expect(refill.vcpuCacheDescs).toBe(40);
  });
});
