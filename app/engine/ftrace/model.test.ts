import { describe, expect, it } from 'vitest';
import { opSlug } from '../variants/dsl';
import { VARIANTS } from '../variants';
import { mustRun } from '../testing';
import { coreTraceNames, modelName, NOTE_CALLS, NOT_TRACEABLE } from './kernel';
import { modelCalls, type ModelCall } from './model';
import { callShape } from './testing';

const find = (calls: readonly ModelCall[], name: string): ModelCall | undefined => {
  for (const c of calls) {
    if (c.name === name) return c;
    const inner = find(c.children, name);
    if (inner) return inner;
  }
  return undefined;
};

describe('modelCalls: a run as the kernel calls a function_graph trace shows', () => {
  it('v6.6 kvm_amd load: functions, the calls effects stand for, and the notes that are calls', () => {
    // app/engine/variants/{x86,svm,mmu}.ts for v6.6.87; each call as ftrace would name it.
    expect(callShape(modelCalls(mustRun('v6.6', 'amd')))).toEqual([
      { kvm_x86_init: [{ kvm_mmu_x86_module_init: ['kvm_mmu_spte_module_init'] }] },
      {
        svm_init: [
          { kvm_is_svm_supported: ['__kvm_is_svm_supported'] },
          {
            kvm_x86_vendor_init: [
              {
                __kvm_x86_vendor_init: [
                  { kvm_alloc_emulator_cache: ['kmem_cache_create'] },
                  {
                    kvm_mmu_vendor_module_init: [
                      { kvm_mmu_reset_all_pte_masks: ['kvm_mmu_set_mmio_spte_mask'] },
                      'kmem_cache_create',
                      'kmem_cache_create',
                      '__percpu_counter_init_many',
                      'register_shrinker',
                    ],
                  },
                  {
                    svm_hardware_setup: [
                      'kvm_configure_mmu',
                      'kvm_mmu_set_me_spte_mask',
                      // SME is off: it returns before kvm_mmu_set_mmio_spte_mask().
                      'svm_adjust_mmio_mask',
                      'sev_hardware_setup',
                      'svm_hv_hardware_setup',
                    ],
                  },
                  'kvm_ops_update',
                  'kvm_x86_check_cpu_compat',
                ],
              },
            ],
          },
          {
            kvm_init: ['kmem_cache_create', 'kvm_irqfd_init', 'kvm_async_pf_init', 'misc_register'],
          },
        ],
      },
    ]);
  });

  it('v6.12 (imported from C): each plain call a trace shows is the call it names', () => {
    // trees/v6.12.json, read in Debian's 6.12.118: x86.c:9313 kvm_alloc_emulator_cache(),
    // x86.c:9364 smp_call_function_single(…, kvm_x86_check_cpu_compat, …), kvm_main.c:6530
    // kmem_cache_create_usercopy("kvm_vcpu", …), :6547 kvm_irqfd_init(), :6551
    // kvm_async_pf_init(), :6579 misc_register(); mmu.c:7418/7422 the two caches, :7431
    // shrinker_alloc() then shrinker_register().
    const calls = modelCalls(mustRun('v6.12', 'amd'));
    const vendorInit = find(calls, 'kvm_x86_vendor_init')!;
    expect(callShape(vendorInit.children).filter((c) => typeof c !== 'string')).toEqual([
      { kvm_alloc_emulator_cache: ['kmem_cache_create'] },
      {
        kvm_mmu_vendor_module_init: [
          { kvm_mmu_reset_all_pte_masks: ['kvm_mmu_set_mmio_spte_mask'] },
          'kmem_cache_create',
          'kmem_cache_create',
          '__percpu_counter_init_many',
          'shrinker_alloc',
          'shrinker_register',
        ],
      },
      expect.objectContaining({ svm_hardware_setup: expect.any(Array) }),
    ]);
    expect(vendorInit.children.map((c) => c.name)).toContain('kvm_x86_check_cpu_compat');
    expect(callShape([find(calls, 'kvm_init')!])).toEqual([
      {
        kvm_init: ['kmem_cache_create', 'kvm_irqfd_init', 'kvm_async_pf_init', 'misc_register'],
      },
    ]);
  });

  it('keeps the calls a no-op release still makes, and only those', () => {
    // pte_list_desc fails: mmu_destroy_caches() destroys it and the never-created header
    // cache (NULL), and nothing is freed from the percpu counter that was never set up.
    const calls = modelCalls(
      mustRun('v6.6', 'amd', { fail: [{ at: 'kmem_cache_create:pte_list_desc' }] }),
    );
    expect(callShape([find(calls, 'mmu_destroy_caches')!])).toEqual([
      { mmu_destroy_caches: ['kmem_cache_destroy', 'kmem_cache_destroy'] },
    ]);
    // svm_hardware_setup() fails after the counter was set up: its destroy frees it.
    const unwind = modelCalls(mustRun('v6.6', 'amd', { fail: [{ at: 'hardware_setup' }] }));
    expect(callShape([find(unwind, 'kvm_mmu_vendor_module_exit')!])).toEqual([
      {
        kvm_mmu_vendor_module_exit: [
          { mmu_destroy_caches: ['kmem_cache_destroy', 'kmem_cache_destroy'] },
          { percpu_counter_destroy_many: ['free_percpu'] },
          'unregister_shrinker',
        ],
      },
    ]);
  });

  it('calls kvm_mmu_set_mmio_spte_mask() from svm_adjust_mmio_mask() only when SME is on', () => {
    const sme = modelCalls(mustRun('v6.6', 'amd', { params: { sme: true } }));
    expect(callShape([find(sme, 'svm_adjust_mmio_mask')!])).toEqual([
      { svm_adjust_mmio_mask: ['kvm_mmu_set_mmio_spte_mask'] },
    ]);
  });

  it('points each call at the model event and source it comes from', () => {
    const run = mustRun('v6.6', 'amd');
    const configure = find(modelCalls(run), 'kvm_configure_mmu')!;
    expect(run.trace.events[configure.model.event]!.title).toBe('kvm_configure_mmu()');
    expect(configure.model.where).toBe('svm_hardware_setup');
    // The call's own line in svm_hardware_setup() (Yunbaby8/linux-6.6.87-lab, svm.c:5285),
    // and the definition it enters (mmu.c:5884).
    expect(configure.model.src).toEqual({
      kind: 'kernel',
      tree: 'v6.6.87',
      file: 'arch/x86/kvm/svm/svm.c',
      line: 5285,
    });
    expect(configure.model.def).toEqual({
      kind: 'kernel',
      tree: 'v6.6.87',
      file: 'arch/x86/kvm/mmu/mmu.c',
      line: 5884,
    });
  });
});

