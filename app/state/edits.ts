/**
 * Ordering edits from the editor: each runs in the worker before it becomes part
 * of the scenario (so an edit that makes no sense is explained, not applied), and
 * Undo/Redo walk back and forth through the list.
 */
import type { Edit, VariantId } from '../engine/view';
import { showNotice } from './actions';
import { tryInput } from './runner';
import { useAppStore, withEdits } from './store';

const get = useAppStore.getState;
const set = useAppStore.setState;

const editsOf = () => get().input.edits ?? [];

/**
 * Runs the scenario with `edits` straight away; it becomes the input, with the
 * given history, as its run starts — one trip to the worker and one render. If it
 * cannot run, nothing changes and the reason is returned.
 */
function commit(edits: Edit[], undo: Edit[][], redo: Edit[][]): Promise<string | null> {
  const candidate = withEdits(get().input, edits);
  return new Promise((resolve) =>
    tryInput({ input: candidate, notice: null, editUndo: undo, editRedo: redo }, (error) => {
      if (error === null) return resolve(null);
      const reason = error.replace(/^invalid scenario: edits\[\d+\]: /, '');
      showNotice(`That edit was not applied: ${reason}.`);
      resolve(reason);
    }),
  );
}

/** Adds an edit if the engine accepts it; resolves to the reason when it does not. */
export function applyEdit(edit: Edit): Promise<string | null> {
  const before = editsOf();
  return commit([...before, edit], [...get().editUndo, before], []);
}

export function undoEdit(): void {
  const { editUndo, editRedo } = get();
  const previous = editUndo[editUndo.length - 1];
  if (!previous) return;
  void commit(previous, editUndo.slice(0, -1), [...editRedo, editsOf()]);
}

export function redoEdit(): void {
  const { editUndo, editRedo } = get();
  const next = editRedo[editRedo.length - 1];
  if (!next) return;
  void commit(next, [...editUndo, editsOf()], editRedo.slice(0, -1));
}

export function resetEdits(): void {
  if (editsOf().length) void commit([], [...get().editUndo, editsOf()], []);
}

/**
 * Edits name steps of one kernel variant, so they cannot follow the user to
 * another: they are parked, with their history, and come back on return.
 */
export function switchKernel(kernel: VariantId): void {
  const s = get();
  const from = s.input.kernel;
  if (kernel === from) return;
  const parkedEdits = { ...s.parkedEdits };
  const leaving = { edits: editsOf(), undo: s.editUndo, redo: s.editRedo };
  if (leaving.edits.length || leaving.undo.length || leaving.redo.length)
    parkedEdits[from] = leaving;
  const back = parkedEdits[kernel];
  delete parkedEdits[kernel];
  const n = leaving.edits.length;
  // An imported kernel tree (from `mmu review`) belongs to the kernel it was opened with.
  const { imported, ...rest } = s.input;
  // One update, so the runner never sees the new kernel with the old kernel's edits.
  set({
    parkedEdits,
    editUndo: back?.undo ?? [],
    editRedo: back?.redo ?? [],
    input: withEdits({ ...rest, kernel }, back?.edits ?? []),
    notice: imported
      ? `The imported tree of Linux ${imported.version} is closed; open its scenario file or link again to see it.`
      : n
        ? `Your ${n} ordering edit${n > 1 ? 's' : ''} to ${from} ${n > 1 ? 'are' : 'is'} kept: choose ${from} again to get ${n > 1 ? 'them' : 'it'} back.`
        : back?.edits.length
          ? `Your ordering edits to ${kernel} are back.`
          : null,
  });
}
