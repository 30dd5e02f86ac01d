/**
 * State and findings differences between aligned runs, checked against the
 * kernel facts the variants encode (cache sizes, the memtype mask, MMIO caching).
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../checker';
import type { RunResult } from '../index';
import { finalOf, mustRun } from '../testing';
import { align } from './align';
import { compareFindings, compareRuns, diffStates, stateDiffs, type CellDiff } from './diff';

const UNLOAD = { modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'] };
const cell = (cells: CellDiff[], key: string) => cells.find((c) => c.key === key);

describe('state differences', () => {
  it('identical runs: no differences anywhere, every finding in both', () => {
    const r = mustRun('bad-reset-after-setup', 'amd', UNLOAD);
    const c = compareRuns(r, r);
    expect(c.stateDiffs).toEqual([]);
    expect(c.firstDivergence).toBeNull();
    expect(c.final).toEqual([]);
    expect(c.findings.both).toHaveLength(r.findings.length);
    expect(c.findings.onlyLeft).toEqual([]);
    expect(c.findings.onlyRight).toEqual([]);
  });

  it('seed-p2 vs alt-configure-mmu: caches created in different functions, then sized differently', () => {
    const l = mustRun('seed-p2', 'intel', UNLOAD);
    const r = mustRun('alt-configure-mmu', 'intel', UNLOAD);
    const c = compareRuns(l, r);
    // kvm_configure_mmu() sets nr_sptes_per_pte_list, a global seed-p2 does not have.
    expect(c.firstDivergence!.cells).toEqual([
      { section: 'config', key: 'nr_sptes_per_pte_list', left: null, right: '2' },
    ]);
    expect(r.trace.events[c.firstDivergence!.right]!.stepId).toBe(
      'kvm_configure_mmu/configure_mmu',
    );
    // The alternative has its caches inside hardware_setup(); seed-p2 only after ops_update.
    const created = c.stateDiffs.find((d) => cell(d.cells, 'pte_list_desc'))!;
    expect(cell(created.cells, 'pte_list_desc')).toEqual({
      section: 'caches',
      key: 'pte_list_desc',
      left: null,
      right: '32 B, 0 objects',
    });
    expect(cell(created.cells, 'mmu_shrinker')).toMatchObject({
      left: 'unregistered',
      right: 'registered',
    });
    expect(r.trace.events[created.right]!.stack).toContain('hardware_setup');
    // Once both created them, only the object size differs (128 vs 16 + 2·8 bytes).
    expect(c.final).toEqual([
      {
        section: 'caches',
        key: 'pte_list_desc',
        left: '128 B, 0 objects, destroyed',
        right: '32 B, 0 objects, destroyed',
      },
      { section: 'config', key: 'nr_sptes_per_pte_list', left: null, right: '2' },
    ]);
  });

  it('v5.19 vs v6.0: the memtype mask exists only in v6.0 (EPT writes 0x78)', () => {
    const c = compareRuns(mustRun('v5.19', 'intel'), mustRun('v6.0', 'intel'));
    expect(cell(c.final, 'shadow_memtype_mask')).toEqual({
      section: 'masks',
      key: 'shadow_memtype_mask',
      left: null,
      right: '0x78',
    });
    expect(cell(c.final, 'allow_mmio_caching')).toMatchObject({ left: null, right: 'true' });
    expect(c.final).toHaveLength(2);
  });

  it('v5.19 vs v6.0 with MAXPHYADDR 52: only v6.0 turns MMIO caching back on for EPT (c3e0c8c2e8b1)', () => {
    const p = { params: { physBits: 52 } };
    const c = compareRuns(mustRun('v5.19', 'intel', p), mustRun('v6.0', 'intel', p));
    expect(cell(c.final, 'shadow_mmio_value')).toMatchObject({ left: '0x0', right: '0x6' });
    expect(cell(c.final, 'enable_mmio_caching')).toMatchObject({ left: 'false', right: 'true' });
    const mmio = c.stateDiffs.find((d) => cell(d.cells, 'shadow_mmio_value'))!;
    expect(c.left.trace.events[mmio.left]!.stepId).toBe(
      'kvm_mmu_set_ept_masks/kvm_mmu_set_mmio_spte_mask:ept',
    );
  });

  it('seed-p3 vs bad-create-before-configure: the masks never get EPT values on the right', () => {
    const c = compareRuns(
      mustRun('seed-p3', 'intel'),
      mustRun('bad-create-before-configure', 'intel'),
    );
    expect(cell(c.final, 'shadow_present_mask')).toMatchObject({ left: '0x0', right: '0x1' });
    expect(cell(c.final, 'pte_list_desc')).toMatchObject({ left: '32 B, 0 objects', right: null });
    expect(cell(c.final, 'kvm_intel')).toMatchObject({ left: 'loaded', right: 'not loaded' });
  });

  /** The incremental replay must agree with stateAt() at every shared row. */
  const agreesWithStateAt = (l: RunResult, r: RunResult) => {
    const rows = align(l, r);
    const diffs = stateDiffs(l, r, rows);
    let current: CellDiff[] = [];
    rows.forEach((row, k) => {
      current = diffs.find((d) => d.row === k)?.cells ?? current;
      if (row.kind !== 'same') return;
      expect(diffStates(l, r, l.trace.stateAt(row.left!), r.trace.stateAt(row.right!))).toEqual(
        current,
      );
    });
  };
  it('incremental replay equals stateAt: seed-p2 vs v5.19 with a reload', () => {
    const reload = {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'],
    };
    agreesWithStateAt(mustRun('seed-p2', 'intel', reload), mustRun('v5.19', 'intel', reload));
  });
  it('incremental replay equals stateAt: v6.6 vs latest with a workload', () => {
    const w = { workload: [{ op: 'map' as const, gfn: 3, sptes: 40 }] };
    agreesWithStateAt(mustRun('v6.6', 'amd', w), mustRun('latest', 'amd', w));
  });
  it('the final differences are those of the final states', () => {
    const l = mustRun('alt-configure-mmu', 'amd', { fail: [{ at: 'register_shrinker' }] });
    const r = mustRun('v6.6', 'amd', { fail: [{ at: 'register_shrinker' }] });
    expect(compareRuns(l, r).final).toEqual(diffStates(l, r, finalOf(l), finalOf(r)));
  });
});

