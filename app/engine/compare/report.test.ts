/**
 * The review report: snapshots of the pairs the review thread argues about, and
 * the promises the format makes (72 columns and no markup in plain text, one
 * document in both formats, the same output every time).
 */
import { describe, expect, it } from 'vitest';
import type { Vendor, VariantId } from '../ids';
import type { ScenarioInput } from '../scenario';
import { mustRun } from '../testing';
import { compareJson, compareReport } from './report';

interface Case {
  name: string;
  left: VariantId;
  right: VariantId;
  vendor: Vendor;
  extra?: Partial<ScenarioInput>;
}

const UNLOAD = (v: Vendor) => ({ modules: ['load kvm', `load kvm_${v}`, `unload kvm_${v}`] });
const CASES: Case[] = [
  { name: 'reset-moved', left: 'v6.0', right: 'bad-reset-after-setup', vendor: 'intel' },
  {
    name: 'seed-vs-alternative',
    left: 'seed-p2',
    right: 'alt-configure-mmu',
    vendor: 'intel',
    extra: UNLOAD('intel'),
  },
  {
    name: 'create-before-configure',
    left: 'seed-p3',
    right: 'bad-create-before-configure',
    vendor: 'amd',
  },
  {
    name: 'alternative-without-unconfigure',
    left: 'alt-configure-mmu',
    right: 'bad-alt-no-unconfigure',
    vendor: 'intel',
    extra: {
      fail: [{ at: 'hardware_setup' }],
      modules: ['load kvm', 'load kvm_intel', 'load kvm_amd'],
    },
  },
  {
    name: 'mmio-caching',
    left: 'v5.19',
    right: 'v6.0',
    vendor: 'intel',
    extra: { params: { physBits: 52 } },
  },
];

const runs = (c: Case) =>
  [mustRun(c.left, c.vendor, c.extra), mustRun(c.right, c.vendor, c.extra)] as const;

describe('review snapshots', () => {
  it.each(CASES)('$name as text', async (c) => {
    const [l, r] = runs(c);
    await expect(compareReport(l, r, { format: 'text' })).toMatchFileSnapshot(
      `__golden__/${c.name}.txt`,
    );
  });
  it.each(CASES)('$name as Markdown', async (c) => {
    const [l, r] = runs(c);
    await expect(compareReport(l, r, { format: 'markdown' })).toMatchFileSnapshot(
      `__golden__/${c.name}.md.txt`,
    );
  });
});

describe('the reply to the 2022 thread (the mask reset must stay before vendor setup)', () => {
  it('as mail, answering PATCH 2/4', async () => {
    const l = mustRun('v6.0', 'intel', { inReplyTo: '20220624232735.3090056-3-seanjc@google.com' });
    const r = mustRun('bad-reset-after-setup', 'intel');
    await expect(compareReport(l, r, { format: 'mail' })).toMatchFileSnapshot(
      '__golden__/reset-moved.mail.txt',
    );
  });
});

describe('format promises', () => {
  it.each(CASES)('$name: plain text fits 72 columns and carries no Markdown', (c) => {
    const [l, r] = runs(c);
    const text = compareReport(l, r, { format: 'text' });
    for (const line of text.split('\n')) {
      // Only a single unbreakable token (a URL) may run past the margin.
      if (line.length > 72) expect(line.trim()).not.toContain(' ');
      expect(line).not.toMatch(/^#|`|\*\*|\]\(|^\|/);
    }
  });
  it.each(CASES)('$name: Markdown closes every code span and links every URL', (c) => {
    const [l, r] = runs(c);
    const md = compareReport(l, r, { format: 'markdown' });
    for (const line of md.split('\n')) {
      expect((line.match(/`/g) ?? []).length % 2).toBe(0);
      if (line.includes('https://')) expect(line).toMatch(/^- \[.+\]\(https:\/\/\S+\)$/);
    }
  });
  it('is deterministic and independent of which runs came first', () => {
    const [l, r] = runs(CASES[1]!);
    const first = compareReport(l, r, { format: 'text' });
    mustRun('latest', 'amd');
    const [l2, r2] = runs(CASES[1]!);
    expect(compareReport(l2, r2, { format: 'text' })).toBe(first);
  });
  it('says so when the runs are the same', () => {
    const r = mustRun('v6.6', 'amd');
    const text = compareReport(r, r, { format: 'text' });
    expect(text).toContain('Both runs execute the same');
    expect(text).toContain('The MMU state agrees after every shared step.');
    expect(text).toContain('At the end both runs leave the same MMU state.');
    expect(text).toContain('The checker finds nothing in either run.');
    expect(text).toMatch(/^Left: {2}v6\.6 \(left\)$/m);
  });
  it('names params that differ from the defaults, faults, edits and workloads', () => {
    const l = mustRun('v6.0', 'intel', {
      params: { tdp: false, physBits: 52 },
      fail: [{ at: 'register_shrinker', errno: 'EBUSY' }],
      workload: [{ op: 'map', gfn: 5, sptes: 3 }],
    });
    const r = mustRun('v6.0', 'intel', {
      edits: [{ remove: 'kvm_mmu_vendor_module_init/register_shrinker' }],
    });
    const text = compareReport(l, r, { format: 'text' });
    expect(text).toContain('params: tdp=false, physBits=52');
    const words = text.replace(/\s+/g, ' ');
    expect(words).toContain(
      'faults: register_shrinker() fails with -EBUSY: at register_shrinker(&mmu_shrinker) in kvm_mmu_vendor_module_init()',
    );
    expect(words).toContain(
      'edits: removed register_shrinker(&mmu_shrinker) from kvm_mmu_vendor_module_init()',
    );
    expect(text).toContain('workload: map 3 sptes at gfn 5');
  });
});

describe('compareJson', () => {
  it('summarises rows, moves, state differences and findings for scripts', () => {
    const j = compareJson(mustRun('v6.0', 'amd'), mustRun('bad-reset-after-setup', 'amd'));
    expect(j).toMatchObject({
      ok: true,
      left: { kernel: 'v6.0', vendor: 'amd', params: {}, modules: ['load kvm', 'load kvm_amd'] },
      right: { kernel: 'bad-reset-after-setup' },
      moves: [
        {
          what: 'kvm_mmu_reset_all_pte_masks()',
          from: 'kvm_mmu_vendor_module_init',
          to: 'kvm_arch_hardware_setup',
        },
      ],
      leftOnly: [],
      rightOnly: [],
      findings: { both: [], onlyLeft: [] },
    });
    expect(j.rows.same + j.rows.leftOnly + j.rows.rightOnly).toBe(j.rows.total);
    expect(j.rows.moved).toBe(10);
    expect(j.firstDivergence).toEqual(j.stateDiffs[0]);
    expect(j.findings.onlyRight.map((f) => f.kind)).toContain('clobber');
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});
