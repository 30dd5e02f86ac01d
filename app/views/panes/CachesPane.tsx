import { memo, useMemo } from 'react';
import type { KmemCache, MmuState } from '../../engine/view';
import { SLAB_NOTES } from '../../engine/viewDetails';
import {
  selectCaches,
  selectChangedKeys,
  selectLifecycle,
  selectPointers,
} from '../../state/selectors';
import { useAppStore } from '../../state/store';
import { formatCount } from '../../viz/format';
import { pickOnRowClick, ValuePick } from '../history/ValuePick';
import './caches.css';

const CacheCard = memo(function CacheCard({
  cache,
  changed,
}: {
  cache: KmemCache;
  changed: boolean;
}) {
  const capacity = Math.max(cache.slabs * cache.objectsPerSlab, cache.objectsPerSlab);
  const used = cache.live ? cache.objects / capacity : 0;
  return (
    <li
      className={`cache ${cache.live ? 'live' : 'destroyed'} ${changed ? 'changed' : ''}`}
      data-cache={cache.name}
      onClick={pickOnRowClick({ kind: 'cache', name: cache.name })}
    >
      <div className="cache-head">
        <code className="cache-name">
          <ValuePick value={{ kind: 'cache', name: cache.name }} term={cache.name}>
            {cache.name}
          </ValuePick>
        </code>
        <span className="cache-id">#{cache.id}</span>
        <span className="cache-state">
          {cache.live ? `created by ${cache.owner}` : 'destroyed'}
        </span>
      </div>
      <div className="cache-facts">
        <span data-field="objectSize">{cache.objectSize} B objects</span>
        <span data-field="objectsPerSlab">
          {cache.objectsPerSlab} per slab (order {cache.order})
        </span>
        <span data-field="objects">{cache.objects} in use</span>
        <span data-field="slabs">
          {cache.slabs} slab{cache.slabs === 1 ? '' : 's'}
        </span>
      </div>
      <div
        className="bar"
        role="img"
        aria-label={`${cache.objects} of ${capacity} object slots in use`}
      >
        <div className="bar-fill" style={{ transform: `scaleX(${used})` }} />
        {Array.from({ length: cache.slabs <= 16 ? cache.slabs : 0 }, (_, i) => (
          <span
            key={i}
            className="slab-tick"
            style={{ left: `${((i + 1) / Math.max(cache.slabs, 1)) * 100}%` }}
          />
        ))}
      </div>
      <div className="bytes">{formatCount(cache.objects * cache.objectSize)} bytes of objects</div>
    </li>
  );
});

function pointerText(
  caches: MmuState['caches'],
  id: number | null | undefined,
): { text: string; tone: string } {
  if (id == null) return { text: 'NULL', tone: 'muted' };
  const c = caches[String(id)];
  return c?.live
    ? { text: `→ #${id}`, tone: 'ok' }
    : { text: `→ #${id}, destroyed (dangling)`, tone: 'bad' };
}

const LIFECYCLE_LABEL: Record<string, string> = {
  kvm_total_used_mmu_pages: 'percpu counter kvm_total_used_mmu_pages',
  mmu_shrinker: 'shrinker mmu_shrinker',
};

export function CachesPane({ className }: { className: string }) {
  const cacheTable = useAppStore(selectCaches);
  const pointers = useAppStore(selectPointers);
  const lifecycle = useAppStore(selectLifecycle);
  // Most steps touch no cache, so the pane skips them.
  const touchedIds = useAppStore((s) => selectChangedKeys(s, 'caches'));
  const touched = useMemo(() => new Set(touchedIds.split(' ')), [touchedIds]);
  const caches = cacheTable ? Object.values(cacheTable).sort((a, b) => a.id - b.id) : [];
  return (
    <section className={`panel caches ${className}`} aria-label="kmem caches">
      <h2>kmem caches</h2>
      {caches.length === 0 ? (
        <p className="idle">No MMU cache exists yet.</p>
      ) : (
        <ul className="cache-list">
          {caches.map((c) => (
            <CacheCard key={c.id} cache={c} changed={touched.has(String(c.id))} />
          ))}
        </ul>
      )}
      {caches.length > 0 && (
        <ul className="slab-notes">
          {SLAB_NOTES.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {cacheTable && pointers && lifecycle && (
        <dl className="globals">
          {Object.keys(pointers).map((p) => {
            const { text, tone } = pointerText(cacheTable, pointers[p]);
            return (
              <div key={p} data-pointer={p}>
                <dt>
                  <code>
                    <ValuePick value={{ kind: 'global', name: p }} term={p}>
                      {p}
                    </ValuePick>
                  </code>
                </dt>
                <dd className={tone}>{text}</dd>
              </div>
            );
          })}
          {Object.entries(lifecycle).map(([k, v]) => (
            <div key={k} data-lifecycle={k}>
              <dt>
                <ValuePick value={{ kind: 'global', name: k }} term={k}>
                  {LIFECYCLE_LABEL[k] ?? k}
                </ValuePick>
              </dt>
              <dd className={v === 'initialized' || v === 'registered' ? 'ok' : 'muted'}>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
