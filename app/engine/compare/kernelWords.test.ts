/**
 * Reviews, findings, edits and notes are written in the kernel's words: no step id, no
 * place as edits name it ("kvm_init@out_irqfd"), no effect kind, no event number. Model
 * ids stay in JSON (compareJson, toJsonReport), where tools need them.
 */
import { describe, expect, it } from 'vitest';
import { FAULT_POINTS, VARIANT_IDS, VENDORS } from '../ids';
import { FAULT_CASES, modelIdsIn, mustRun, runFaultCase } from '../testing';
import { VARIANTS } from '../variants';
import { compareReport } from './report';

const UNLOAD = (v: string) => ({ modules: ['load kvm', `load kvm_${v}`, `unload kvm_${v}`] });

describe('every variant × vendor pair, reviewed in plain text, Markdown and mail', () => {
  it.each(VENDORS)('%s: each variant against every other', (vendor) => {
    const runs = VARIANT_IDS.map((k) => mustRun(k, vendor, UNLOAD(vendor)));
    for (const l of runs)
      for (const r of runs) {
        if (l === r) continue;
        const variants = [l.variant, r.variant];
        for (const format of ['text', 'markdown', 'mail'] as const)
          expect(
            modelIdsIn(compareReport(l, r, { format }), variants),
            `${l.scenario.kernel} vs ${r.scenario.kernel} (${format})`,
          ).toEqual([]);
      }
  });
  it.each(VENDORS)('%s: each variant with each fault point against itself without', (vendor) => {
    for (const kernel of VARIANT_IDS) {
      const clean = mustRun(kernel, vendor);
      for (const at of FAULT_POINTS) {
        const faulty = mustRun(kernel, vendor, { fail: [{ at }] });
        expect(
          modelIdsIn(compareReport(clean, faulty), [clean.variant]),
          `${kernel} with ${at}`,
        ).toEqual([]);
      }
    }
  });
});

describe('findings, edits and notes of single runs', () => {
  it.each(FAULT_CASES.map((c) => [`${c.kernel} on ${c.vendor}, fault at ${c.at}`, c] as const))(
    '%s',
    (_, c) => {
      const r = runFaultCase(c);
      const texts = [
        ...r.findings.flatMap((f) => [f.message, f.advice, ...f.links.map((l) => l.label)]),
        ...r.notes,
        ...r.edits,
      ];
      expect(modelIdsIn(texts.join('\n'), [r.variant])).toEqual([]);
    },
  );
  it('the edit list of a teaching variant’s edits, and their notes', () => {
    for (const kernel of VARIANT_IDS) {
      const v = VARIANTS[kernel];
      if (!v.edits || !v.base) continue;
      const r = mustRun(v.base, 'intel', { edits: v.edits });
      expect(modelIdsIn([...r.edits, ...r.notes].join('\n'), [r.variant]), kernel).toEqual([]);
    }
  });
  it('catches the ids it is meant to catch', () => {
    const v = VARIANTS['v6.0'];
    expect(
      modelIdsIn(
        'after ops_update, reset_default_masks (in kvm_init@out_irqfd), kvm_mmu_set_mmio_spte_mask:ept, (v6.0 event 22), cache #0, kvm_arch_hardware_setup/ops_update',
        [v],
      ),
    ).toEqual(
      expect.arrayContaining([
        'ops_update',
        'reset_default_masks',
        'kvm_init@out_irqfd',
        'kvm_mmu_set_mmio_spte_mask:ept',
        'event 22',
        '#0',
        'kvm_arch_hardware_setup/ops_update',
      ]),
    );
    expect(
      modelIdsIn(
        'kvm_ops_update() in kvm_arch_hardware_setup(); register_shrinker(&mmu_shrinker); https://lore.kernel.org/all/YrZTxZm4kq0rXcKQ@google.com/',
        [v],
      ),
    ).toEqual([]);
  });
});
