/**
 * Whether the focused element got its focus from a pointer or from the keyboard
 * (the keyboard rules in state/commands.ts give a clicked checkbox's keys back to
 * the shortcuts). A pointer press until the next key press counts as “pointer”.
 */
const focusedByPointer = new WeakSet<EventTarget>();

export function trackFocusOrigin(win: Window = window): () => void {
  let pointer = false;
  const down = () => {
    pointer = true;
  };
  const key = () => {
    pointer = false;
  };
  const focus = (e: FocusEvent) => {
    if (!e.target) return;
    if (pointer) focusedByPointer.add(e.target);
    else focusedByPointer.delete(e.target);
  };
  win.addEventListener('pointerdown', down, true);
  win.addEventListener('keydown', key, true);
  win.addEventListener('focusin', focus, true);
  return () => {
    win.removeEventListener('pointerdown', down, true);
    win.removeEventListener('keydown', key, true);
    win.removeEventListener('focusin', focus, true);
  };
}

export const wasFocusedByPointer = (target: EventTarget | null): boolean =>
  target !== null && focusedByPointer.has(target);
