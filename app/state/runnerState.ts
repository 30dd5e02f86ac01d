/**
 * What the runner (runner.ts) remembers between worker messages, and what a message
 * does to it and to the store. Everything here is a function of its arguments, so
 * the bookkeeping is tested by feeding messages in (runnerState.test.ts), without a
 * worker, a browser or a store.
 */
import { Trace, type ScenarioInput, type TraceEvent } from '../engine/view';
import { pinnedPosition } from '../lessons/pins';
import type { Pin } from '../lessons/schema';
import type { RunMessage, RunStart } from '../worker/protocol';
import type { ComparisonOf } from './compareRunner';
import {
  DEFAULT_INPUT,
  emptyRun,
  NO_EDIT_HISTORY,
  type AppState,
  type OpenedLink,
  type RunView,
} from './store';

/**
 * Where to put the user once a run has streamed far enough: back on the same step
 * after an edit to the scenario (matched by step id), exactly on the step a link
 * names, or where a lesson step's pin finds its event.
 */
export interface Anchor {
  stepId: string | null;
  occurrence: number;
  step: number;
  exact: boolean;
  pin?: Pin;
}

/**
 * A scenario tried before it becomes the input (an ordering edit): `accept` (which
 * sets it as the input) is applied with its run's first message, in the same update,
 * or it is dropped with the reason.
 */
export interface Trial {
  runId: number;
  accept: Partial<AppState> & { input: ScenarioInput };
  /** Told the outcome: null once it is the input, or why it cannot run. */
  settle: (error: string | null) => void;
}

export interface RunnerState {
  anchor: Anchor | null;
  trial: Trial | null;
  /** The input of the latest run started, so committing a trial's input does not run it again. */
  running: ScenarioInput | null;
  /** The run a link opened: if its scenario cannot run, fall back to the default. */
  linkRun: number | null;
  /** The run asked to compare itself with the right side (compare mode), and for which sides. */
  compare: { runId: number; left: ScenarioInput; right: ScenarioInput } | null;
}

export const IDLE_RUNNER: RunnerState = {
  anchor: null,
  trial: null,
  running: null,
  linkRun: null,
  compare: null,
};

/** What a message does: the runner's state after it, and what to carry out, in this order. */
export interface Applied {
  runner: RunnerState;
  /** One store update (null: nothing to show), so a short run shows up in a single render. */
  update: Partial<AppState> | null;
  /** The trial this message decided, to be told. */
  settled: { trial: Trial; error: string | null } | null;
  /** A comparison the run brought back, for the compare runner (after the update: its row places the step). */
  comparison: ComparisonOf | null;
}

/** The user's place in the run shown: the step, as the step id and how many times it ran so far. */
export function currentAnchor(s: AppState): Anchor {
  const { run, step } = s;
  const events = run.trace?.events ?? [];
  const e = events[step - 1];
  if (!e) return { stepId: null, occurrence: 0, step, exact: false };
  const occurrence = events
    .slice(0, step)
    .filter((x) => x.stepId === e.stepId && x.title === e.title).length;
  return { stepId: e.stepId ? `${e.stepId}|${e.title}` : null, occurrence, step, exact: false };
}

/** Index + 1 of the anchor's event in `events` (`complete`: all of the run's), if it is there. */
function findAnchor(events: readonly TraceEvent[], a: Anchor, complete: boolean): number | null {
  if (a.pin) return pinnedPosition(events, a.pin, complete);
  if (a.exact) return events.length >= a.step ? a.step : null;
  if (!a.stepId) return null;
  let seen = 0;
  for (const e of events)
    if (e.stepId && `${e.stepId}|${e.title}` === a.stepId && ++seen === a.occurrence)
      return e.index + 1;
  return null;
}

/**
 * A run was started: of `input`, compared with `right` in compare mode, opened by a
 * link (`opened`) or tried as an edit (`trial`). The user stays where they are, or
 * goes where the link says.
 */
export function runStarted(
  s: AppState,
  start: {
    runId: number;
    input: ScenarioInput;
    right: ScenarioInput | null;
    opened?: OpenedLink | null;
    trial?: Omit<Trial, 'runId'>;
  },
): RunnerState {
  const { runId, input, right, opened, trial } = start;
  return {
    anchor: opened
      ? {
          stepId: null,
          occurrence: 0,
          step: opened.step,
          exact: true,
          ...(opened.pin && { pin: opened.pin }),
        }
      : currentAnchor(s),
    trial: trial ? { ...trial, runId } : null,
    running: input,
    linkRun: opened?.fallBack ? runId : null,
    compare: right ? { runId, left: input, right } : null,
  };
}

