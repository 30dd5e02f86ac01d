import { lessonById, type Pane } from '../../lessons';
import { useAppStore } from '../../state/store';
import { appUrl } from '../appUrl';
import { Layout } from '../Layout';
import { Notices } from '../Notices';
import { PlaybackBar } from '../PlaybackBar';
import { CachesPane } from '../panes/CachesPane';
import { CallStackPane } from '../panes/CallStackPane';
import { FindingsPane } from '../panes/FindingsPane';
import { MasksPane } from '../panes/MasksPane';
import { RmapPane } from '../panes/RmapPane';
import { LessonPanel } from './LessonPanel';

/** The pane next to the call stack: the one the step points at (the masks when it points at the player or the stack). */
function PointedPane({ pane }: { pane: Pane | undefined }) {
  if (pane === 'caches') return <CachesPane className="area-masks" />;
  if (pane === 'rmaps') return <RmapPane className="area-masks" />;
  if (pane === 'findings') return <FindingsPane className="area-masks" />;
  return <MasksPane className="area-masks" />;
}

/** ?embed=1 with a lesson in the link: the lesson for slides and posts, one step at a time. */
export function LessonEmbed() {
  const lesson = useAppStore((s) => (s.lesson ? lessonById(s.lesson.id) : undefined));
  const pane = useAppStore((s) =>
    s.lesson ? lesson?.steps[s.lesson.step]?.highlight?.pane : undefined,
  );
  if (!lesson) return null;
  return (
    <div className="app embed lesson-embed">
      <header className="embed-header">
        <h1>{lesson.title}</h1>
        <a href={appUrl(location.hash)} target="_blank" rel="noreferrer">
          Open in the KVM MMU visualizer ↗
        </a>
      </header>
      <Notices />
      <LessonPanel embedded />
      <PlaybackBar />
      <Layout className="layout embed-layout">
        <CallStackPane className="area-stack" />
        <PointedPane pane={pane} />
      </Layout>
    </div>
  );
}
