import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ChainView, RmapSummary } from '../../engine/view';
import { selectGfn } from '../../state/actions';
import { selectCaches, selectVm } from '../../state/selectors';
import { useAppStore } from '../../state/store';
import { layoutChain } from '../../viz/chainLayout';
import { createChainView, type ChainView as ChainDrawing } from '../../viz/chainView';
import { formatCount as fmt } from '../../viz/format';
import {
  bucketize,
  createHistogramView,
  HIST_H,
  HIST_W,
  type HistogramView,
} from '../../viz/histogram';
import { Term } from '../Glossary';
import { ValuePick } from '../history/ValuePick';
import { motionScale } from '../motion';
import './rmap.css';

/** `descSize`: the object size of the live pte_list_desc kmem cache (there is one whenever a VM runs). */
function Totals({ rmap, descSize }: { rmap: RmapSummary; descSize: number | null }) {
  return (
    <dl className="totals">
      <div>
        <dt>
          <Term name="rmap-head">rmap heads</Term> in use
        </dt>
        <dd data-field="heads">{fmt(rmap.heads)}</dd>
      </div>
      <div>
        <dt>
          <Term name="spte">sptes</Term>
        </dt>
        <dd data-field="sptes">{fmt(rmap.sptes)}</dd>
      </div>
      <div>
        <dt>
          <Term name="pte_list_desc" /> in chains
        </dt>
        <dd data-field="descs">
          {fmt(rmap.descs)}
          {descSize !== null && ` × ${descSize} B`} = {fmt(rmap.bytes)} B
        </dd>
      </div>
      <div>
        <dt>
          in the <Term name="vcpu-cache">vCPU’s cache</Term>
        </dt>
        <dd data-field="vcpu">
          {rmap.vcpuCacheDescs} descs
          {descSize !== null && ` (${fmt(rmap.vcpuCacheDescs * descSize)} B)`},{' '}
          {rmap.vcpuCachePageHeaders} page headers
        </dd>
      </div>
      {rmap.recycled > 0 && (
        <div>
          <dt>zapped by recycling</dt>
          <dd>{fmt(rmap.recycled)}</dd>
        </div>
      )}
    </dl>
  );
}

/**
 * `gfn`'s chain. When another gfn is chosen this one stays (marked busy) until that one's
 * arrives, so the drawing is updated in place, not unmounted and drawn afresh.
 */
