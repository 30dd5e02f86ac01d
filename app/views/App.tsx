import { useEffect, useState } from 'react';
import { loadFiles, openWith } from '../share/loadFiles';
import { handleKey } from '../state/commands';
import { loadLessons } from '../state/lesson';
import { useAppStore } from '../state/store';
import { loadDefinitions } from './Glossary';
import { Header } from './Header';
import { loadExporters } from './ShareMenu';
import { Layout } from './Layout';
import { loadMoreParams } from './MoreParams';
import { LeftColumn, OrderingPane } from './LeftColumn';
import { Notices } from './Notices';
import { CachesPane, FindingsPane, MasksPane, RmapPane } from './Panes';
import { PlaybackBar } from './PlaybackBar';
import { DIALOG_CHUNKS, Dialogs } from './Dialogs';
import { trackFocusOrigin, wasFocusedByPointer } from './focusOrigin';
import { lazyView, preloadWhenIdle } from './lazy';

const ComparePanes = lazyView(
  () => import('./compare/ComparePanes').then((m) => m.ComparePanes),
  'the comparison',
  () => <p className="panel area-aligned loading">Loading the comparison…</p>,
);
const TraceView = lazyView(
  () => import('./trace/TraceView').then((m) => m.TraceView),
  'the trace view',
  () => <p className="panel loading">Loading the trace view…</p>,
);
const EmbedApp = lazyView(() => import('./EmbedApp').then((m) => m.EmbedApp), 'the player');
/** Both render nothing until a lesson or a value's history is open. */
const LessonPanel = lazyView(
  () => import('./lesson/LessonPanel').then((m) => m.LessonPanel),
  'the lesson',
);
const ValueHistoryPanel = lazyView(
  () => import('./history/ValueHistoryPanel').then((m) => m.ValueHistoryPanel),
  'the value’s history',
);

/** ?embed=1: the compact player for slides and blog posts. */
const EMBED = new URLSearchParams(location.search).get('embed') === '1';

/** The keyboard shortcuts, wherever the focus is (the rules are in state/commands.ts). */
function useGlobalKeys() {
  useEffect(() => {
    const stopTracking = trackFocusOrigin();
    const onKey = (e: KeyboardEvent) => {
      if (handleKey(e, { byPointer: wasFocusedByPointer(e.target) })) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      stopTracking();
    };
  }, []);
}

/** Dropping a scenario file or an ftrace capture anywhere opens it. */
function useFileDrop(): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (file) openWith(file, (files) => files.openDroppedFile(file));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return dragging;
}

export function App() {
  const theme = useAppStore((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useGlobalKeys();
  useEffect(() => {
    // After first paint, what a visitor is likely to open next, so it opens without a wait.
    if (!EMBED)
      preloadWhenIdle([
        loadDefinitions,
        loadLessons,
        OrderingPane.preload,
        ...DIALOG_CHUNKS,
        ValueHistoryPanel.preload,
        LessonPanel.preload,
        ComparePanes.preload,
        TraceView.preload,
        loadExporters,
        loadFiles,
        loadMoreParams,
      ]);
  }, []);
  const dragging = useFileDrop();
  const compare = useAppStore((s) => s.view === 'compare');
  const traceOpen = useAppStore((s) => s.traceCheck.capture !== null);
  const lesson = useAppStore((s) => s.lesson !== null);
  const history = useAppStore((s) => s.history !== null);
  if (EMBED) return <EmbedApp />;
  return (
    <div className="app">
      <Header />
      <Notices />
      {!traceOpen && <PlaybackBar />}
      {!traceOpen && lesson && <LessonPanel />}
      {traceOpen ? (
        <Layout className="trace-layout">
          <TraceView />
        </Layout>
      ) : compare ? (
        <Layout className="layout compare">
          <LeftColumn />
          <ComparePanes />
        </Layout>
      ) : (
        <Layout className="layout">
          <LeftColumn />
          <MasksPane className="area-masks" />
          <FindingsPane className="area-findings" />
          <CachesPane className="area-caches" />
          <RmapPane className="area-rmaps" />
        </Layout>
      )}
      {history && <ValueHistoryPanel />}
      <Dialogs />
      {dragging && (
        <div className="drop-hint" aria-hidden="true">
          Drop a scenario file or an ftrace capture to open it
        </div>
      )}
    </div>
  );
}
