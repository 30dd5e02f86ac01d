import { useEffect, useRef, type ReactNode } from 'react';
import { hex, type KmemCache, type ValueAccess, type ValueKey } from '../../engine/view';
import { jumpToEvent } from '../../state/actions';
import { commandById } from '../../state/commands';
import { useAppStore } from '../../state/store';
import { closeHistory, selectValueHistory, valueName, writeFrom } from '../../state/valueHistory';
import './history.css';

const isCache = (v: unknown): v is KmemCache => typeof v === 'object' && v !== null && 'live' in v;

/** A value as its pane shows it: masks in hex, config flags as 0/1, pointers as NULL or a cache id. */
function shown(key: ValueKey, v: unknown): string {
  if (key.kind === 'rmap') return `${v} spte${v === 1 ? '' : 's'}`;
  if (v === undefined) return key.kind === 'cache' ? 'not created' : 'unset';
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return hex(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (isCache(v)) return `#${v.id}${v.live ? '' : ' destroyed'}, ${v.objects} objects`;
  return String(v);
}

/** "0x0 → 0x8000000000001", or what a cache's write changed. */
function change(key: ValueKey, a: Extract<ValueAccess, { access: 'write' }>): string {
  const { before, after } = a;
  if (isCache(before) && isCache(after) && before.id === after.id) {
    if (before.live && !after.live) return `#${after.id} destroyed`;
    return `#${after.id}: ${before.objects} → ${after.objects} objects`;
  }
  if (before === after) return `${shown(key, after)} (unchanged)`;
  return `${shown(key, before)} → ${shown(key, after)}`;
}

function Row({
  value,
  access: a,
  current,
}: {
  value: ValueKey;
  access: ValueAccess;
  current: boolean;
}) {
  const verb = a.access === 'write' ? 'wrote' : 'read';
  return (
    <li data-access={a.access} data-event={a.event} aria-current={current ? 'step' : undefined}>
      <button type="button" onClick={() => jumpToEvent(a.event)}>
        <span className="h-step">step {a.event + 1}</span>
        <span className={`h-access ${a.access}`}>{verb}</span>
        <span className="h-who">
          {a.fn ? (
            <>
              <code>{a.fn}()</code>
              {a.caller && (
                <span className="h-caller">
                  {' '}
                  ← <code>{a.caller}()</code>
                </span>
              )}
            </>
          ) : (
            <code>{a.title}</code>
          )}
        </span>
        {a.access === 'write' && <span className="h-value">{change(value, a)}</span>}
        {a.fn && <span className="h-title">{a.title}</span>}
      </button>
    </li>
  );
}

/** A button for [ or ], with its key shown. */
function WriteButton({
  command,
  enabled,
  children,
}: {
  command: 'previous-write' | 'next-write';
  enabled: boolean;
  children: ReactNode;
}) {
  const c = commandById(command);
  return (
    <button
      type="button"
      onClick={c.run}
      disabled={!enabled}
      aria-keyshortcuts={c.keyLabel}
      title={`${c.label(useAppStore.getState())} (${c.keyLabel})`}
    >
      {children} <kbd aria-hidden="true">{c.keyLabel}</kbd>
    </button>
  );
}

/** The open value's history: every step that read or wrote it, each a way to that step. */
export function ValueHistoryPanel() {
  const history = useAppStore(selectValueHistory);
  const step = useAppStore((s) => s.step);
  const hasPrevious = useAppStore((s) => writeFrom(s, -1) !== null);
  const hasNext = useAppStore((s) => writeFrom(s, 1) !== null);
  const list = useRef<HTMLOListElement>(null);
  const at = step - 1;
  // The row of the step shown, or the last one before it, stays in view as the user moves.
  const shownRow = history?.accesses
    ? history.accesses.reduce((found, a, i) => (a.event <= at ? i : found), -1)
    : -1;
  useEffect(() => {
    const ol = list.current;
    const li = ol?.children[Math.max(0, shownRow)] as HTMLElement | undefined;
    if (!ol || !li) return;
    if (
      li.offsetTop < ol.scrollTop ||
      li.offsetTop + li.offsetHeight > ol.scrollTop + ol.clientHeight
    )
      ol.scrollTop = li.offsetTop - ol.clientHeight / 3;
  }, [shownRow, history?.accesses]);
  if (!history) return null;
  const { key, accesses, error } = history;
  const name = valueName(key);
  const writes = accesses?.filter((a) => a.access === 'write').length ?? 0;
  const reads = (accesses?.length ?? 0) - writes;
  return (
    <aside className="value-history" aria-labelledby="value-history-title">
      <header>
        <h2 id="value-history-title">
          History of <code>{name}</code>
        </h2>
        <button type="button" className="close" onClick={closeHistory} title="Close (Esc)">
          <span aria-hidden="true">×</span>
          <span className="visually-hidden">Close the history</span>
        </button>
      </header>
      <div className="h-tools">
        <span className="h-counts" role="status">
          {accesses === null
            ? error
              ? 'could not be worked out'
              : 'working it out…'
            : `${writes} write${writes === 1 ? '' : 's'}, ${reads} read${reads === 1 ? '' : 's'}`}
        </span>
        <WriteButton command="previous-write" enabled={hasPrevious}>
          <span aria-hidden="true">← </span>previous write
        </WriteButton>
        <WriteButton command="next-write" enabled={hasNext}>
          next write<span aria-hidden="true"> →</span>
        </WriteButton>
      </div>
      {error && <p className="h-none">{error}</p>}
      {accesses && accesses.length === 0 && (
        <p className="h-none">No step of this run reads or writes it.</p>
      )}
      {accesses && accesses.length > 0 && (
        <ol
          ref={list}
          className="h-list"
          aria-label={`Steps that read or wrote ${name}`}
          tabIndex={-1}
        >
          {accesses.map((a) => (
            <Row key={a.event} value={key} access={a} current={a.event === at} />
          ))}
        </ol>
      )}
    </aside>
  );
}