function Chain({
  chain,
  capacity,
  gfn,
  busy,
}: {
  chain: ChainView;
  capacity: number;
  gfn: number;
  busy: boolean;
}) {
  const ref = useRef<SVGSVGElement>(null);
  const view = useRef<ChainDrawing | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  useLayoutEffect(() => {
    const el = box.current!;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const layout = useMemo(() => layoutChain(chain, capacity, width), [chain, capacity, width]);
  /** The gfn drawn last (null: none yet): another gfn's descriptors do not move, they appear. */
  const drawn = useRef<number | null>(null);
  useLayoutEffect(() => {
    view.current ??= createChainView(ref.current!);
    view.current.update(layout, drawn.current === gfn ? motionScale() : 0);
    drawn.current = gfn;
  }, [layout, gfn]);
  const descs = chain.form === 'descs' ? chain.descs : [];
  return (
    <div className="chain" ref={box} data-gfn={gfn} aria-busy={busy || undefined}>
      <svg ref={ref} role="img" aria-label={describe(chain)} />
      {layout.hidden > 0 && <p className="more">… and {layout.hidden} more descriptors</p>}
      <p className="visually-hidden" data-testid="chain-summary">
        {describe(chain)}
        {descs.length > 0 && `; descriptor counts ${descs.map((d) => d.count).join(', ')}`}
      </p>
    </div>
  );
}

function describe(c: ChainView): string {
  if (c.form === 'empty') return 'empty rmap';
  if (c.form === 'single') return `one spte (${c.spte}) stored in the head`;
  const sptes = c.descs.reduce((n, d) => n + d.count, 0);
  return `${sptes} sptes in ${c.descs.length} pte_list_desc${c.descs.length === 1 ? '' : 's'}`;
}

function Histogram({ rmap }: { rmap: RmapSummary }) {
  const ref = useRef<SVGSVGElement>(null);
  const view = useRef<HistogramView | null>(null);
  const drawn = useRef(false);
  const buckets = useMemo(() => bucketize(rmap.histogram), [rmap.histogram]);
  useLayoutEffect(() => {
    view.current ??= createHistogramView(ref.current!);
    view.current.update(buckets, drawn.current ? motionScale() : 0);
    drawn.current = true;
  }, [buckets]);
  const gfns = buckets.reduce((n, b) => n + b.gfns, 0);
  return (
    <figure className="histogram">
      <svg
        ref={ref}
        width="100%"
        height={HIST_H}
        style={{ maxWidth: HIST_W }}
        role="img"
        aria-label={`chain lengths of ${fmt(gfns)} gfns`}
      />
      <figcaption>How long each gfn’s rmap is, across the VM</figcaption>
    </figure>
  );
}

// Memoised: a workload step changes the VM's rmaps, rarely the gfns, so its options stay as they are.
const GfnPicker = memo(function GfnPicker({ gfns, gfn }: { gfns: number[]; gfn: number | null }) {
  const [text, setText] = useState('');
  return (
    <div className="gfn-picker">
      <label>
        gfn
        <select
          aria-label="Selected gfn"
          value={gfn ?? ''}
          onChange={(e) => selectGfn(e.target.value === '' ? null : Number(e.target.value))}
        >
          {gfn !== null && !gfns.includes(gfn) && <option value={gfn}>{gfn}</option>}
          {gfns.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </label>
      {gfn !== null && (
        <ValuePick value={{ kind: 'rmap', gfn }} label={`gfn ${gfn} rmap head history`}>
          history
        </ValuePick>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const n = Number(text);
          if (Number.isSafeInteger(n) && n >= 0) selectGfn(n);
        }}
      >
        <label>
          <span className="visually-hidden">Show gfn</span>
          <input
            inputMode="numeric"
            placeholder="other gfn"
            value={text}
            onChange={(e) => setText(e.target.value)}
            size={9}
            aria-label="Show gfn"
          />
        </label>
        <button type="submit">Show</button>
      </form>
    </div>
  );
});

export function RmapPane({ className }: { className: string }) {
  const vm = useAppStore(selectVm);
  const caches = useAppStore(selectCaches);
  const gfns = useAppStore((s) => s.run.gfns);
  const gfn = useAppStore((s) => s.gfn);
  const chain = useAppStore((s) => s.chain);
  // The engine's: known once the run is done (until then, neither is the chain).
  const capacity = useAppStore((s) => s.run.rmapCapacity);
  const hasWorkload = useAppStore((s) => (s.run.scenario?.workload.length ?? 0) > 0);
  const rmap = vm?.rmap ?? null;
  const descCache = caches
    ? Object.values(caches).find((c) => c.name === 'pte_list_desc' && c.live)
    : undefined;
  return (
    <section className={`panel rmaps ${className}`} aria-label="Reverse maps">
      <h2>
        Reverse maps
        {rmap && capacity !== null && (
          <span className="aside">{capacity} sptes per pte_list_desc</span>
        )}
      </h2>
      {!rmap ? (
        <p className="idle">
          {hasWorkload
            ? 'No VM at this step: the workload runs after the last vendor module loads.'
            : 'No VM: pick a workload to watch reverse maps grow.'}
        </p>
      ) : (
        <>
          <Totals rmap={rmap} descSize={descCache?.objectSize ?? null} />
          <GfnPicker gfns={gfns} gfn={gfn} />
          {gfn !== null && chain && capacity !== null ? (
            <Chain
              chain={chain.view}
              capacity={capacity}
              gfn={chain.gfn}
              busy={chain.gfn !== gfn}
            />
          ) : (
            <p className="idle">{gfn === null ? 'Choose a gfn.' : 'Loading the chain…'}</p>
          )}
          <Histogram rmap={rmap} />
        </>
      )}
    </section>
  );
}
