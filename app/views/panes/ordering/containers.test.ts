import { describe, expect, it } from 'vitest';
import type { FunctionDef } from '../../../engine/view';
import { inListedOrder } from './containers';

const fns = (...names: string[]) => names.map((name) => ({ name }) as FunctionDef);
const names = (list: FunctionDef[]) => list.map((f) => f.name);

describe('inListedOrder', () => {
  it('keeps functions where they were first listed when the call order changes', () => {
    expect(names(inListedOrder('k1', fns('init', 'vendor', 'mmu')))).toEqual([
      'init',
      'vendor',
      'mmu',
    ]);
    expect(names(inListedOrder('k1', fns('init', 'mmu', 'vendor')))).toEqual([
      'init',
      'vendor',
      'mmu',
    ]);
  });
  it('lists a newly reachable function last and leaves out one that no longer runs', () => {
    inListedOrder('k2', fns('a', 'b', 'c'));
    expect(names(inListedOrder('k2', fns('d', 'c', 'a')))).toEqual(['a', 'c', 'd']);
    expect(names(inListedOrder('k2', fns('b', 'd', 'a')))).toEqual(['a', 'b', 'd']);
  });
  it('orders each variant and module list on its own', () => {
    inListedOrder('k3', fns('x', 'y'));
    expect(names(inListedOrder('k4', fns('y', 'x')))).toEqual(['y', 'x']);
  });
});
