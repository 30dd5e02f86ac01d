import type { KeyboardEvent, MouseEvent, ReactNode } from 'react';
import type { ValueKey } from '../../engine/view';
import { useAppStore } from '../../state/store';
import { sameValue, toggleHistory, valueName } from '../../state/valueHistory';
import { termProps } from '../Glossary';
import './history.css';

/**
 * A value's name as a toggle button that opens its history. Enter and Space are
 * taken here, before the app's shortcuts (Space would play), so the key presses
 * this button.
 */
export function ValuePick({
  value,
  children,
  label,
  term,
}: {
  value: ValueKey;
  children: ReactNode;
  /** Accessible name, when the visible text is not the value's name. */
  label?: string;
  /** A glossary term the name is: its definition shows on hover and focus. */
  term?: string;
}) {
  const open = useAppStore((s) => sameValue(s.history, value));
  return (
    <button
      type="button"
      className="value-pick"
      {...(term ? termProps(term) : {})}
      aria-pressed={open}
      aria-label={label}
      title={`${open ? 'Close' : 'Show'} the history of ${valueName(value)}`}
      onClick={(e) => {
        e.stopPropagation();
        toggleHistory(value);
      }}
      onKeyDown={(e: KeyboardEvent) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        toggleHistory(value);
      }}
    >
      {children}
    </button>
  );
}

/** A click anywhere on a value's row opens its history too; the row's own controls keep their clicks. */
export const pickOnRowClick = (value: ValueKey) => (e: MouseEvent) => {
  if ((e.target as Element).closest('button, a, input, select, summary, label')) return;
  toggleHistory(value);
};
