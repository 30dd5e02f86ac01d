import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initialLinkOpensLesson, startHashSync } from './share/hashSync';
import { loadLessons } from './state/lesson';
import { startPlayback } from './state/playback';
import { startRunner } from './state/runner';
import { App } from './views/App';
import { ErrorBoundary } from './views/ErrorBoundary';
import { startMotion } from './views/motion';
import { startLoadingPanes } from './views/Panes';
import { openWelcomeOnFirstVisit } from './views/firstVisit';
import './views/styles.css';

function start() {
  startHashSync(); // before the runner: a link decides what the first run is
  startRunner();
  startPlayback();
  startMotion();

  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ErrorBoundary>
        <App />
      </ErrorBoundary>
    </StrictMode>,
  );
}

startLoadingPanes(); // with the page, alongside the worker, not in idle time
openWelcomeOnFirstVisit(); // before the hash is synced: only a visit without a link is greeted
// The lessons are a chunk of their own: a link into one waits for them, so the lesson runs first.
if (initialLinkOpensLesson()) void loadLessons().then(start);
else start();
