/**
 * A reload that begins moments after a change can reload the URL as it was: the page
 * writes a change to the URL a moment later (hashSync.ts), and the reload takes the URL
 * it began with, while the old page goes on running until the new one arrives (on a
 * slow connection, long enough for that write). So each write also leaves this tab a
 * note (sessionStorage), "this link was superseded by that one", and a reload of the old
 * link in this tab opens the newer one. Only a reload: a link opened or a history entry
 * visited is what the user asked for. The note is read once; moving through history
 * within the page drops it, since the user then chose the older link.
 */
const SUPERSEDED_KEY = 'kvm-mmu-visualizer/superseded-link';

export type SessionStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function noteSuperseded(store: SessionStore | undefined, from: string, to: string): void {
  try {
    store?.setItem(SUPERSEDED_KEY, `${from}\n${to}`);
  } catch {
    // storage disabled: a reload that quick shows the older link
  }
}

/** The user moved to another link of their own accord: a reload of it opens it as it is. */
export function forgetSuperseded(store: SessionStore | undefined): void {
  try {
    store?.removeItem(SUPERSEDED_KEY);
  } catch {
    // storage disabled: there is no note
  }
}

/**
 * The link that superseded `hash` in this tab, if this page is a reload and the last page
 * left a note for it; the note is used up either way.
 */
export function takeSuperseding(
  store: SessionStore | undefined,
  hash: string,
  isReload: boolean,
): string | null {
  try {
    const note = store?.getItem(SUPERSEDED_KEY);
    if (note == null) return null;
    store!.removeItem(SUPERSEDED_KEY);
    const [from, to] = note.split('\n');
    return isReload && from === hash && to ? to : null;
  } catch {
    return null;
  }
}
