/**
 * pte_list_add()/pte_list_remove() exactly as mmu.c does them (kernel-facts.md §5):
 * v5.15..v6.3 append to the first non-full descriptor; v6.4+ (141705b78381) insert at
 * the head and keep tails full.
 */
import { describe, expect, it } from 'vitest';
import { RMAP_RECYCLE_THRESHOLD } from '../constants';
import { VmRuntime } from '../run/workload';
import { PteListStore, type ChainView } from './rmap';

const counts = (c: ChainView) => (c.form === 'descs' ? c.descs.map((d) => d.count) : c.form);
const fill = (s: PteListStore, gfn: number, n: number, from = 0) => {
  const returned: number[] = [];
  for (let i = 0; i < n; i++) returned.push(s.add(gfn, from + i));
  return returned;
};

describe('kvm_rmap_head encoding', () => {
  it.each(['append', 'head-insert'] as const)(
    '%s: empty → one spte in the head → a tagged descriptor chain',
    (alg) => {
      const s = new PteListStore(alg, 14);
      expect(s.chain(1)).toEqual({ form: 'empty' });
      expect(s.add(1, 100)).toBe(0);
      expect(s.chain(1)).toEqual({ form: 'single', spte: 100 });
      expect(s.descs).toBe(0);
      expect(s.add(1, 101)).toBe(1);
      const c = s.chain(1);
      expect(c.form).toBe('descs');
      if (c.form !== 'descs') return;
      // 1->many: the old entry goes to slot 0, the new one to slot 1, spte_count = 2
      expect(c.descs[0]!.slots.slice(0, 3)).toEqual([100, 101, null]);
      expect(c.descs[0]!.count).toBe(2);
    },
  );
  it.each(['append', 'head-insert'] as const)(
    '%s: no many → one demotion: one entry left stays in a descriptor',
    (alg) => {
      const s = new PteListStore(alg, 14);
      fill(s, 1, 3);
      s.remove(1, 0);
      s.remove(1, 1);
      expect(counts(s.chain(1))).toEqual([1]);
      s.remove(1, 2);
      expect(s.chain(1)).toEqual({ form: 'empty' });
      expect(s.descs).toBe(0);
    },
  );
});

describe('v5.15..v6.3: append to the first non-full descriptor [mmu.c v6.0.19 L866]', () => {
  it('a new descriptor is linked at the tail when all are full; count = entries before it', () => {
    const s = new PteListStore('append', 14);
    const returned = fill(s, 9, 30);
    expect(returned).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(counts(s.chain(9))).toEqual([14, 14, 2]);
  });
  it('removal fills the hole with the same descriptor’s last entry and NULLs that slot', () => {
    const s = new PteListStore('append', 14);
    fill(s, 9, 30);
    s.remove(9, 3);
    const c = s.chain(9);
    if (c.form !== 'descs') throw new Error('expected descriptors');
    expect(c.descs[0]!.slots[3]).toBe(13);
    expect(c.descs[0]!.slots[13]).toBeNull();
    expect(counts(c)).toEqual([13, 14, 2]);
  });
  it('after removals the first non-full descriptor is in the middle and the returned count is partial', () => {
    const s = new PteListStore('append', 14);
    fill(s, 9, 30);
    for (const spte of [0, 1, 2]) s.remove(9, spte);
    expect(s.add(9, 99)).toBe(11); // the kernel counts only descriptors up to the one it fills
    expect(counts(s.chain(9))).toEqual([12, 14, 2]);
  });
  it('an emptied middle descriptor is unlinked and freed; an emptied first one moves the head', () => {
    const s = new PteListStore('append', 2);
    fill(s, 5, 6); // [0,1] [2,3] [4,5]
    s.remove(5, 2);
    s.remove(5, 3);
    expect(counts(s.chain(5))).toEqual([2, 2]);
    s.remove(5, 0);
    s.remove(5, 1);
    expect(counts(s.chain(5))).toEqual([2]);
    expect(s.descs).toBe(1);
  });
});

describe('v6.4+: head insertion, tails always full [mmu.c v6.6.87 L927, L963]', () => {
  it('a full head gets a new head in front with tail_count = entries behind it', () => {
    const s = new PteListStore('head-insert', 14);
    const returned = fill(s, 9, 30);
    expect(returned).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const c = s.chain(9);
    if (c.form !== 'descs') throw new Error('expected descriptors');
    expect(c.descs.map((d) => [d.count, d.tail])).toEqual([
      [2, 28],
      [14, 14],
      [14, 0],
    ]);
  });
  it('removal anywhere takes the head’s last entry, so tails stay full; an empty head is popped', () => {
    const s = new PteListStore('head-insert', 14);
    fill(s, 9, 30);
    s.remove(9, 3); // in the oldest (last) descriptor
    let c = s.chain(9);
    if (c.form !== 'descs') throw new Error('expected descriptors');
    expect(c.descs.map((d) => d.count)).toEqual([1, 14, 14]);
    expect(c.descs[2]!.slots).toContain(29);
    s.remove(9, 28);
    c = s.chain(9);
    expect(counts(c)).toEqual([14, 14]);
    expect(s.descs).toBe(2);
  });
});

