/**
 * The first screen's panes and their d3 views are a chunk of their own, fetched with the
 * page alongside the engine worker: they have nothing to show before the worker's first
 * run answers, which takes longer than the chunk. Until it comes, each pane's frame
 * stands where the pane will be, so nothing moves when it does.
 */
import { lazyChunk } from './lazy';

const panes = lazyChunk(() => import('./panes/firstScreen'), 'the panes');

/** Starts the fetch; a failure shows in the panes, with a retry. */
export function startLoadingPanes(): void {
  panes.preload().catch(() => undefined);
}

function waiting(heading: string, kind: string) {
  return function PaneFrame({ className }: { className: string }) {
    return (
      <section className={`panel ${kind} ${className}`} aria-label={heading}>
        <h2>{heading}</h2>
        <p className="idle">Waiting for the engine…</p>
      </section>
    );
  };
}

export const CallStackPane = panes.view((m) => m.CallStackPane, waiting('Call stack', 'callstack'));
export const MasksPane = panes.view((m) => m.MasksPane, waiting('PTE masks', 'masks'));
export const FindingsPane = panes.view((m) => m.FindingsPane, waiting('Findings', 'findings'));
export const CachesPane = panes.view((m) => m.CachesPane, waiting('kmem caches', 'caches'));
export const RmapPane = panes.view((m) => m.RmapPane, waiting('Reverse maps', 'rmaps'));
