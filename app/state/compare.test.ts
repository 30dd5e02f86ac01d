/** Compare mode in the store: the row cursor steps both runs, the right side follows the left's situation. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../engine/view';
import { createEngineApi } from '../worker/api';
import { goToEnd, openLinkState, seek, setInput, stepBy } from './actions';
import { closeCompare, openCompare, setRightKernel, swapSides } from './compare';
import { selectCursor, selectCursorLength } from './selectors';
import { initialAppState, useAppStore } from './store';

/** The left side these tests open on: the series' patch 2, whose counterpart is alt-configure-mmu. */
const SEED: ScenarioInput = { v: 1, kernel: 'seed-p2', vendor: 'intel' };

const get = useAppStore.getState;
const set = useAppStore.setState;

/** The comparison as the worker sends it. */
async function compared(left: ScenarioInput, right: ScenarioInput) {
  const out = await createEngineApi().compare(left, right);
  if (!out.ok) throw new Error(out.error);
  return out.view;
}

beforeEach(() => set(initialAppState(SEED), true));

describe('compare mode', () => {
  it('opens on the thread’s pair with the left’s situation and without its edits', () => {
    const edits = [
      {
        move: 'kvm_arch_hardware_setup/kvm_mmu_hardware_setup',
        to: 'kvm_arch_hardware_setup',
        index: 1,
      },
    ];
    set({ input: { ...SEED, params: { tdp: false }, edits } });
    openCompare();
    expect(get().view).toBe('compare');
    expect(get().compareInput).toEqual({
      ...SEED,
      kernel: 'alt-configure-mmu',
      params: { tdp: false },
    });
  });

  it('carries the left’s parameters, faults and workload over to the right, keeping the right’s kernel and edits', () => {
    openCompare();
    setRightKernel('v6.0');
    const rightEdits = [
      {
        move: 'kvm_arch_hardware_setup/kvm_mmu_hardware_setup',
        to: 'kvm_arch_hardware_setup',
        index: 0,
      },
    ];
    set((s) => ({ compareInput: { ...s.compareInput!, edits: rightEdits } }));
    setInput((i) => ({ ...i, vendor: 'amd', fail: [{ at: 'hardware_setup' }] }));
    expect(get().compareInput).toEqual({
      v: 1,
      kernel: 'v6.0',
      vendor: 'amd',
      fail: [{ at: 'hardware_setup' }],
      edits: rightEdits,
    });
    closeCompare();
    setInput((i) => ({ ...i, vendor: 'intel' }));
    expect(get().compareInput?.vendor).toBe('amd');
  });

  it('swaps sides, dropping the edit history that belonged to the old left', () => {
    openCompare();
    set({ editUndo: [[]] });
    swapSides();
    expect(get().input.kernel).toBe('alt-configure-mmu');
    expect(get().compareInput?.kernel).toBe('seed-p2');
    expect(get().editUndo).toEqual([]);
  });

  it('steps by aligned rows once the comparison is there, and places the left run’s step', async () => {
    openCompare();
    const view = await compared(get().input, get().compareInput!);
    set({ comparison: { id: 1, status: 'done', view, error: null } });
    expect(selectCursorLength(get())).toBe(view.rows.length);
    const rightOnly = view.rows.findIndex((r) => r.kind === 'right-only');
    seek(rightOnly + 1);
    expect(selectCursor(get())).toBe(rightOnly + 1);
    // A row only the right run has leaves the left where the row before it left it.
    expect(get().step).toBe(view.rows[rightOnly - 1]!.leftStep);
    stepBy(-1);
    expect(get().compareRow).toBe(rightOnly);
    goToEnd();
    expect(get().compareRow).toBe(view.rows.length);
    expect(get().step).toBe(view.sides[0].events);
  });

  it('a link in compare mode puts its step on the rows', () => {
    openLinkState(
      {
        scenario: SEED,
        step: 12,
        view: 'compare',
        gfn: null,
        compare: { ...SEED, kernel: 'v6.0' },
      },
      false,
    );
    expect(get()).toMatchObject({ view: 'compare', compareRow: 12 });
  });
});
