/**
 * Which ordering edit produced each finding: a finding that goes away when one edit
 * is dropped comes from that edit. The scenarios are the teaching variant's edit
 * (kvm_mmu_reset_all_pte_masks() moved after hardware_setup(), variants/index.ts)
 * on v6.0, with harmless and harmful company.
 */
import { describe, expect, it } from 'vitest';
import {
  attributeFindings,
  STAND_IN_WORKLOAD,
  type EditAttribution,
  type FindingSource,
} from './attribution';
import { findingKey } from './compare/diff';
import { VARIANT_IDS, VENDORS } from './ids';
import { runScenario, VARIANTS, type Edit, type ScenarioInput, type WorkloadOp } from './index';
import { mustRun } from './testing';

function attribute(input: Partial<ScenarioInput>): {
  kinds: string[];
  steps: string[];
  result: EditAttribution;
} {
  const r = mustRun('v6.0', 'intel', input);
  const g = attributeFindings(r);
  for (;;) {
    const n = g.next();
    if (n.done)
      return {
        kinds: r.findings.map((f) => f.kind),
        steps: r.findings.map((f) => f.steps[0]!),
        result: n.value,
      };
  }
}

const [RESET_AFTER_SETUP] = VARIANTS['bad-reset-after-setup'].edits! as [Edit];
/** Moves a step of kvm_arch_hardware_setup() that touches no MMU state to the front. */
const HARMLESS: Edit = {
  move: 'kvm_arch_hardware_setup/perf_callbacks_XSS_CR4_TSC_caps_MSR_list',
  to: 'kvm_arch_hardware_setup',
  index: 0,
};
/** The shrinker is never unregistered: a leak once kvm_intel unloads. */
const NO_UNREGISTER: Edit = { remove: 'kvm_mmu_vendor_module_exit/unregister_shrinker' };
const UNLOAD = { modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'] };

const fromEdits = (...edits: number[]): FindingSource => ({ from: 'edits', edits });

describe('attributing findings to edits', () => {
  it('bad-reset-after-setup’s edit on v6.0: every clobber and stale read comes from it', () => {
    const { kinds, result } = attribute({ edits: [RESET_AFTER_SETUP] });
    expect(kinds).toEqual(['stale-read', 'stale-read', 'clobber', 'clobber', 'clobber']);
    expect(result).toEqual({ sources: kinds.map(() => fromEdits(0)), untestable: [] });
  });

  it('two edits, one harmless: the findings name only the harmful one', () => {
    const { kinds, result } = attribute({ edits: [RESET_AFTER_SETUP, HARMLESS] });
    expect(kinds).toHaveLength(5);
    expect(result.sources).toEqual(kinds.map(() => fromEdits(0)));
  });

  it('two harmful edits: each finding names its own', () => {
    const { kinds, result } = attribute({
      ...UNLOAD,
      edits: [RESET_AFTER_SETUP, NO_UNREGISTER],
      workload: [{ op: 'random', seed: 1, gfns: 100, sptes: 1000, removePercent: 10 }],
    });
    expect(kinds[0]).toBe('leak');
    expect(result.sources).toEqual([fromEdits(1), ...kinds.slice(1).map(() => fromEdits(0))]);
  });

  it('a finding the kernel has without edits is the kernel’s (v6.0 leaks the percpu counter when register_shrinker() fails)', () => {
    const { kinds, result } = attribute({
      edits: [HARMLESS],
      fail: [{ at: 'register_shrinker' }],
    });
    expect(kinds).toEqual(['leak']);
    expect(result.sources).toEqual([{ from: 'kernel' }]);
  });

  it('two edits that each cause the same finding: no single one does', () => {
    // Dropping kvm_arch_exit()'s call of kvm_mmu_vendor_module_exit() leaks the shrinker too.
    const { steps, result } = attribute({
      ...UNLOAD,
      edits: [NO_UNREGISTER, { remove: 'kvm_arch_exit/kvm_mmu_vendor_module_exit' }],
    });
    expect(steps).toEqual([
      'kvm_mmu_vendor_module_init/kmem_cache_create:pte_list_desc',
      'kvm_mmu_vendor_module_init/kmem_cache_create:kvm_mmu_page_header',
      'kvm_mmu_vendor_module_init/percpu_counter_init',
      'kvm_mmu_vendor_module_init/register_shrinker',
    ]);
    // The caches and the counter leak only without the call; the shrinker either way.
    expect(result.sources).toEqual([
      fromEdits(1),
      fromEdits(1),
      fromEdits(1),
      { from: 'edits-together' },
    ]);
  });

  it('an edit a later one depends on cannot be dropped alone, and says why', () => {
    // Without the first move, kvm_arch_hardware_setup() is one step short for the second.
    const { result } = attribute({
      edits: [
        RESET_AFTER_SETUP,
        { move: 'kvm_arch_hardware_setup/ops_update', to: 'kvm_arch_hardware_setup', index: 4 },
      ],
    });
    expect(result.untestable).toEqual([
      {
        edit: 0,
        reason: expect.stringMatching(
          /^edit 2: index 4 is past the end of kvm_arch_hardware_setup/,
        ),
      },
    ]);
  });

  it('without edits, every finding is the kernel’s and nothing is re-run', () => {
    const r = mustRun('v6.0', 'intel', { fail: [{ at: 'register_shrinker' }] });
    const g = attributeFindings(r);
    const first = g.next();
    expect(first.done).toBe(true);
    expect(first.value).toEqual({ sources: [{ from: 'kernel' }], untestable: [] });
  });

  it('edits without findings: nothing to attribute and nothing is re-run', () => {
    const r = mustRun('v6.0', 'intel', { edits: [HARMLESS] });
    expect(r.findings).toEqual([]);
    const first = attributeFindings(r).next();
    expect(first.done).toBe(true);
    expect(first.value).toEqual({ sources: [], untestable: [] });
  });
});

/**
 * Attribution runs the bring-up with a one-spte workload in place of the real one:
 * the checks read the VM's creation (KVM_CREATE_VM reads tdp_enabled and friends) and
 * the caches' life (created, destroyed), never how many objects the workload used.
 */
describe('findings do not depend on what the workload does, only on a VM being created', () => {
  const WORKLOADS: WorkloadOp[][] = [
    [{ op: 'map', gfn: 4096, sptes: 40 }],
    [
      { op: 'random', seed: 1, gfns: 512, sptes: 5000, removePercent: 30 },
      { op: 'map', gfn: 2, sptes: 1100 },
    ],
  ];
  const MODULES = (v: string) => [
    undefined,
    ['load kvm', `load kvm_${v}`, `unload kvm_${v}`],
    ['load kvm', `load kvm_${v}`, `unload kvm_${v}`, 'unload kvm', 'load kvm', `load kvm_${v}`],
  ];
  const keys = (input: ScenarioInput) => {
    const r = runScenario(input);
    if (!r.ok) throw new Error(r.error);
    return r.value.findings.map(findingKey);
  };
  it('KVM_CREATE_VM’s own reads count: after a vendor swap without SVM’s kvm_configure_mmu(), the VM reads what kvm_intel left in tdp_enabled', () => {
    const input: ScenarioInput = {
      v: 1,
      kernel: 'v6.6',
      vendor: 'intel',
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'],
      edits: [{ remove: 'svm_hardware_setup/kvm_configure_mmu' }],
    };
    const withVm = keys({ ...input, workload: STAND_IN_WORKLOAD });
    expect(withVm).toEqual(['stale-read|KVM_CREATE_VM, one vCPU,configure_mmu']);
    expect(keys({ ...input, workload: WORKLOADS[1] })).toEqual(withVm);
    // Without a VM nothing reads tdp_enabled stale; the checker names the step that never ran instead.
    expect(keys({ ...input, workload: [] })).toEqual([
      'missing-step|kvm_configure_mmu,configure_mmu',
    ]);
  });

  it.each(VARIANT_IDS.flatMap((kernel) => VENDORS.map((vendor) => [kernel, vendor] as const)))(
    '%s / %s',
    (kernel, vendor) => {
      for (const modules of MODULES(vendor === 'intel' ? 'intel' : 'amd'))
        for (const workload of WORKLOADS) {
          const input: ScenarioInput = { v: 1, kernel, vendor, ...(modules && { modules }) };
          expect(keys({ ...input, workload })).toEqual(
            keys({ ...input, workload: STAND_IN_WORKLOAD }),
          );
        }
    },
  );
});
