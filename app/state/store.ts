/**
 * The app's zustand store. Data lives here; derived values come from selectors.ts.
 * Actions are plain functions in actions.ts (the worker runner is not a component).
 * createAppStore() makes an instance (tests, and any view that needs a second one,
 * own theirs); useAppStore is the one the app renders.
 */
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type {
  ChainView,
  CompareView,
  Edit,
  EditAttribution,
  FaultReport,
  Finding,
  Scenario,
  ScenarioInput,
  Trace,
  ValueAccess,
  ValueKey,
  VariantDef,
  VariantId,
  TraceCheckJson,
} from '../engine/view';
import { NEWEST_LONGTERM } from '../engine/view';
import type { LessonPlace, Pin } from '../lessons';
import type { CatalogEntry, EventView } from '../worker/protocol';

export interface RunView {
  runId: number;
  /** 'cancelled': stopped by the user, the events it streamed so far shown. */
  status: 'idle' | 'running' | 'done' | 'invalid' | 'failed' | 'cancelled';
  error: string | null;
  /** While running: the share of its estimated work done, 0 to 1. */
  progress: number;
  scenario: Scenario | null;
  variant: VariantDef | null;
  edits: string[];
  trace: Trace | null;
  /** Bumped whenever streamed events are appended (the Trace grows in place). */
  version: number;
  findings: Finding[];
  faults: FaultReport[];
  notes: string[];
  gfns: number[];
  /** Sptes per pte_list_desc in the run's VM (from the engine, once the run is done). */
  rmapCapacity: number | null;
}

export type ViewMode = 'single' | 'compare';

/** A view as a link, a scenario file or the last session describes it (app/share reads and writes them). */
export interface LinkState {
  scenario: ScenarioInput;
  /** Steps applied (0 = before kvm.ko loads). */
  step: number;
  view: ViewMode;
  gfn: number | null;
  /** The right-hand scenario in compare mode. */
  compare: ScenarioInput | null;
  /** The lesson and step being taken, if any (a link opens the lesson there). */
  lesson?: LessonPlace;
}

export interface EditHistory {
  edits: Edit[];
  undo: Edit[][];
  redo: Edit[][];
}

/** Compare mode's comparison of the left (input) and right (compareInput) scenarios. */
export interface ComparisonState {
  /** Counts the comparisons shown (tests and the benchmark wait on it). */
  id: number;
  status: 'idle' | 'running' | 'done' | 'invalid' | 'failed';
  view: CompareView | null;
  /** Why the latest comparison could not be made (the last good one stays shown). */
  error: string | null;
}

/** A function_graph capture as a file gave it. */
export interface TraceFile {
  name: string;
  text: string;
}

/** A real kernel's capture held against the model (docs/ground-truth.md). */
export interface TraceCheckState {
  /** A capture being opened: checked in the worker before it replaces what is shown. */
  opening: TraceFile | null;
  /** The capture shown; the trace view is open while it is set. */
  capture: TraceFile | null;
  /** Counts the checks shown (tests wait on it). */
  id: number;
  status: 'idle' | 'checking' | 'done' | 'failed';
  view: TraceCheckJson | null;
  /** Why the latest check could not be made (the last good one stays shown). */
  error: string | null;
}

export const NO_TRACE: TraceCheckState = {
  opening: null,
  capture: null,
  id: 0,
  status: 'idle',
  view: null,
  error: null,
};

/** What the worker worked out for run `runId`, or why it could not. */
export type WorkerAnswer<T> = { runId: number } & ({ value: T } | { error: string });

