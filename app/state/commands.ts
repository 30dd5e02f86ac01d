/**
 * Commands as data (excalidraw's actions): one entry gives a button its accessible
 * name, the keyboard its shortcut and the help overlay its line.
 */
import { closeDialog, goToEnd, restart, stepBy, toggleDialog, togglePlay } from './actions';
import { redoEdit, undoEdit } from './edits';
import { useAppStore, type AppState } from './store';
import { closeHistory, jumpToWrite } from './valueHistory';

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
    id: 'previous-write',
    label: () => 'Previous write of the value whose history is open',
    keys: ['['],
    keyLabel: '[',
    run: () => jumpToWrite(-1),
  },
  {
    id: 'next-write',
    label: () => 'Next write of the value whose history is open',
    keys: [']'],
    keyLabel: ']',
    run: () => jumpToWrite(1),
  },
  {
    id: 'help',
    label: () => 'Help',
    keys: ['?'],
    keyLabel: '?',
    run: () => toggleDialog('help'),
  },
];

export const commandById = (id: string): Command => COMMANDS.find((c) => c.id === id)!;

/** Inputs whose keys type text. */
const TEXT_INPUTS = new Set([
  'text',
  'number',
  'search',
  'email',
  'url',
  'tel',
  'password',
  'date',
  'time',
  'datetime-local',
  'month',
  'week',
]);
const ARROWS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'];
/** Roles whose element Space presses. */
const BUTTON_ROLES = new Set(['button', 'tab', 'menuitem', 'switch', 'option']);

/** What a focused element does with keys, as far as the shortcuts care. */
export type KeyTarget =
  | { kind: 'text' }
  | { kind: 'button' }
  /** A checkbox, radio or select, and the keys it answers to. */
  | { kind: 'control'; ownKeys: readonly string[] }
  | { kind: 'other' };

/** The part of an element the key rules read (tests pass plain objects). */
export interface KeyElement {
  tagName: string;
  isContentEditable?: boolean;
  getAttribute(name: string): string | null;
  closest?(selector: string): unknown;
}

export function keyTargetOf(el: KeyElement | null): KeyTarget {
  if (!el || typeof el.tagName !== 'string') return { kind: 'other' };
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute('type') ?? 'text').toLowerCase();
  if (el.isContentEditable || tag === 'textarea' || (tag === 'input' && TEXT_INPUTS.has(type)))
    return { kind: 'text' };
  if (tag === 'button' || tag === 'summary' || BUTTON_ROLES.has(el.getAttribute('role') ?? ''))
    return { kind: 'button' };
  if (tag === 'select') return { kind: 'control', ownKeys: [' ', ...ARROWS, 'Home', 'End'] };
  if (tag === 'input' && type === 'checkbox') return { kind: 'control', ownKeys: [' '] };
  if (tag === 'input' && type === 'radio') return { kind: 'control', ownKeys: [' ', ...ARROWS] };
  return { kind: 'other' };
}

/** The commands that move through the trace (the page behind a dialog stays where it is). */
const MOVES = new Set(['restart', 'back', 'play', 'forward', 'end']);

/**
 * Runs the command bound to a key press, wherever the focus is, except:
 * - in a text field, where keys type (Escape still closes a dialog);
 * - Space on a focused button presses the button;
 * - a checkbox, radio or select reached with the keyboard keeps its own keys
 *   (Space toggles, arrows choose); one the pointer clicked gives them back to the
 *   shortcuts, so clicking TDP and pressing → still steps;
 * - inside a dialog, the keys that move through the trace do nothing.
 * `focus.byPointer`: the focused element got its focus from a pointer (views track it).
 */
export function handleKey(
  e: KeyboardEvent,
  focus: { byPointer: boolean } = { byPointer: false },
): boolean {
  const el = e.target as (KeyElement & Element) | null;
  const target = keyTargetOf(el);
  if (e.key === 'Escape') {
    // One layer at a time: a dialog, then the value history.
    if (useAppStore.getState().dialog) closeDialog();
    else closeHistory();
    return false; // the focused element may have its own use for Escape (a tooltip, a dialog)
  }
  if (target.kind === 'text' || e.defaultPrevented || e.altKey) return false;
  const mod = e.ctrlKey || e.metaKey;
  const cmd = COMMANDS.find((c) => !!c.mod === mod && c.keys.includes(e.key));
  if (!cmd) return false;
  if (e.key === ' ' && target.kind === 'button') return false;
  if (target.kind === 'control' && !focus.byPointer && target.ownKeys.includes(e.key)) return false;
  if (MOVES.has(cmd.id) && el?.closest?.('dialog[open]')) return false;
  cmd.run();
  return true;
}
