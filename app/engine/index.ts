/**
 * The engine's public surface: re-exports only, so no module of the engine needs
 * to import it. Runs in the worker, in Node (CLI, tests), never needs a DOM.
 */
export { startRun, runValidated, runScenario } from './runner';
export type { RunResult, RunStream } from './runner';
export { ChainIndex } from './chainIndex';
export { loadAllVariants, loadVariant, variantMeta, VARIANTS } from './variants';
export { loadScenarioVariant } from './loading';
export { DEFAULT_BUDGET, OverBudget, type Budget } from './run/budget';
export { validateScenario, DEFAULT_SCENARIO_INPUT, DEFAULT_PARAMS, LIMITS } from './scenario';
export type { Scenario, ScenarioInput, Result, Edit, WorkloadOp, Params } from './scenario';
export type { Finding } from './checker';
export type { TraceEvent, Origin } from './run/trace';
export { Trace } from './run/trace';
export { valueHistory } from './run/valueHistory';
export type { ValueKey, ValueAccess } from './run/valueHistory';
export type { MmuState, KmemCache, RmapSummary, Change } from './model/state';
export type { ChainView, DescView } from './model/rmap';
export type { VariantDef, FunctionDef, StepDef, Source } from './variants/types';
export { sourceUrl, sourceLabel } from './variants/sources';
export * from './ids';
export { hex } from './bits';
export type { Advice, Link } from './checker';
export { align, alignEvents, orderingChanges, signature } from './compare/align';
export type { AlignedRow, OrderingChange, RowKind } from './compare/align';
export { compareFindings, compareRuns, diffStates, stateDiffs } from './compare/diff';
export type { CellDiff, Comparison, FindingsComparison, StateDiff } from './compare/diff';
export { compareJson, compareReport } from './compare/report';
export type { CompareFormat, CompareJson } from './compare/report';
