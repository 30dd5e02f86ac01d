import { useEffect, useState } from 'react';
import { openDroppedFile } from '../share/files';
import { handleKey } from '../state/commands';
import { useAppStore } from '../state/store';
import { CachesPane } from './panes/CachesPane';
import { FindingsPane } from './panes/FindingsPane';
import { MasksPane } from './panes/MasksPane';
import { RmapPane } from './panes/RmapPane';
import { AlignedRowsPane } from './compare/AlignedRowsPane';
import { CompareFindingsPane } from './compare/CompareFindingsPane';
import { DifferencesPane } from './compare/DifferencesPane';
import { ReviewPane } from './compare/ReviewPane';
import './compare/compare.css';
import { TraceView } from './trace/TraceView';
import './trace/trace.css';
import { EmbedApp } from './EmbedApp';
import { Header } from './Header';
import { Layout } from './Layout';
import { LeftColumn } from './LeftColumn';
import { ValueHistoryPanel } from './history/ValueHistoryPanel';
import { Notices } from './Notices';
import { PlaybackBar } from './PlaybackBar';
import { Dialogs } from './Dialogs';
import { trackFocusOrigin, wasFocusedByPointer } from './focusOrigin';
import { LessonPanel } from './lesson/LessonPanel';

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
      if (file) void openDroppedFile(file);
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
  const dragging = useFileDrop();
  const compare = useAppStore((s) => s.view === 'compare');
  const traceOpen = useAppStore((s) => s.traceCheck.capture !== null);
  if (EMBED) return <EmbedApp />;
  return (
    <div className="app">
      <Header />
      <Notices />
      {!traceOpen && <PlaybackBar />}
      {!traceOpen && <LessonPanel />}
      {traceOpen ? (
        <Layout className="trace-layout">
          <TraceView />
        </Layout>
      ) : compare ? (
        <Layout className="layout compare">
          <LeftColumn />
          <AlignedRowsPane className="area-aligned" />
          <DifferencesPane className="area-differences" />
          <CompareFindingsPane className="area-findings" />
          <ReviewPane className="area-review" />
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
      <ValueHistoryPanel />
      <Dialogs />
      {dragging && (
        <div className="drop-hint" aria-hidden="true">
          Drop a scenario file or an ftrace capture to open it
        </div>
      )}
    </div>
  );
}
