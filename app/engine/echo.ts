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
