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

export function slubLayout(
  structSize: number,
  nrCpus: number,
): { size: number; order: number; objectsPerSlab: number } {
  const size = Math.ceil(structSize / 8) * 8;
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
