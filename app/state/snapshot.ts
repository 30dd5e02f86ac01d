/** What the export draws: the current view, read from the store through the selectors. */
import {
  vendorModule,
  type ChainView,
  type Finding,
  type KmemCache,
  type RmapSummary,
} from '../engine/view';
import { selectCaches, selectEvent, selectMasks, selectTraceLength, selectVm } from './selectors';
import type { AppState } from './store';

/** The current view as plain data, for app/viz/exportView.ts to draw. */
export interface ViewSnapshot {
  title: string;
  subtitle: string;
  event: { title: string; text: string; detail: string | null; stack: readonly string[] } | null;
  masks: { name: string; value: bigint; changed: bigint }[];
  caches: KmemCache[];
  rmap: RmapSummary | null;
  chain: { gfn: number; view: ChainView; capacity: number } | null;
  findings: Pick<Finding, 'kind' | 'message'>[];
}

export function viewSnapshot(s: AppState): ViewSnapshot {
  const event = selectEvent(s);
  const masks = selectMasks(s) ?? {};
  const changed = new Map<string, bigint>();
  for (const c of event?.changes ?? [])
    if (c.section === 'masks')
      changed.set(c.key, ((c.before as bigint | undefined) ?? 0n) ^ (c.after as bigint));
  const title = s.catalog.find((c) => c.id === s.input.kernel)?.title ?? s.input.kernel;
  const capacity = s.run.rmapCapacity;
  return {
    title: `KVM MMU: ${title}`,
    subtitle: `${vendorModule(s.input.vendor)} · step ${s.step} of ${selectTraceLength(s)}${event ? ` · ${event.phase}` : ''}`,
    event: event
      ? { title: event.title, text: event.text, detail: event.detail, stack: event.stack }
      : null,
    masks: Object.entries(masks).map(([name, value]) => ({
      name,
      value,
      changed: changed.get(name) ?? 0n,
    })),
    caches: Object.values(selectCaches(s) ?? {}).sort((a, b) => a.id - b.id),
    rmap: selectVm(s)?.rmap ?? null,
    chain:
      s.chain && s.gfn !== null && s.chain.gfn === s.gfn && capacity !== null
        ? { gfn: s.gfn, view: s.chain.view, capacity }
        : null,
    findings: s.run.findings,
  };
}
