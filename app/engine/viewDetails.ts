/**
 * The rest of the engine's main-thread surface: what only the panes and the views in
 * lazy chunks use. It is apart from view.ts because the build keeps every module that
 * view.ts re-exports a value from in the main chunk, used there or not
 * (docs/performance.md, "Bundle"). Types stay in view.ts: they cost nothing.
 */
export { LEGEND, fieldOf } from './legend';
export { configShown } from './model/globals';
export { SLAB_NOTES } from './model/slub';
export { reachable, moduleEntry } from './variants/graph';
export { cellsAt } from './compare/sideBySide';
export { shownValue } from './compare/diff';
export { TRACE_ROW_MARK, TRACE_ROW_WORDS, captureTooLarge } from './ftrace/words';
