import { useAppStore, type AppState } from '../state/store';
import { CallStackPane } from './Panes';
import { lazyView } from './lazy';

/** The ordering editor is its own chunk: the call stack is the tab a visit starts on. */
export const OrderingPane = lazyView(
  () => import('./panes/OrderingPane').then((m) => m.OrderingPane),
  'the ordering editor',
  () => <p className="left-pane loading">Loading the ordering editor…</p>,
);

const TABS: { id: AppState['leftTab']; label: string }[] = [
  { id: 'stack', label: 'Call stack' },
  { id: 'ordering', label: 'Ordering' },
];

/** The call stack while stepping, or the ordering editor; both share the left column. */
export function LeftColumn() {
  const tab = useAppStore((s) => s.leftTab);
  const edits = useAppStore((s) => s.input.edits?.length ?? 0);
  const select = (id: AppState['leftTab']) => useAppStore.setState({ leftTab: id });
  return (
    <div className="area-stack left-column">
      <div
        role="tablist"
        aria-label="Left column"
        className="tabs"
        onKeyDown={(e) => {
          if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
          // Arrow keys move between tabs here, not through the trace.
          e.preventDefault();
          const next = TABS[(TABS.findIndex((t) => t.id === tab) + 1) % TABS.length]!.id;
          select(next);
          document.getElementById(`left-tab-${next}`)?.focus();
        }}
      >
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`left-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls="left-panel"
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => select(t.id)}
          >
            {t.label}
            {t.id === 'ordering' && edits > 0 && (
              <span className="count" aria-label={`${edits} edits`}>
                {edits}
              </span>
            )}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="left-panel" aria-labelledby={`left-tab-${tab}`}>
        {tab === 'stack' ? (
          <CallStackPane className="left-pane" />
        ) : (
          <OrderingPane className="left-pane" />
        )}
      </div>
    </div>
  );
}