describe('findings comparison', () => {
  it('seed-p3 vs bad-create-before-configure: the stale read, the WARN and -EIO only on the right', () => {
    const c = compareRuns(mustRun('seed-p3', 'amd'), mustRun('bad-create-before-configure', 'amd'));
    expect(c.findings.both).toEqual([]);
    expect(c.findings.onlyLeft).toEqual([]);
    expect(c.findings.onlyRight.map((f) => f.kind)).toEqual(['stale-read', 'warn', 'error-return']);
  });

  it('matches by kind and step signatures, so the same hazard in another function is "both"', () => {
    // The alternative and its teaching twin leak the same resources after hardware_setup fails.
    const fail = { fail: [{ at: 'hardware_setup' as const }] };
    const c = compareRuns(
      mustRun('bad-alt-no-unconfigure', 'intel', fail),
      mustRun('alt-configure-mmu', 'intel', fail),
    );
    expect(c.findings.onlyLeft.map((f) => f.kind)).toEqual(['leak', 'leak', 'leak', 'leak']);
    expect(c.findings.onlyRight).toEqual([]);
  });

  it('pairs repeated keys in order and keeps the rest per side', () => {
    const f = (kind: Finding['kind'], step: string, message = step): Finding => ({
      kind,
      steps: [step],
      events: [0],
      message,
      advice: '',
      links: [],
    });
    const left = [f('leak', 'a/x'), f('leak', 'a/x', 'second'), f('warn', 'a/y')];
    const right = [f('leak', 'b/x', 'moved'), f('clobber', 'a/z')];
    const c = compareFindings(left, right);
    expect(c.both.map((b) => [b.left.message, b.right.message])).toEqual([['a/x', 'moved']]);
    expect(c.onlyLeft.map((x) => x.message)).toEqual(['second', 'a/y']);
    expect(c.onlyRight.map((x) => x.message)).toEqual(['a/z']);
  });
});
