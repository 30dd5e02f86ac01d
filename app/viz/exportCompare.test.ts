import { describe, expect, it } from 'vitest';
import { createEngineApi } from '../worker/api';
import { renderCompareSvg } from './exportCompare';

const compare = async (left: object, right: object) => {
  const out = await createEngineApi().compare(left, right);
  if (!out.ok) throw new Error(out.error);
  return out.view;
};

const base = { v: 1, kernel: 'v6.0', vendor: 'intel' };
const view = await compare(base, { ...base, kernel: 'bad-reset-after-setup' });

describe('renderCompareSvg', () => {
  it('draws every aligned row, the changes, the state at the row and the findings by side', () => {
    const svg = renderCompareSvg(view, view.rows.length);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('Patch-ordering review: v6.0 vs bad-reset-after-setup');
    expect(svg.match(/<rect x="16"/g)).toHaveLength(view.rows.length);
    expect(svg).toContain('kvm_mmu_reset_all_pte_masks() moved from kvm_mmu_vendor_module_init');
    expect(svg).toContain('STATE AT THE END');
    expect(svg).toContain('only in bad-reset-after-setup: [clobber]');
  });

  it('marks the current row and shows the state after it', () => {
    const at = view.firstDivergence! + 1;
    const svg = renderCompareSvg(view, at);
    expect(svg.match(/fill="#fff4c2"/g)).toHaveLength(1);
    expect(svg).toContain(`STATE AFTER ROW ${at}`);
    expect(svg).not.toContain('The MMU state is the same on both sides.');
  });

  it('escapes what a scenario can carry into the names', () => {
    const v = structuredClone(view);
    v.sides[0].name = '<script>alert(1)</script>';
    expect(renderCompareSvg(v, 0)).not.toContain('<script>');
  });
});
