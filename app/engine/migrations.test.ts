/** The migration sequence: numbered without gaps, and each kind of stored thing carried forward. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createMigrationSequence,
  currentStepId,
  migrateLink,
  migrateScenario,
  MIGRATIONS,
} from './migrations';
import { validateScenario } from './scenario';

const OLD_GATE = 'tdx_bringup/tdx_bringup';
const GATE = 'tdx_bringup/tdx_gate';
const tdx = (edits: unknown[]) => ({
  v: 1,
  kernel: 'latest',
  vendor: 'intel',
  params: { tdx: true },
  edits,
});

describe('the sequence', () => {
  it('is numbered 1, 2, 3… in its own name, as stored links count on', () => {
    expect(MIGRATIONS.sequence.map((m) => m.id)).toEqual(
      MIGRATIONS.sequence.map((_, i) => `kvm-mmu-visualizer/${i + 1}`),
    );
    expect(MIGRATIONS.version).toBe(MIGRATIONS.sequence.length);
    const up = (x: unknown) => x;
    expect(() =>
      createMigrationSequence({
        sequenceId: 'x',
        sequence: [
          { id: 'x/1', what: '', scope: 'link', up },
          { id: 'x/3', what: '', scope: 'link', up },
        ],
      }),
    ).toThrow('migration 2 of x is numbered x/3');
  });
});

describe('links', () => {
  it('form 0, a bare scenario, becomes the newest view at step 0, its steps renamed', () => {
    expect(migrateLink(0, tdx([{ move: OLD_GATE, to: 'vmx_init', index: 0 }]))).toEqual({
      v: MIGRATIONS.version,
      s: tdx([{ move: GATE, to: 'vmx_init', index: 0 }]),
      t: 0,
    });
  });

  it('form 1: both scenarios renamed, the rest of the view as it was', () => {
    const view = { v: 1, s: tdx([{ remove: OLD_GATE }]), t: 9, m: 'compare', g: 3, c: tdx([]) };
    expect(migrateLink(1, view)).toEqual({ ...view, v: 2, s: tdx([{ remove: GATE }]) });
  });

  it('the newest form is left alone, and whatever is not a view is passed on, never thrown at', () => {
    const view = { v: MIGRATIONS.version, s: tdx([{ remove: OLD_GATE }]) };
    expect(migrateLink(MIGRATIONS.version, view)).toBe(view);
    fc.assert(
      fc.property(fc.nat(MIGRATIONS.version), fc.jsonValue({ maxDepth: 4 }), (from, stored) => {
        migrateLink(from, stored);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});

describe('files and CLI input (no form number)', () => {
  it('get every step rename, in the scenario and in the schema, and keep everything else', () => {
    const old = tdx([
      { move: OLD_GATE, to: 'vmx_init', index: 0 },
      { move: 'vmx_init/kvm_init', to: OLD_GATE, index: 1 },
    ]);
    expect(migrateScenario(old)).toEqual(
      tdx([
        { move: GATE, to: 'vmx_init', index: 0 },
        // `to` names a function, not a step: a step's rename does not touch it.
        { move: 'vmx_init/kvm_init', to: OLD_GATE, index: 1 },
      ]),
    );
    expect(migrateScenario(migrateScenario(old))).toEqual(migrateScenario(old));
    expect(currentStepId(OLD_GATE)).toBe(GATE);
    expect(currentStepId(GATE)).toBe(GATE);
    const v = validateScenario(tdx([{ remove: OLD_GATE }]));
    expect(v.ok && v.value.edits).toEqual([{ remove: GATE }]);
  });

  it('a step id that only looks like an object key is not renamed', () => {
    expect(currentStepId('toString')).toBe('toString');
    expect(currentStepId('__proto__')).toBe('__proto__');
  });
});
