/**
 * Whether this visit is a first one, which the welcome greets: kept apart from the
 * welcome itself, which loads as its own chunk.
 */
import { openDialog } from '../state/actions';

export const WELCOME_SEEN_KEY = 'kvm-mmu-visualizer/welcome-seen';

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

/** Whether the welcome was closed before; storage that cannot be read counts as “no”. */
function welcomeSeen(storage: Storage | undefined): boolean {
  try {
    return storage?.getItem(WELCOME_SEEN_KEY) === '1';
  } catch {
    return false;
  }
}

export function markWelcomeSeen(storage: Storage | undefined): void {
  try {
    storage?.setItem(WELCOME_SEEN_KEY, '1');
  } catch {
    // Blocked storage: the welcome will greet this visitor again, nothing worse.
  }
}

/**
 * On a first visit — no link in the URL, not embedded, the welcome never closed —
 * open it. Call before the URL is synced (a link wins over the welcome).
 */
export function openWelcomeOnFirstVisit(
  where: { hash: string; search: string } = location,
  storage: Storage | undefined = safeLocalStorage(),
): void {
  const embedded = new URLSearchParams(where.search).get('embed') === '1';
  if (!where.hash && !embedded && !welcomeSeen(storage)) openDialog('help');
}

/** localStorage, or undefined where even touching it throws (some blocked-storage settings). */
export function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
