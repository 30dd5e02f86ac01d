/**
 * Compare mode's view of a comparison: rows that step both runs together, and
 * findings, changes and state differences placed on those rows.
 */
import { describe, expect, it } from 'vitest';
import { mustRun } from '../testing';
import { compareRuns } from './diff';
import { compareReport } from './report';
import { cellsAt, sideBySide } from './sideBySide';

const UNLOAD = { modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'] };

describe('sideBySide', () => {
  const left = mustRun('v6.0', 'intel');
  const right = mustRun('bad-reset-after-setup', 'intel');
  const view = sideBySide(compareRuns(left, right));

  it('steps both runs together: each row applies its own events, the last one all of them', () => {
    view.rows.forEach((row, k) => {
      const prev = view.rows[k - 1] ?? { leftStep: 0, rightStep: 0 };
      expect(row.leftStep).toBe(row.left ? row.left.index + 1 : prev.leftStep);
      expect(row.rightStep).toBe(row.right ? row.right.index + 1 : prev.rightStep);
    });
    expect(view.rows.at(-1)).toMatchObject({
      leftStep: left.trace.length,
      rightStep: right.trace.length,
    });
  });

  it('names the move and places it on its rows', () => {
    expect(view.changes).toHaveLength(1);
    const move = view.changes[0]!;
    expect(move.text).toMatch(
      /^kvm_mmu_reset_all_pte_masks\(\) moved from kvm_mmu_vendor_module_init\(\) \(arch\/x86\/kvm\/mmu\/mmu\.c:6675 in v6\.0\.19\) to kvm_arch_hardware_setup\(\) \(arch\/x86\/kvm\/x86\.c:12060 in v6\.0\.19\)/,
    );
    const [from, to] = move.rows;
    expect(view.rows[from!]).toMatchObject({ kind: 'left-only', moved: true, partner: to });
    expect(view.rows[to!]).toMatchObject({ kind: 'right-only', moved: true, partner: from });
    expect(view.rows[from!]!.left?.name).toBe('kvm_mmu_reset_all_pte_masks()');
  });

  it('lists the clobber as only on the right, on the rows of the events it names', () => {
    const clobbers = view.findings.filter((f) => f.kind === 'clobber');
    expect(clobbers.length).toBeGreaterThan(0);
    for (const f of clobbers) {
      expect(f.side).toBe('right');
      expect(f.rows.map((k) => view.rows[k]!.right?.index)).toEqual(
        right.findings.find((r) => r.message === f.message)!.events,
      );
    }
  });

  it('has the state differences the review reports, from the first divergence on', () => {
    expect(cellsAt(view, 0)).toEqual([]);
    expect(view.firstDivergence).not.toBeNull();
    expect(cellsAt(view, view.firstDivergence!)).toEqual([]);
    expect(cellsAt(view, view.firstDivergence! + 1).length).toBeGreaterThan(0);
    expect(cellsAt(view, view.rows.length)).toBe(view.final);
  });

  it('carries the same review as mmu compare', () => {
    expect(view.report.text).toBe(compareReport(left, right));
    expect(view.report.markdown).toBe(compareReport(left, right, { format: 'markdown' }));
  });

  it('is plain data that survives structured cloning', () => {
    expect(structuredClone(view)).toEqual(view);
  });
});

describe('sideBySide on the thread’s pair', () => {
  it('seed-p2 vs alt-configure-mmu: the cache creation moved into kvm_configure_mmu()', () => {
    const v = sideBySide(
      compareRuns(
        mustRun('seed-p2', 'intel', UNLOAD),
        mustRun('alt-configure-mmu', 'intel', UNLOAD),
      ),
    );
    expect(v.sides.map((s) => s.name)).toEqual(['seed-p2', 'alt-configure-mmu']);
    const moved = v.changes.filter((c) => c.kind === 'moved').map((c) => c.text);
    expect(moved).toContain(
      'kmem_cache_create("pte_list_desc") moved from kvm_mmu_hardware_setup() ([PATCH 2/4]) to kvm_configure_mmu() (reconstructed from the review), after tdp_enabled = enable_tdp',
    );
    expect(v.changes.map((c) => c.text)).toContain(
      'only in alt-configure-mmu: kvm_unconfigure_mmu() in vmx_hardware_unsetup() (arch/x86/kvm/vmx/vmx.c:7783 in v5.19), after posted-interrupt wakeup handler, nested unsetup, free_kvm_area()',
    );
    expect(v.findings).toEqual([]);
  });
});
