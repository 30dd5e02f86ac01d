import type { ReactNode } from 'react';
import { useAppStore } from '../state/store';

/**
 * The panes' grid, tagged with the run it shows (tests wait on these attributes).
 * Its children are created by the caller, so a new run re-renders only the panes
 * that read it, not everything under the app.
 */
export function Layout({ className, children }: { className: string; children: ReactNode }) {
  const runId = useAppStore((s) => s.run.runId);
  const status = useAppStore((s) => s.run.status);
  return (
    <main className={className} data-run-id={runId} data-run-status={status}>
      {children}
    </main>
  );
}
