/**
 * Views the first screen does not show load as their own chunks, so the first paint
 * waits only for what it draws. A chunk that cannot be fetched (offline, a deployment
 * replaced the files) leaves a message with a retry where the view would be, never a
 * blank page; after first paint the likely ones are fetched while the browser is idle.
 */
import {
  Component,
  Suspense,
  lazy,
  useSyncExternalStore,
  type ComponentType,
  type LazyExoticComponent,
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

/**
 * A chunk that several views come from (the first screen's panes): one fetch, and one
 * failure message per view whose Try again brings them all back.
 */
export function lazyChunk<M>(load: () => Promise<M>, what: string) {
  let pending: Promise<M> | null = null;
  const preload = () => {
    pending ??= load().catch((error: unknown) => {
      pending = null; // the next try fetches again
      throw new ChunkLoadError(error);
    });
    return pending;
  };
  let attempt = 0;
  const listeners = new Set<() => void>();
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const retry = () => {
    attempt += 1;
    for (const listener of listeners) listener();
  };
  function view<P extends object>(
    pick: (module: M) => ComponentType<P>,
    fallback: (props: P) => ReactNode = () => null,
  ): LazyView<P> {
    // A rejected lazy component stays rejected: each attempt gets a new one.
    let current: { attempt: number; Loaded: LazyExoticComponent<ComponentType<P>> } | null = null;
    function View(props: P) {
      const shown = useSyncExternalStore(subscribe, () => attempt);
      if (current?.attempt !== shown)
        current = {
          attempt: shown,
          Loaded: lazy(() => preload().then((module) => ({ default: pick(module) }))),
        };
      const { Loaded } = current;
      return (
        <ChunkBoundary key={shown} what={what} onRetry={retry}>
          <Suspense fallback={fallback(props)}>
            <Loaded {...(props as P & React.JSX.IntrinsicAttributes)} />
          </Suspense>
        </ChunkBoundary>
      );
    }
    View.preload = preload;
    return View;
  }
  return { preload, view };
}

/** A chunk's import failed; a view that throws while drawing is another matter. */
class ChunkLoadError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * What a chunk that failed to load leaves: what is missing, and a retry (which gives
 * the boundary a new key, so it starts over). Other errors go on to the app's
 * ErrorBoundary, as they did before the view was lazy.
 */
class ChunkBoundary extends Component<
  { what: string; onRetry: () => void; children: ReactNode },
  { error: unknown }
> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    if (!(error instanceof ChunkLoadError)) throw error;
    return (
      <div className="notice error chunk-failed" role="alert">
        Could not load {this.props.what}: the connection dropped or the app was updated.{' '}
        <button type="button" onClick={this.props.onRetry}>
          Try again
        </button>
      </div>
    );
  }
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
