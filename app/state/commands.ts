/**
 * Commands as data (excalidraw's actions): one entry gives a button its accessible
 * name, the keyboard its shortcut and the help overlay its line.
 */
import { goToEnd, restart, stepBy, toggleHelp, togglePlay } from './actions';
import { redoEdit, undoEdit } from './edits';
import type { AppState } from './store';

export interface Command {
  id: string;
  label: (s: AppState) => string;
  /** KeyboardEvent.key values. */
  keys: string[];
  /** How the help overlay shows the keys. */
  keyLabel: string;
  /** Needs Ctrl (or ⌘). */
  mod?: boolean;
  run: () => void;
}

export const COMMANDS: Command[] = [
  { id: 'restart', label: () => 'Restart', keys: ['Home'], keyLabel: 'Home', run: restart },
  {
    id: 'back',
    label: () => 'Step back',
    keys: ['ArrowLeft'],
    keyLabel: '←',
    run: () => stepBy(-1),
  },
  {
    id: 'play',
    label: (s) => (s.playing ? 'Pause' : 'Play'),
    keys: [' '],
    keyLabel: 'Space',
    run: togglePlay,
  },
  {
    id: 'forward',
    label: () => 'Step forward',
    keys: ['ArrowRight'],
    keyLabel: '→',
    run: () => stepBy(1),
  },
  { id: 'end', label: () => 'Go to end', keys: ['End'], keyLabel: 'End', run: goToEnd },
  {
    id: 'undo',
    label: () => 'Undo ordering edit',
    keys: ['z'],
    keyLabel: 'Ctrl+Z',
    mod: true,
    run: undoEdit,
  },
  {
    id: 'redo',
    label: () => 'Redo ordering edit',
    keys: ['Z', 'y'],
    keyLabel: 'Ctrl+Shift+Z',
    mod: true,
    run: redoEdit,
  },
  {
    id: 'help',
    label: () => 'Keyboard shortcuts',
    keys: ['?'],
    keyLabel: '?',
    run: () => toggleHelp(),
  },
];

export const commandById = (id: string): Command => COMMANDS.find((c) => c.id === id)!;

/** Runs the command bound to a key press, unless the user is typing in a form field. */
export function handleKey(e: KeyboardEvent): boolean {
  const target = e.target as HTMLElement | null;
  if (target?.closest('input, select, textarea, [contenteditable="true"]') && e.key !== 'Escape')
    return false;
  if (e.key === 'Escape') {
    toggleHelp(false);
    return true;
  }
  if (e.defaultPrevented || e.altKey) return false;
  const mod = e.ctrlKey || e.metaKey;
  const cmd = COMMANDS.find((c) => !!c.mod === mod && c.keys.includes(e.key));
  if (!cmd) return false;
  cmd.run();
  return true;
}
