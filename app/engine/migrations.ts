/**
 * Every change to what links and scenario files store, in order: one numbered
 * migration sequence (the shape of tldraw's createMigrationSequence). New
 * migrations are appended, never edited or reordered: stored links name the number
 * of the last one their form had.
 *
 * - A link stores its form's number: `#sN/…` is form N, whose view `{ v: N, s, t, m?,
 *   g?, c? }` (app/share/codec.ts) carries it again as `v`; the readable
 *   `#scenario=<scenario JSON>` is form 0. Opening a link runs every migration after
 *   its number, and the app writes the newest form.
 * - A scenario file or CLI input is a bare scenario and carries no number: the
 *   scenario schema applies every step rename to it (currentStepId). So a rename
 *   must be safe to apply to ids that already have their new name.
 *
 * Plain data and functions of their arguments: the main thread reads links with
 * them (through view.ts), the schema and the CLI use the renames.
 */

import { own } from './own';

/** `<sequenceId>/<n>`: the nth migration, counting from 1. */
export type MigrationId = `${string}/${number}`;

type Stored = Record<string, unknown>;

export type Migration = {
  readonly id: MigrationId;
  /** What changed and why, for whoever reads an old link. */
  readonly what: string;
} & (
  | {
      /** Changes the link's view as a whole (form n-1 in, form n out). */
      readonly scope: 'link';
      readonly up: (stored: unknown) => unknown;
    }
  | {
      /** Changes each scenario a link holds (its own and the compared one). */
      readonly scope: 'scenario';
      readonly up: (scenario: Stored) => Stored;
      /** Step ids renamed (old → new), which unnumbered scenarios get too. */
      readonly renamedSteps?: Readonly<Record<string, string>>;
    }
);

export interface MigrationSequence {
  readonly sequenceId: string;
  readonly sequence: readonly Migration[];
  /** The number of the last migration: the form links are written in. */
  readonly version: number;
}

/** Checks that the ids count 1, 2, 3… in `sequenceId`, as stored links rely on. */
export function createMigrationSequence(opts: {
  sequenceId: string;
  sequence: readonly Migration[];
}): MigrationSequence {
  const { sequenceId, sequence } = opts;
  sequence.forEach((m, i) => {
    if (m.id !== `${sequenceId}/${i + 1}`)
      throw new Error(`migration ${i + 1} of ${sequenceId} is numbered ${m.id}`);
  });
  return { sequenceId, sequence, version: sequence.length };
}

const isObject = (x: unknown): x is Stored =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** A scenario migration that renames step ids in ordering edits (move and remove). */
function renameSteps(
  id: MigrationId,
  what: string,
  renamedSteps: Readonly<Record<string, string>>,
): Migration {
  const renamed = (x: unknown) => (typeof x === 'string' ? (own(renamedSteps, x) ?? x) : x);
  return {
    id,
    what,
    scope: 'scenario',
    renamedSteps,
    up: (scenario) =>
      Array.isArray(scenario.edits)
        ? {
            ...scenario,
            edits: scenario.edits.map((e: unknown) =>
              isObject(e)
                ? {
                    ...e,
                    ...('move' in e && { move: renamed(e.move) }),
                    ...('remove' in e && { remove: renamed(e.remove) }),
                  }
                : e,
            ),
          }
        : scenario,
  };
}

export const MIGRATIONS = createMigrationSequence({
  sequenceId: 'kvm-mmu-visualizer',
  sequence: [
    {
      id: 'kvm-mmu-visualizer/1',
      what: 'The readable link #scenario=<scenario JSON> becomes a view opened at step 0.',
      scope: 'link',
      up: (scenario) => ({ v: 1, s: scenario, t: 0 }),
    },
    renameSteps(
      'kvm-mmu-visualizer/2',
      'The TDX gate’s effect was named like the function that calls it; it has its own name since v7.1 was modelled (c2e5b15), so compare mode pairs it with itself (docs/kernel-model.md).',
      { 'tdx_bringup/tdx_bringup': 'tdx_bringup/tdx_gate' },
    ),
  ],
});

/**
 * A link's view of form `from`, carried to the newest form (its `v` says so). Never
 * throws: what is not a view is passed on for the link's reader to explain.
 */
export function migrateLink(from: number, stored: unknown): unknown {
  let view = stored;
  for (const [i, m] of MIGRATIONS.sequence.entries()) {
    if (i < from) continue;
    if (m.scope === 'link') view = m.up(view);
    else if (isObject(view))
      view = {
        ...view,
        ...(isObject(view.s) && { s: m.up(view.s) }),
        ...(isObject(view.c) && { c: m.up(view.c) }),
      };
    if (isObject(view) && 'v' in view) view = { ...view, v: i + 1 };
  }
  return view;
}

/** A bare scenario (a file, CLI input) with every scenario migration applied. */
export function migrateScenario(scenario: unknown): unknown {
  if (!isObject(scenario)) return scenario;
  return MIGRATIONS.sequence.reduce((s, m) => (m.scope === 'scenario' ? m.up(s) : s), scenario);
}

/** The step id `id` names today, after every rename in the sequence. */
export function currentStepId(id: string): string {
  return MIGRATIONS.sequence.reduce(
    (x, m) => (m.scope === 'scenario' && m.renamedSteps ? (own(m.renamedSteps, x) ?? x) : x),
    id,
  );
}