describe('__rmap_add() recycling [mmu.c RMAP_RECYCLE_THRESHOLD = 1000]', () => {
  it.each(['append', 'head-insert'] as const)(
    '%s: the add that returns more than 1000 zaps the whole rmap',
    (alg) => {
      const vm = new VmRuntime(alg, 14, 128);
      for (let i = 0; i <= RMAP_RECYCLE_THRESHOLD; i++) expect(vm.add(3, i)).toBe(i);
      expect(vm.store.lengthOf(3)).toBe(RMAP_RECYCLE_THRESHOLD + 1);
      expect(vm.add(3, 5000)).toBe(-1);
      expect(vm.store.lengthOf(3)).toBe(0);
      expect(vm.store.descs).toBe(0);
      expect(vm.recycled).toBe(RMAP_RECYCLE_THRESHOLD + 2);
    },
  );
});

describe('random workload contract (docs/scenario.md)', () => {
  it('is reproducible: seed 42, 64 gfns, 5000 sptes, 30% removed', () => {
    const run = () => {
      const vm = new VmRuntime('append', 14, 128);
      for (const _ of vm.run([
        { op: 'random', seed: 42, gfns: 64, sptes: 5000, removePercent: 30 },
      ]));
      return { summary: vm.summary(), chain: vm.store.chain(17) };
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(a.summary.sptes + 0).toBeLessThan(5000);
    expect(a.summary.heads).toBe(64);
  });
  it('mulberry32 is the common 32-bit-state version (bryc), far past 2^53 / 0x6D2B79F5 calls', async () => {
    const { mulberry32 } = await import('./prng');
    // Reference, as usually published: state kept as an int32.
    const reference = (seed: number) => {
      let a = seed;
      return () => {
        a |= 0;
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return (t ^ (t >>> 14)) >>> 0;
      };
    };
    for (const seed of [0, 1, 42, 0xffffffff]) {
      const ours = mulberry32(seed);
      const theirs = reference(seed);
      for (let i = 0; i < 6_000_000; i++)
        if (ours() !== theirs()) throw new Error(`seed ${seed} differs at ${i}`);
    }
  });
  it('drawsBelow(p, 100) splits the uint32 draws exactly where r() × 100 < p stops holding', async () => {
    const { drawsBelow, toUnit } = await import('./prng');
    for (const p of [0, 1, 7, 33, 50, 99, 100]) {
      const t = drawsBelow(p, 100);
      if (t > 0) expect(toUnit(t - 1) * 100 < p).toBe(true);
      if (t < 2 ** 32) expect(toUnit(t) * 100 < p).toBe(false);
    }
    expect([drawsBelow(0, 100), drawsBelow(100, 100)]).toEqual([0, 2 ** 32]);
  });
  it('mulberry32At(seed, k) is the k-th draw, so draws can be regenerated out of order', async () => {
    const { mulberry32, mulberry32At } = await import('./prng');
    for (const seed of [0, 1, 42, 0xffffffff]) {
      const next = mulberry32(seed);
      for (let k = 0; k < 1 << 16; k++) expect(mulberry32At(seed, k)).toBe(next());
      for (let k = 1 << 16; k < 1 << 25; k++) next();
      // 2^25 draws: the largest op (LIMITS.maxSptesPerOp) draws twice that many.
      expect(mulberry32At(seed, 1 << 25)).toBe(next());
    }
  });
});

describe('memory', () => {
  it('grows with the gfns touched, not with the range they are spread over', () => {
    const s = new PteListStore('append', 14);
    // 1,000 gfns 2^21 apart: each in its own head segment of 1Ki gfns (8 KB), up to 2^31.
    for (let i = 0; i < 1000; i++) s.add(i * 2 ** 21, i);
    expect(s.bytes).toBe(1000 * 1024 * 8);
  });
  it('doubles the first descriptor segment as it fills, keeping every descriptor', () => {
    for (const algorithm of ['append', 'head-insert'] as const) {
      const asked: number[] = [];
      const s = new PteListStore(algorithm, 14, (bytes) => asked.push(bytes));
      const sptes = 14 * 200; // 200 descriptors: 64, then 128, then 256 in the first segment
      fill(s, 7, sptes);
      expect(asked).toEqual([1024 * 8, 64 * 64, 128 * 64, 256 * 64]);
      const chain = s.chain(7);
      const slots = chain.form === 'descs' ? chain.descs.flatMap((d) => d.slots) : [];
      expect([...slots].sort((a, b) => a! - b!)).toEqual([...Array(sptes).keys()]);
    }
  });
  it('asks before each allocation, so a budget can refuse it', () => {
    const asked: number[] = [];
    const s = new PteListStore('head-insert', 14, (bytes) => {
      if (asked.length === 2) throw new RangeError('over budget');
      asked.push(bytes);
    });
    fill(s, 5, 2); // a head segment, then the first descriptor segment (64 × 16 ints)
    expect(asked).toEqual([1024 * 8, 64 * 16 * 4]);
    expect(() => s.add(2 ** 20, 0)).toThrow('over budget');
    expect(s.bytes).toBe(asked[0]! + asked[1]!);
  });
});
