/** Ordering edits: moving or removing steps re-derives the variant, or says why it cannot. */
import { describe, expect, it } from 'vitest';
import { applyEdits, findStep } from './edits';
import type { Edit } from './scenario';
import { runScenario } from './index';
import { VARIANTS } from './variants';

const v60 = VARIANTS['v6.0'];
const bad = (edits: Edit[], kernel = v60) => {
  const r = applyEdits(kernel, edits);
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
};

describe('applyEdits', () => {
  it('moving the mask reset after hardware_setup reproduces bad-reset-after-setup exactly', () => {
    const r = applyEdits(v60, VARIANTS['bad-reset-after-setup'].edits!);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.variant.functions).toEqual(VARIANTS['bad-reset-after-setup'].functions);
    expect(r.value.descriptions).toEqual([
      'moved kvm_mmu_reset_all_pte_masks() from kvm_mmu_vendor_module_init() into kvm_arch_hardware_setup(), after ops->hardware_setup()',
    ]);
  });
  it('does not touch the base variant', () => {
    const before = JSON.stringify(v60.functions);
    applyEdits(v60, [{ remove: 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks' }]);
    expect(JSON.stringify(v60.functions)).toBe(before);
  });
  it('moves within a function and into error labels', () => {
    const r = applyEdits(v60, [
      {
        move: 'kvm_mmu_vendor_module_init/register_shrinker',
        to: 'kvm_mmu_vendor_module_init',
        index: 2,
      },
      {
        move: 'kvm_mmu_vendor_module_exit/percpu_counter_destroy',
        to: 'kvm_mmu_vendor_module_init@out',
        index: 0,
      },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.descriptions[0]).toBe(
      'moved register_shrinker(&mmu_shrinker) earlier in kvm_mmu_vendor_module_init(), after kvm_mmu_reset_all_pte_masks()',
    );
    expect(
      findStep(r.value.variant, 'kvm_mmu_vendor_module_exit/percpu_counter_destroy'),
    ).toMatchObject({ fn: 'kvm_mmu_vendor_module_init', label: 'out', index: 0 });
  });
  it('an error path moved into a function without that label returns from it instead, and says so', () => {
    const r = applyEdits(v60, [
      {
        move: 'kvm_mmu_vendor_module_init/kmem_cache_create:pte_list_desc',
        to: 'kvm_arch_hardware_setup',
        index: 2,
      },
    ]);
    expect(r.ok && r.value.warnings[0]).toMatch(
      /kvm_arch_hardware_setup\(\) has no out label, so an error now returns straight from kvm_arch_hardware_setup\(\)/,
    );
  });
  it('a failing step moved into a void function loses its error, and says so', () => {
    const r = applyEdits(v60, [
      { move: 'kvm_arch_init/kvm_mmu_vendor_module_init', to: 'kvm_mmu_x86_module_init', index: 0 },
    ]);
    expect(r.ok && r.value.warnings[0]).toMatch(
      /returns void, so an error from it would be ignored/,
    );
  });
  it.each([
    [[{ remove: 'no/such_step' }], 'there is no step "no/such_step" in v6.0'],
    [
      [{ move: 'kvm_mmu_vendor_module_init/register_shrinker', to: 'nowhere', index: 0 }],
      'there is no function "nowhere"',
    ],
    [
      [
        {
          move: 'kvm_mmu_vendor_module_init/register_shrinker',
          to: 'kvm_mmu_vendor_module_init@nolabel',
          index: 0,
        },
      ],
      'has no error label "nolabel"',
    ],
    [
      [
        {
          move: 'kvm_mmu_vendor_module_init/register_shrinker',
          to: 'kvm_mmu_vendor_module_init',
          index: 40,
        },
      ],
      'index 40 is past the end',
    ],
    [
      [
        {
          move: 'kvm_mmu_vendor_module_init/register_shrinker',
          to: 'kvm_mmu_vendor_module_init',
          index: 5,
        },
      ],
      'leaves register_shrinker(&mmu_shrinker) where it is',
    ],
    [
      [
        {
          move: 'kvm_arch_init/kvm_mmu_vendor_module_init',
          to: 'kvm_mmu_reset_all_pte_masks',
          index: 0,
        },
      ],
      'call itself',
    ],
  ] as [Edit[], string][])('refuses %j', (edits, message) => {
    expect(bad(edits)).toContain(message);
  });
  it('refuses a move into a function that never runs', () => {
    const orphan = {
      ...v60,
      functions: { ...v60.functions, orphan: { ...v60.functions.kvm_x86_exit!, name: 'orphan' } },
    };
    expect(
      bad(
        [{ move: 'kvm_mmu_vendor_module_init/register_shrinker', to: 'orphan', index: 0 }],
        orphan,
      ),
    ).toContain('orphan never runs in v6.0 — nothing calls it');
  });
  it('edits travel in the scenario and their findings appear', () => {
    const r = runScenario({
      v: 1,
      kernel: 'seed-p3',
      vendor: 'intel',
      edits: [
        {
          move: 'kvm_arch_hardware_setup/kvm_mmu_hardware_setup',
          to: 'kvm_arch_hardware_setup',
          index: 1,
        },
      ],
    });
    expect(r.ok && r.value.findings.map((f) => f.kind)).toEqual([
      'stale-read',
      'warn',
      'error-return',
    ]);
    const refused = runScenario({
      v: 1,
      kernel: 'v6.0',
      vendor: 'intel',
      edits: [{ remove: 'x' }],
    });
    expect(refused.ok || refused.error).toMatch(
      /^invalid scenario: edits\[0\]: there is no step "x"/,
    );
  });
});

describe('ids named like Object.prototype members are no such function or step', () => {
  const PROTOTYPE_NAMES = ['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__'];
  const RESET = 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks';
  const refusal = (edit: Edit) => {
    const r = runScenario({ v: 1, kernel: 'v6.0', vendor: 'intel', edits: [edit] });
    if (r.ok) throw new Error('expected a refusal');
    return r.error;
  };
  it.each(PROTOTYPE_NAMES)('%s as the step a move takes', (name) => {
    expect(refusal({ move: name, to: 'kvm_arch_hardware_setup', index: 0 })).toBe(
      `invalid scenario: edits[0]: there is no step "${name}" in v6.0 (step ids look like "${RESET}")`,
    );
  });
  it.each(PROTOTYPE_NAMES)('%s as the function a move goes to', (name) => {
    expect(refusal({ move: RESET, to: name, index: 0 })).toBe(
      `invalid scenario: edits[0]: there is no function "${name}" in v6.0`,
    );
    expect(refusal({ move: RESET, to: `${name}@out`, index: 0 })).toBe(
      `invalid scenario: edits[0]: there is no function "${name}" in v6.0`,
    );
  });
  it.each(PROTOTYPE_NAMES)('%s as the error label a move goes to', (name) => {
    expect(refusal({ move: RESET, to: `kvm_arch_init@${name}`, index: 0 })).toContain(
      `kvm_arch_init has no error label "${name}"`,
    );
  });
  it.each(PROTOTYPE_NAMES)('%s as the step a remove takes', (name) => {
    expect(refusal({ remove: name })).toBe(
      `invalid scenario: edits[0]: there is no step "${name}" in v6.0 (step ids look like "${RESET}")`,
    );
  });
});
