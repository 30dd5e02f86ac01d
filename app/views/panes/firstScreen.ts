/** The first screen's panes, one chunk that main.tsx starts fetching with the page (views/Panes.tsx). */
export { CachesPane } from './CachesPane';
export { CallStackPane } from './CallStackPane';
export { FindingsPane } from './FindingsPane';
export { MasksPane } from './MasksPane';
export { RmapPane } from './RmapPane';
