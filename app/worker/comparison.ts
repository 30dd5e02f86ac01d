/** Compare mode's code, a chunk of its own: the worker loads it for the first comparison (api.ts). */
import { compareRuns } from '../engine/compare/diff';
import type { RunResult } from '../engine/runner';
import { sideBySide, type CompareView } from '../engine/compare/sideBySide';

/** `left` against `right`, as compare mode draws it. */
export const compareSideBySide = (left: RunResult, right: RunResult): CompareView =>
  sideBySide(compareRuns(left, right));
