/**
 * The engine's surface for the main thread: trace replay and presentation facts
 * only. Nothing here runs the model — that happens in the worker — so the UI bundle
 * stays small and the main thread never blocks on a run. What only the panes and
 * the lazy chunks' views need is in viewDetails.ts.
 */
export { Trace, CHECKPOINT_EVERY } from './run/trace';
export type { TraceEvent, Origin, EventKind } from './run/trace';
export { valueHistory } from './run/valueHistory';
export type { ValueKey, ValueAccess } from './run/valueHistory';
export type { EditAttribution, FindingSource } from './attribution';
export { hex, setBits } from './bits';
export type { BitField, PagingFormat } from './legend';
export type { CompareView, CompareRow, CompareFinding, RowHalf } from './compare/sideBySide';
export type { CellDiff } from './compare/diff';
export { MAIL, sourceUrl, sourceLabel } from './variants/sources';
export { FAULT_POINT_WORDS, FINDING_WORDS } from './words';
export * from './ids';
export type { MmuState, KmemCache, RmapSummary, Change, ConfigValue } from './model/state';
export { applyChange } from './model/state';
export type { ChainView, DescView } from './model/rmap';
export type { VariantDef, FunctionDef, StepDef, Source, LabelDef } from './variants/types';
export type { Finding, Link } from './checker';
export type { FaultReport } from './run/interpreter';
export type { Scenario, ScenarioInput, Edit, WorkloadOp, Params } from './scenario';
export { DEFAULT_PARAM_VALUES } from './params';
export { LIMITS } from './limits';
export { NEWEST_LONGTERM, seriesOfId } from './releases';
export { MIGRATIONS, migrateLink, migrateScenario } from './migrations';
export { scenarioShapeError } from './scenarioShape';
export { clipped, quoted, shownMessage, showBidiControls } from './echo';
export { stepLabel } from './words';
export type { TraceRowKind } from './ftrace/words';
export type { TraceCheckJson } from './ftrace/report';