function startedRun(s: AppState, runId: number, start: RunStart): RunView {
  return {
    ...emptyRun(runId),
    status: 'running',
    scenario: start.scenario,
    variant: start.variant,
    edits: start.edits,
    trace: new Trace(start.initial),
    gfns: s.run.gfns,
  };
}

/** The comparison message `m` carries, if its run was the one asked to compare itself. */
function comparisonOf(r: RunnerState, m: RunMessage): ComparisonOf | null {
  if (!m.comparison || r.compare?.runId !== m.runId) return null;
  return { left: r.compare.left, right: r.compare.right, answer: m.comparison };
}

/**
 * What worker message `m` does, with `s` the store as it is. The one effect inside:
 * streamed events are appended to the run's Trace, which grows in place (the new
 * RunView's `version` says so).
 */
export function applyRunMessage(r: RunnerState, s: AppState, m: RunMessage): Applied {
  const o = m.outcome;
  let accepted: Partial<AppState> = {};
  let settled: Applied['settled'] = null;
  if (r.trial?.runId === m.runId) {
    const trial = r.trial;
    r = { ...r, trial: null };
    if (o?.status === 'invalid')
      return {
        runner: { ...r, anchor: null, running: s.input },
        update: null,
        settled: { trial, error: o.error },
        comparison: null,
      };
    accepted = trial.accept;
    settled = { trial, error: null };
  }
  const nothingShown = (): Applied => ({
    runner: r,
    update: Object.keys(accepted).length ? accepted : null,
    settled,
    comparison: null,
  });
  if (o?.status === 'cancelled') {
    // Only the user's Cancel reaches here (the client drops the runs it moved on from).
    if (s.run.runId !== m.runId || !s.run.trace) return nothingShown();
    return {
      runner: { ...r, anchor: null },
      update: {
        run: {
          ...s.run,
          status: 'cancelled',
          error: `Cancelled after ${s.run.trace.length} steps: the rest of this scenario did not run`,
        },
      },
      settled,
      comparison:
        r.compare?.runId === m.runId
          ? { left: r.compare.left, right: r.compare.right, answer: { failed: 'Cancelled.' } }
          : null,
    };
  }
  if (o?.status === 'invalid') {
    r = { ...r, anchor: null };
    const comparison = comparisonOf(r, m);
    if (o.runId === r.linkRun)
      return {
        runner: { ...r, linkRun: null },
        update: {
          input: DEFAULT_INPUT,
          view: 'single',
          compareInput: null,
          notice: `This link’s scenario could not run: ${o.error}. Showing the default scenario instead.`,
          ...NO_EDIT_HISTORY,
        },
        settled,
        comparison,
      };
    // Keep showing the last good run; say why this one could not run.
    return {
      runner: r,
      update: { run: { ...s.run, runId: o.runId, status: 'invalid', error: o.error } },
      settled,
      comparison,
    };
  }
  let run = m.start ? startedRun(s, m.runId, m.start) : s.run;
  const trace = run.trace;
  if (!trace || run.runId !== m.runId) return nothingShown();
  if (m.events.length) {
    trace.append(m.events);
    run = { ...run, version: run.version + 1 };
  }
  if (m.progress !== undefined && m.progress !== run.progress)
    run = { ...run, progress: m.progress };
  const update: Partial<AppState> = { ...accepted, run };
  if (m.start) update.chain = null;
  const a = r.anchor;
  const placed = a ? findAnchor(trace.events, a, o?.status === 'done') : null;
  if (placed !== null) {
    r = { ...r, anchor: null };
    update.step = placed;
  }
  if (o) {
    r = { ...r, anchor: null };
    update.run = {
      ...run,
      status: 'done',
      findings: o.findings,
      faults: o.faults,
      notes: o.notes,
      gfns: o.gfns,
      rmapCapacity: o.rmapCapacity,
    };
    update.gfn = s.gfn !== null && o.gfns.includes(s.gfn) ? s.gfn : (o.gfns[0] ?? null);
    // An anchor the run never reached: as close as the run goes.
    if (placed === null) update.step = Math.min(a ? a.step : s.step, trace.length);
  }
  return { runner: r, update, settled, comparison: comparisonOf(r, m) };
}

/** Run `runId`'s worker died: say why (`error`, a sentence from the client), and fail its comparison. */
export function applyRunFailure(
  r: RunnerState,
  s: AppState,
  runId: number,
  error: string,
): Applied {
  return {
    runner: r,
    update: {
      run: {
        ...s.run,
        runId,
        status: 'failed',
        error,
      },
    },
    settled: null,
    comparison:
      r.compare?.runId === runId
        ? { left: r.compare.left, right: r.compare.right, answer: { failed: error } }
        : null,
  };
}
