/**
 * Views the first screen does not show load as their own chunks, so the first paint
 * waits only for what it draws. A chunk that cannot be fetched (offline, a deployment
 * replaced the files) leaves a message with a retry where the view would be, never a
 * blank page; after first paint the likely ones are fetched while the browser is idle.
 */
import {
  createElement,
  useEffect,
  useSyncExternalStore,
  type ComponentType,
  type ReactNode,
} from 'react';

/** A view in its own chunk: `load` imports the module and picks the component. */
export interface LazyView<P extends object> {
  (props: P): ReactNode;
  /** Starts fetching the chunk (idempotent while it succeeds). */
  preload: () => Promise<unknown>;
}

/**
 * `what` names the view in the failure message ("the comparison"); `fallback` stands
 * in while the chunk loads (null: nothing, for dialogs and overlays).
 */
export function lazyView<P extends object>(
  load: () => Promise<ComponentType<P>>,
  what: string,
  fallback?: (props: P) => ReactNode,
): LazyView<P> {
  return lazyChunk(load, what).view((component) => component, fallback);
}

type Loading<M> = { status: 'waiting' } | { status: 'loaded'; module: M } | { status: 'failed' };

/**
 * A chunk that one or several views come from (the first screen's panes): one fetch,
 * and one failure message per view whose Try again brings them all back. Not
 * React.lazy with Suspense: React holds back content that replaces a Suspense fallback
 * for up to 300 ms, and the panes must show the first run as soon as it comes.
 */
export function lazyChunk<M>(load: () => Promise<M>, what: string) {
  let loading: Loading<M> = { status: 'waiting' };
  const listeners = new Set<() => void>();
  const settle = (next: Loading<M>) => {
    loading = next;
    for (const listener of listeners) listener();
  };
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  let pending: Promise<M> | null = null;
  const preload = () => {
    // Once the views say it failed, only their Try again fetches again (not the idle preload).
    if (loading.status === 'failed') return Promise.reject(new Error(`could not load ${what}`));
    pending ??= load().then(
      (module) => {
        settle({ status: 'loaded', module });
        return module;
      },
      (error: unknown) => {
        pending = null; // the next try fetches again
        // Views shown say so; with none, the first one shown tries again.
        if (listeners.size > 0) settle({ status: 'failed' });
        throw error;
      },
    );
    return pending;
  };
  const retry = () => settle({ status: 'waiting' });
  function view<P extends object>(
    pick: (module: M) => ComponentType<P>,
    fallback: (props: P) => ReactNode = () => null,
  ): LazyView<P> {
    function View(props: P) {
      const shown = useSyncExternalStore(subscribe, () => loading);
      useEffect(() => {
        // Its failure comes back through `loading`, as the Try again message.
        if (shown.status === 'waiting') preload().catch(() => undefined);
      }, [shown]);
      // The module's own component, the same each render (so its state is kept).
      if (shown.status === 'loaded') return createElement(pick(shown.module), props);
      if (shown.status === 'failed') return <ChunkFailed what={what} onRetry={retry} />;
      return fallback(props);
    }
    View.preload = preload;
    return View;
  }
  return { preload, view };
}

/** What a chunk that failed to load leaves: what is missing, and a retry. */
function ChunkFailed({ what, onRetry }: { what: string; onRetry: () => void }) {
  return (
    <div className="notice error chunk-failed" role="alert">
      Could not load {what}: the connection dropped or the app was updated.{' '}
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

/** Fetches chunks once the page is idle, one after the other (first paint is not slowed). */
export function preloadWhenIdle(loads: readonly (() => Promise<unknown>)[]): void {
  const idle = (next: () => void) =>
    'requestIdleCallback' in window
      ? requestIdleCallback(next, { timeout: 2000 })
      : setTimeout(next, 200);
  const step = (i: number) => {
    if (i >= loads.length) return;
    idle(() => {
      // A failure here is only a missed head start: the view retries when it is shown.
      loads[i]!().then(
        () => step(i + 1),
        () => step(i + 1),
      );
    });
  };
  step(0);
}
