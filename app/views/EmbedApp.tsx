import { vendorModule } from '../engine/view';
import { useAppStore } from '../state/store';
import { appUrl } from './appUrl';
import { CallStackPane } from './panes/CallStackPane';
import { MasksPane } from './panes/MasksPane';
import { RmapPane } from './panes/RmapPane';
import { AlignedRowsPane } from './compare/AlignedRowsPane';
import './compare/compare.css';
import { Dialogs } from './Dialogs';
import { Layout } from './Layout';
import { LessonEmbed } from './lesson/LessonEmbed';
import { Notices } from './Notices';
import { PlaybackBar } from './PlaybackBar';

/** The player alone: no editing controls, a link back to the full app on the same view. */
export function EmbedApp() {
  const lesson = useAppStore((s) => s.lesson !== null);
  return (
    <>
      {lesson ? <LessonEmbed /> : <Player />}
      <Dialogs />
    </>
  );
}

function Player() {
  const title = useAppStore(
    (s) => s.catalog.find((c) => c.id === s.input.kernel)?.title ?? s.input.kernel,
  );
  const vendor = useAppStore((s) => s.input.vendor);
  const hasWorkload = useAppStore((s) => (s.input.workload?.length ?? 0) > 0);
  // A compare link embeds as the aligned steps, stepped together.
  const right = useAppStore((s) =>
    s.view === 'compare' ? (s.compareInput?.kernel ?? null) : null,
  );
  return (
    <div className="app embed">
      <header className="embed-header">
        <h1>
          {title}
          {right && <> vs {right}</>}
        </h1>
        <span>{vendorModule(vendor)}</span>
        <a href={appUrl(location.hash)} target="_blank" rel="noreferrer">
          Open in the KVM MMU visualizer ↗
        </a>
      </header>
      <Notices />
      <PlaybackBar />
      <Layout className="layout embed-layout">
        <CallStackPane className="area-stack" />
        {right ? (
          <AlignedRowsPane className="area-masks" />
        ) : hasWorkload ? (
          <RmapPane className="area-masks" />
        ) : (
          <MasksPane className="area-masks" />
        )}
      </Layout>
    </div>
  );
}
