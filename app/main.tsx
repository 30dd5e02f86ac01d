import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startHashSync } from './share/hashSync';
import { startPlayback } from './state/playback';
import { startRunner } from './state/runner';
import { App } from './views/App';
import { ErrorBoundary } from './views/ErrorBoundary';
import { startMotion } from './views/motion';
import { openWelcomeOnFirstVisit } from './views/firstVisit';
import './views/styles.css';

openWelcomeOnFirstVisit(); // before the hash is synced: only a visit without a link is greeted
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
