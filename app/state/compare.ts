/**
 * Compare mode: the scenario being edited on the left, another kernel variant on the
 * right. The right side runs the same situation (vendor, parameters, modules,
 * faults, workload), so the two differ in their ordering only; it keeps its own edits.
 */
import type { ScenarioInput, VariantId } from '../engine/view';
import { NO_EDIT_HISTORY, useAppStore, withEdits } from './store';

const set = useAppStore.setState;

/** The variant each one is most often argued against; the thread's pair first. */
const COUNTERPART: Partial<Record<VariantId, VariantId>> = {
  'seed-p2': 'alt-configure-mmu',
  'seed-p3': 'alt-configure-mmu',
  'alt-configure-mmu': 'seed-p2',
  'v5.19': 'v6.0',
  'v6.0': 'v5.19',
  'bad-reset-after-setup': 'v6.0',
  'bad-create-before-configure': 'seed-p3',
  'bad-alt-no-unconfigure': 'alt-configure-mmu',
};

export const counterpartOf = (kernel: VariantId): VariantId => COUNTERPART[kernel] ?? 'seed-p2';

/**
 * The right side of `left` with kernel `kernel`: the left's situation, the right's own
 * edits and, for a kernel tree read by the importer (`mmu review`), its own tree.
 */
export function rightSideOf(
  left: ScenarioInput,
  kernel: VariantId,
  edits?: ScenarioInput['edits'],
  imported?: ScenarioInput['imported'],
): ScenarioInput {
  const { imported: _left, ...situation } = left;
  return withEdits({ ...situation, kernel, ...(imported ? { imported } : {}) }, edits ?? []);
}

/** Carries a change of the left's situation over to the right side (in compare mode). */
export function followLeft(
  s: { view: string; compareInput: ScenarioInput | null },
  left: ScenarioInput,
) {
  const right = s.compareInput;
  if (s.view !== 'compare' || !right) return {};
  return { compareInput: rightSideOf(left, right.kernel, right.edits, right.imported) };
}

export function openCompare(): void {
  set((s) => ({
    view: 'compare',
    compareRow: 0,
    compareInput:
      s.compareInput && s.compareInput.kernel !== s.input.kernel
        ? rightSideOf(s.input, s.compareInput.kernel, s.compareInput.edits, s.compareInput.imported)
        : rightSideOf(s.input, counterpartOf(s.input.kernel)),
  }));
}

/** Opens a ready-made comparison: `left` replaces the scenario (and its edit history). */
export function openComparison(left: ScenarioInput, right: VariantId): void {
  set({
    input: left,
    view: 'compare',
    compareInput: rightSideOf(left, right),
    compareRow: 0,
    playing: false,
    notice: null,
    ...NO_EDIT_HISTORY,
  });
}

export const closeCompare = (): void => set({ view: 'single', playing: false });

export function setRightKernel(kernel: VariantId): void {
  set((s) => ({ compareInput: rightSideOf(s.input, kernel), notice: null }));
}

/**
 * The right side becomes the one the editor works on. The edit history belongs to
 * the old left scenario, so it is dropped; its edits go right with it.
 */
export function swapSides(): void {
  set((s) =>
    s.compareInput
      ? {
          input: s.compareInput,
          compareInput: s.input,
          editUndo: [],
          editRedo: [],
          notice: null,
        }
      : {},
  );
}
