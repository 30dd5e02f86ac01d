/** The timeline phase and origin of an event come from the variant's phase markers (data), not from names in code. */
import { describe, expect, it } from 'vitest';
import { validateScenario, type ScenarioInput } from '../scenario';
import { runValidated } from '../runner';
import { VARIANTS } from '../variants';
import type { PhaseMarkers, VariantDef } from '../variants/types';

function events(variant: VariantDef, extra: Partial<ScenarioInput> = {}) {
  const s = validateScenario({ v: 1, kernel: variant.id, vendor: 'intel', ...extra });
  if (!s.ok) throw new Error(s.error);
  const r = runValidated(s.value, variant);
  if (!r.ok) throw new Error(r.error);
  return r.value.trace.events;
}
const withPhases = (v: VariantDef, phases: Partial<PhaseMarkers>): VariantDef => ({
  ...v,
  phases: { ...v.phases, ...phases },
});
const find = (es: ReturnType<typeof events>, stepId: string) =>
  es.find((e) => e.stepId === stepId)!;

describe('phase markers', () => {
  it('the built-in variants mark the mask reset, kvm_configure_mmu() and VMX’s hardware_setup by name', () => {
    expect(VARIANTS['v6.0'].phases).toEqual({
      maskReset: ['kvm_mmu_reset_all_pte_masks'],
      configureMmu: ['kvm_configure_mmu'],
      hardwareSetup: ['hardware_setup'],
    });
    expect(VARIANTS.latest.phases.hardwareSetup).toEqual(['vmx_hardware_setup']);
  });

  it('the mask reset’s steps are "mask-reset" and their writes the reset’s, because the markers say so', () => {
    const probe = 'kvm_mmu_reset_all_pte_masks/shadow_phys_bits_probe';
    const marked = find(events(VARIANTS['v6.0']), probe);
    expect([marked.phase, marked.origin]).toEqual(['mask-reset', 'reset']);
    const unmarked = find(events(withPhases(VARIANTS['v6.0'], { maskReset: [] })), probe);
    expect([unmarked.phase, unmarked.origin]).toEqual(['vendor-init', 'common']);
  });

  it('kvm_configure_mmu()’s own step is "configure-mmu" only while it is a marker', () => {
    const step = 'kvm_configure_mmu/configure_mmu';
    expect(find(events(VARIANTS['v6.6']), step).phase).toBe('configure-mmu');
    expect(find(events(withPhases(VARIANTS['v6.6'], { configureMmu: [] })), step).phase).toBe(
      'hardware-setup',
    );
  });

  it('vmx_hardware_setup() moved out of the hardware_setup op stays "hardware-setup" through its marker', () => {
    const moved = {
      edits: [{ move: 'vt_hardware_setup/vmx_hardware_setup', to: 'vmx_init', index: 0 }],
    };
    const step = 'vmx_hardware_setup/vmx_decide_ept';
    expect(find(events(VARIANTS.latest, moved), step).phase).toBe('hardware-setup');
    expect(
      find(events(withPhases(VARIANTS.latest, { hardwareSetup: [] }), moved), step).phase,
    ).toBe('vendor-init');
  });

  it('creating the MMU’s resources is "mmu-setup" on a load, "unwind" on an error path', () => {
    const es = events(VARIANTS['v6.6'], { fail: [{ at: 'register_shrinker' }] });
    expect(find(es, 'kvm_mmu_vendor_module_init/kmem_cache_create:pte_list_desc').phase).toBe(
      'mmu-setup',
    );
    expect(find(es, 'kvm_mmu_vendor_module_init@out_shrinker/percpu_counter_destroy').phase).toBe(
      'unwind',
    );
  });
});
