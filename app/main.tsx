import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startPlayback } from './state/playback';
import { startRunner } from './state/runner';
import { App } from './views/App';
import './views/styles.css';

startRunner();
startPlayback();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
