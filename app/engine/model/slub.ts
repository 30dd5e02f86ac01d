/**
 * How SLUB lays out a cache: mm/slub.c calculate_order() / calc_slab_order()
 * (v6.6; v5.19 and v6.19 reach the same order for the sizes modelled here).
 * Object size is the struct size aligned to 8 (calculate_alignment() with align 0,
 * no SLAB_HWCACHE_ALIGN); the free pointer lives inside the object, so no metadata
 * is added when slab debugging is off.
 */
import { PAGE_SIZE, SLUB_MAX_ORDER } from '../constants';

const orderObjects = (order: number, size: number) => Math.floor((PAGE_SIZE << order) / size);
const getOrder = (bytes: number) => Math.max(0, Math.ceil(Math.log2(bytes / PAGE_SIZE)));
/** fls(): 1-based index of the highest set bit, 0 for 0. */
const fls = (x: number) => (x === 0 ? 0 : 32 - Math.clz32(x));

function calcSlabOrder(
  size: number,
  minObjects: number,
  maxOrder: number,
  fraction: number,
): number {
  let order = getOrder(minObjects * size);
  for (; order <= maxOrder; order++) {
    const slabSize = PAGE_SIZE << order;
    if (slabSize % size <= slabSize / fraction) break;
  }
  return order;
}

/**
 * `presentCpus`: num_present_cpus(). With one present CPU, calculate_order() does not trust
 * the count and takes nr_cpu_ids (`possibleCpus`) instead: v5.19 mm/slub.c L3868-L3870,
 * v6.6.87 L4170-L4172, v6.19 L7625-L7627.
 */
export function slubLayout(
  structSize: number,
  presentCpus: number,
  possibleCpus: number = presentCpus,
): { size: number; order: number; objectsPerSlab: number } {
  const size = Math.ceil(structSize / 8) * 8;
  const nrCpus = presentCpus <= 1 ? possibleCpus : presentCpus;
  let minObjects = 4 * (fls(nrCpus) + 1);
  minObjects = Math.min(minObjects, orderObjects(SLUB_MAX_ORDER, size));
  let order = SLUB_MAX_ORDER + 1;
  search: while (minObjects > 1) {
    for (let fraction = 16; fraction >= 4; fraction /= 2) {
      order = calcSlabOrder(size, minObjects, SLUB_MAX_ORDER, fraction);
      if (order <= SLUB_MAX_ORDER) break search;
    }
    minObjects--;
  }
  if (order > SLUB_MAX_ORDER) order = calcSlabOrder(size, 1, SLUB_MAX_ORDER, 1);
  return { size, order, objectsPerSlab: orderObjects(order, size) };
}

/**
 * What /proc/slabinfo shows differs from the model's counts (kernel-facts.md §4): the slab
 * count assumes every slab full, and SLUB merges a cache into a compatible existing one
 * unless booted with slab_nomerge (v6.19 mm/slab_common.c L58, CONFIG_SLAB_MERGE_DEFAULT).
 * A boot of Debian's 6.12.118 under QEMU found pte_list_desc merged into the shared cache
 * ":A-0000128" (128-byte SLAB_ACCOUNT objects, with eventpoll_epi, pid and others) and
 * kvm_mmu_page_header alone in ":A-0000184".
 */
export const SLAB_NOTES = [
  'Slab counts are a lower bound: every slab is counted full, and SLUB also keeps partially used and per-CPU slabs.',
  'By default SLUB merges pte_list_desc into a shared cache of accounted objects of its size (for 128-byte objects ":A-0000128", with eventpoll_epi, pid and others on Debian’s 6.12), so /proc/slabinfo has no line of its own for it unless the kernel boots with slab_nomerge.',
] as const;
