/**
 * A reload that begins moments after an edit reloads the URL as it was: the page
 * writes a pending change to the URL only as it goes away, after the reload has
 * taken the old one. So that write also leaves this tab a note (sessionStorage),
 * "this link was superseded by that one", and the next page that opens the old
 * link in this tab opens the newer one. The note is read once; a page shown again
 * from the back/forward cache drops it, since it shows the newer state itself.
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

/** The link that superseded `hash` in this tab, if the last page left a note; the note is used up. */
export function takeSuperseding(store: SessionStore | undefined, hash: string): string | null {
  try {
    const note = store?.getItem(SUPERSEDED_KEY);
    if (note == null) return null;
    store!.removeItem(SUPERSEDED_KEY);
    const [from, to] = note.split('\n');
    return from === hash && to ? to : null;
  } catch {
    return null;
  }
}