export interface AppState {
  /** The scenario as the controls (or a link or file) set it. */
  input: ScenarioInput;
  catalog: CatalogEntry[];
  run: RunView;
  /** How many trace events have been applied: 0 = nothing loaded yet, trace.length = the end. */
  step: number;
  playing: boolean;
  /** Steps per second while playing. */
  speed: number;
  /** The gfn whose chain the reverse-map view draws. */
  gfn: number | null;
  /** The selected gfn's chain, as of a workload tick (steps with the same tick share it). */
  chain: { runId: number; gfn: number; tick: number | null; view: ChainView } | null;
  /** Earlier and undone versions of input.edits, for Undo and Redo. */
  editUndo: Edit[][];
  editRedo: Edit[][];
  /** Edits (and their history) of the kernels the user switched away from, kept for when they switch back. */
  parkedEdits: Partial<Record<VariantId, EditHistory>>;
  /** The left column shows the call stack or the ordering editor. */
  leftTab: 'stack' | 'ordering';
  /** One scenario, or two side by side. */
  view: ViewMode;
  /** The right-hand scenario in compare mode. */
  compareInput: ScenarioInput | null;
  comparison: ComparisonState;
  /** An opened capture against the model's run of `input`; shown over the panes while open. */
  traceCheck: TraceCheckState;
  /**
   * Compare mode: the right run's event at the current row (it stays on its previous
   * event on rows only the left has), for the right side's call stack. `view` is null
   * before the right run's first event.
   */
  rightEvent: { comparisonId: number; rightStep: number; view: EventView | null } | null;
  /**
   * Compare mode's cursor: aligned rows applied (0 = none). It also places `step`,
   * the left run's position, so the call stack follows the rows.
   */
  compareRow: number;
  /** The value whose history is open (its panel, its marks on the timeline, [ and ]); kept while stepping and across runs. */
  history: ValueKey | null;
  /** The history of an rmap head, from the worker (those of globals and caches are derived: valueHistory.ts). */
  rmapHistory: (WorkerAnswer<ValueAccess[]> & { gfn: number }) | null;
  /** Which edit produced each of the run's findings, once the worker has worked it out. */
  attribution: WorkerAnswer<EditAttribution> | null;
  theme: 'light' | 'dark';
  /** The dialog open over the app: the welcome (which is also the help), the glossary or the legend. */
  dialog: Dialog | null;
  /**
   * The lesson being taken, and the scenario its current step set (the user may
   * change the scenario under a lesson; the lesson then offers to go back).
   * `afterRun`: the run shown when the step was opened; the step's own run is the
   * next one shown (the worker client drops runs it has moved on from).
   */
  lesson: (LessonPlace & { input: ScenarioInput; afterRun: number }) | null;
  /** A notice for the user (e.g. why a link could not be used). */
  notice: string | null;
  /**
   * What the link, file or session opened last asks of the run it starts: the step to
   * place once the run has streamed that far, and whether to fall back to the default
   * scenario if it cannot run. Set in the same update as the input it opened.
   */
  opened: OpenedLink | null;
}

export interface OpenedLink {
  step: number;
  fallBack: boolean;
  /** A lesson step's place, found in the run by step id (it wins over `step`). */
  pin?: Pin;
}

export type Dialog = 'help' | 'glossary' | 'legend';

export const emptyRun = (runId = 0): RunView => ({
  runId,
  status: 'idle',
  error: null,
  progress: 0,
  scenario: null,
  variant: null,
  edits: [],
  trace: null,
  version: 0,
  findings: [],
  faults: [],
  notes: [],
  gfns: [],
  rmapCapacity: null,
});

export const initialAppState = (input: ScenarioInput): AppState => ({
  input,
  catalog: [],
  run: emptyRun(),
  step: 0,
  playing: false,
  speed: 8,
  gfn: null,
  chain: null,
  editUndo: [],
  editRedo: [],
  parkedEdits: {},
  leftTab: 'stack',
  view: 'single',
  compareInput: null,
  comparison: { id: 0, status: 'idle', view: null, error: null },
  traceCheck: NO_TRACE,
  rightEvent: null,
  compareRow: 0,
  history: null,
  rmapHistory: null,
  attribution: null,
  theme:
    typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
      ? 'dark'
      : 'light',
  dialog: null,
  lesson: null,
  notice: null,
  opened: null,
});

/** The scenario with exactly these ordering edits (none: no `edits` field, as links write it). */
export function withEdits(input: ScenarioInput, edits: Edit[]): ScenarioInput {
  const { edits: _old, ...rest } = input;
  return edits.length ? { ...rest, edits } : rest;
}

/** A link, file, ready-made comparison or the default scenario replaces the edits and their history. */
export const NO_EDIT_HISTORY = {
  editUndo: [],
  editRedo: [],
  parkedEdits: {},
} satisfies Partial<AppState>;

/**
 * What the app shows when nothing else (a link, a file, the last session) says
 * otherwise: the newest long-term-support kernel the app models (engine/releases.ts).
 */
export const DEFAULT_INPUT: ScenarioInput = { v: 1, kernel: NEWEST_LONGTERM, vendor: 'intel' };

/** The default scenario, opened at its start. */
export const DEFAULT_LINK: LinkState = {
  scenario: DEFAULT_INPUT,
  step: 0,
  view: 'single',
  gfn: null,
  compare: null,
};

export type AppStore = UseBoundStore<StoreApi<AppState>>;

/** A store of its own, opened on `input`. */
export const createAppStore = (input: ScenarioInput = DEFAULT_INPUT): AppStore =>
  create<AppState>()(() => initialAppState(input));

/** The app's store. */
export const useAppStore = createAppStore();
