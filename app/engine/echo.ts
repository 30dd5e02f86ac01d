/**
 * Echoing input in a message: a message must not grow with the input, nor let the
 * input's bidi controls (U+202E and friends) reorder the app's own words around it.
 */

/** Explicit bidi formatting characters (Unicode's Bidi_Control property). */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** `text` with every bidi control shown as its escape (\u202E), so it reorders nothing. */
export const showBidiControls = (text: string): string =>
  text.replace(BIDI_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A piece of the input, quoted, cut to `max` characters and its bidi controls shown. */
export function quoted(text: string, max = 60): string {
  const shown =
    text.length <= max
      ? JSON.stringify(text)
      : `${JSON.stringify(text.slice(0, max))}… (${text.length} characters)`;
  return showBidiControls(shown);
}

/** `text` cut to `max` characters (an ellipsis says so), its bidi controls shown. */
export const clipped = (text: string, max: number): string =>
  showBidiControls(text.length <= max ? text : `${text.slice(0, max)}…`);

/**
 * A message as the app shows it: whatever input it echoes, it stays short and cannot
 * reorder the words around it.
 */
export const shownMessage = (text: string): string => clipped(text, 1000);
