import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startHashSync } from './share/hashSync';
import { startPlayback } from './state/playback';
import { startRunner } from './state/runner';
import { App } from './views/App';
import { startMotion } from './views/motion';
import './views/styles.css';

startHashSync(); // before the runner: a link decides what the first run is
startRunner();
startPlayback();
startMotion();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
