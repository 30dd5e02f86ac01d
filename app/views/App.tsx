import { useEffect } from 'react';
import { handleKey } from '../state/commands';
import { useAppStore } from '../state/store';
import { CachesPane } from './panes/CachesPane';
import { CallStackPane } from './panes/CallStackPane';
import { FindingsPane } from './panes/FindingsPane';
import { MasksPane } from './panes/MasksPane';
import { RmapPane } from './panes/RmapPane';
import { Header } from './Header';
import { HelpOverlay } from './HelpOverlay';
import { Notices } from './Notices';
import { PlaybackBar } from './PlaybackBar';

export function App() {
  const theme = useAppStore((s) => s.theme);
  const runId = useAppStore((s) => s.run.runId);
  const status = useAppStore((s) => s.run.status);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (handleKey(e)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="app">
      <Header />
      <Notices />
      <PlaybackBar />
      <main className="layout" data-run-id={runId} data-run-status={status}>
        <CallStackPane className="area-stack" />
        <MasksPane className="area-masks" />
        <FindingsPane className="area-findings" />
        <CachesPane className="area-caches" />
        <RmapPane className="area-rmaps" />
      </main>
      <HelpOverlay />
    </div>
  );
}