describe('the kernel-name tables', () => {
  it('maps only notes that exist in a built-in variant (a renamed note would silently drop out)', () => {
    const notes = new Set(
      Object.values(VARIANTS).flatMap((v) =>
        Object.values(v.functions).flatMap((f) =>
          [...f.body, ...f.labels.flatMap((l) => l.steps)]
            .filter((s) => 'effect' in s.op && s.op.effect.kind === 'note')
            .map((s) => opSlug(s.op)),
        ),
      ),
    );
    expect(Object.keys(NOTE_CALLS).filter((k) => !notes.has(k))).toEqual([]);
  });

  it('reads traced names the way the model names them', () => {
    expect(modelName('__kmem_cache_create_args')).toBe('kmem_cache_create');
    expect(modelName('kvm_mmu_vendor_module_init.cold')).toBe('kvm_mmu_vendor_module_init');
    expect(modelName('svm_hardware_setup.isra.0')).toBe('svm_hardware_setup');
    expect(modelName('kvm_configure_mmu')).toBe('kvm_configure_mmu');
  });

  it('asks a capture to trace the core functions under their 6.12 names too', () => {
    expect(coreTraceNames()).toEqual(
      expect.arrayContaining(['kmem_cache_create', '__kmem_cache_create_args', 'free_percpu']),
    );
  });

  it('lists each function that cannot be traced once', () => {
    const names = NOT_TRACEABLE.map((n) => n.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
