import { describe, expect, it } from 'vitest';
import { bitX, cellsPath, STRIP_WIDTH } from './bitStrip';

const cells = (d: string) => d.match(/M[\d.]+,/g) ?? [];
const xs = (d: string) => cells(d).map((m) => Number(m.slice(1, -1)) - 1);

describe('bit strip paths', () => {
  it('draws each bit once, in the set path or the clear one', () => {
    for (const value of [0n, 1n, 0x8000000000000001n, 0x3fffffff000n, (1n << 64n) - 1n]) {
      const on = xs(cellsPath(value, true));
      const off = xs(cellsPath(value, false));
      expect(on.length + off.length).toBe(64);
      const setBits = Array.from({ length: 64 }, (_, b) => b).filter(
        (b) => (value >> BigInt(b)) & 1n,
      );
      expect(on.sort((a, b) => a - b)).toEqual(setBits.map(bitX).sort((a, b) => a - b));
    }
  });
  it('places bit 63 at the left edge and bit 0 at the right', () => {
    expect(bitX(63)).toBe(0);
    expect(xs(cellsPath(1n, true))).toEqual([bitX(0)]);
    expect(bitX(0) + 5).toBe(STRIP_WIDTH);
  });
});
