/**
 * The catalogue and the synthesis on a small tree of C written for these tests (no kernel
 * text): each file has the path the importer reads, and each function the shape of a
 * bring-up idiom. The synthesized variant must run like a built-in one.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScenario, type ScenarioInput } from '../engine/scenario';
import { runValidated, type RunResult } from '../engine/runner';
import { ERA_6_1 } from '../engine/variants/eras/v6.0';
import { ERA_6_12 } from '../engine/variants/eras/v6.12';
import { variantFromImport, type ImportedTree } from '../engine/variants/imported';
import type { VariantDef } from '../engine/variants/types';
import { assignRuleFor, ruleFor } from './catalogue';
import { checkFacts, observeFacts } from './facts';
import type { TreeImport } from './ir';
import { importTree, nodeCParser } from './node';
import { renderCall, synthesize, type SynthesisReport } from './synthesize';

const TREE: Record<string, string[]> = {
  Makefile: ['VERSION = 6', 'PATCHLEVEL = 12', 'SUBLEVEL = 7', 'EXTRAVERSION ='],
  'arch/x86/kvm/x86.c': [
    'static int __init kvm_x86_init(void)', //  1
    '{',
    '\tkvm_mmu_x86_module_init();',
    '\treturn 0;',
    '}', //  5
    'static void __exit kvm_x86_exit(void)',
    '{',
    '}',
    'int kvm_x86_vendor_init(struct kvm_x86_init_ops *vops)',
    '{', // 10
    '\tint err;',
    '\tif (kvm_x86_ops.enable_virtualization_cpu) {',
    '\t\tpr_err("taken\\n");',
    '\t\treturn -EEXIST;',
    '\t}', // 15
    '\tif (!boot_cpu_has(X86_FEATURE_FPU))',
    '\t\treturn -EOPNOTSUPP;',
    '\terr = kvm_mmu_vendor_module_init();',
    '\tif (err)',
    '\t\treturn err;', // 20
    '\tif (use_fast_path)',
    '\t\twarm_up(&fast_table);',
    '\terr = vops->hardware_setup();',
    '\tif (err < 0)',
    '\t\tgoto undo_mmu;', // 25
    '\tkvm_ops_update(vops);',
    '\treturn 0;',
    'undo_mmu:',
    '\tkvm_mmu_vendor_module_exit();',
    '\treturn err;', // 30
    '}',
    'void kvm_x86_vendor_exit(void)',
    '{',
    '\tkvm_x86_ops.hardware_unsetup();',
    '\tkvm_mmu_vendor_module_exit();', // 35
    '\tkvm_x86_ops.enable_virtualization_cpu = NULL;',
    '}',
  ],
  'arch/x86/kvm/mmu/mmu.c': [
    'void __init kvm_mmu_x86_module_init(void)', //  1
    '{',
    '\tif (nx_huge_pages == -1)',
    '\t\t__set_nx_huge_pages(pick_auto());',
    '\ttdp_mmu_allowed = tdp_mmu_enabled;', //  5
    '\tkvm_mmu_spte_module_init();',
    '}',
    'static void mmu_destroy_caches(void)',
    '{',
    '\tkmem_cache_destroy(pte_list_desc_cache);', // 10
    '\tkmem_cache_destroy(mmu_page_header_cache);',
    '}',
    'int kvm_mmu_vendor_module_init(void)',
    '{',
    '\tint ret = -ENOMEM;', // 15
    '\tBUILD_BUG_ON(sizeof(int) != 4);',
    '\tkvm_mmu_reset_all_pte_masks();',
    '\tpte_list_desc_cache = KMEM_CACHE(pte_list_desc, SLAB_ACCOUNT);',
    '\tif (!pte_list_desc_cache)',
    '\t\tgoto out;', // 20
    '\tmmu_page_header_cache = kmem_cache_create("kvm_mmu_page_header", 64, 0, 0, NULL);',
    '\tif (mmu_page_header_cache == NULL)',
    '\t\tgoto out;',
    '\tif (percpu_counter_init(&kvm_total_used_mmu_pages, 0, GFP_KERNEL))',
    '\t\tgoto out;', // 25
    '\tmmu_shrinker = shrinker_alloc(0, "x86-mmu");',
    '\tif (!mmu_shrinker)',
    '\t\tgoto out_shrinker;',
    '\tshrinker_register(mmu_shrinker);',
    '\treturn 0;', // 30
    'out_shrinker:',
    '\tpercpu_counter_destroy(&kvm_total_used_mmu_pages);',
    'out:',
    '\tmmu_destroy_caches();',
    '\treturn ret;', // 35
    '}',
    'void kvm_mmu_vendor_module_exit(void)',
    '{',
    '\tmmu_destroy_caches();',
    '\tpercpu_counter_destroy(&kvm_total_used_mmu_pages);', // 40
    '\tshrinker_free(mmu_shrinker);',
    '}',
    'void kvm_configure_mmu(bool tdp, int a, int b, int c)',
    '{',
    '\ttdp_enabled = tdp;', // 45
    '}',
  ],
  'arch/x86/kvm/mmu/spte.c': [
    'void __init kvm_mmu_spte_module_init(void)',
    '{',
    '\tallow_mmio_caching = enable_mmio_caching;',
    '\tkvm_host.maxphyaddr = kvm_get_host_maxphyaddr();',
    '}', // 5
    'void kvm_mmu_set_ept_masks(bool ad, bool xo)',
    '{',
    '\tshadow_memtype_mask = 0x78;',
    '\tkvm_mmu_set_mmio_spte_mask(6, 7 | VMX_EPT_SUPPRESS_VE_BIT, 0);',
    '}', // 10
    'void kvm_mmu_reset_all_pte_masks(void)',
    '{',
    '\tshadow_user_mask = 4;',
    '}',
  ],
  'arch/x86/kvm/vmx/vmx.c': [
    'static int vmx_hardware_setup(void)', //  1
    '{',
    '\tint r;',
    '\tif (!cpu_has_vmx_ept())',
    '\t\tenable_ept = 0;', //  5
    '\tif (!enable_ept)',
    '\t\tenable_ept_ad_bits = 0;',
    '\tif (enable_ept)',
    '\t\tkvm_mmu_set_ept_masks(enable_ept_ad_bits, true);',
    '\tkvm_configure_mmu(enable_ept, 0, 4, 3);', // 10
    '\tr = alloc_kvm_area();',
    '\tif (r && nested)',
    '\t\tnested_undo();',
    '\tnote_done();',
    '\treturn r;', // 15
    '}',
    'static void vmx_hardware_unsetup(void)',
    '{',
    '\tfree_kvm_area();',
    '}', // 20
    'static int __init vmx_init(void)',
    '{',
    '\tint r = kvm_x86_vendor_init(&vt_init_ops);',
    '\tif (r)',
    '\t\treturn r;', // 25
    '\treturn 0;',
    '}',
    'static void __exit vmx_exit(void)',
    '{',
    '\tkvm_x86_vendor_exit();', // 30
    '}',
    'static struct kvm_x86_init_ops vt_init_ops __initdata = {',
    '\t.hardware_setup = vmx_hardware_setup,',
    '};',
    'static struct kvm_x86_ops vt_x86_ops = {', // 35
    '\t.hardware_unsetup = vmx_hardware_unsetup,',
    '};',
  ],
  'arch/x86/kvm/svm/svm.c': [
    'static __init int svm_hardware_setup(void)', //  1
    '{',
    '\tint cpu, r;',
    '\tif (!boot_cpu_has(X86_FEATURE_NPT))',
    '\t\tnpt_enabled = false;', //  5
    '\tkvm_configure_mmu(npt_enabled, 4, 4, 3);',
    '\tkvm_mmu_set_me_spte_mask(sme_me_mask, sme_me_mask);',
    '\tsvm_adjust_mmio_mask();',
    '\tsev_hardware_setup();',
    '\tfor_each_possible_cpu(cpu) {', // 10
    '\t\tr = svm_cpu_init(cpu);',
    '\t\tif (r)',
    '\t\t\tgoto err;',
    '\t}',
    '\treturn 0;', // 15
    'err:',
    '\tsvm_hardware_unsetup();',
    '\treturn r;',
    '}',
    'static void svm_hardware_unsetup(void)', // 20
    '{',
    '\trelease_pages();',
    '}',
    'static void svm_adjust_mmio_mask(void)',
    '{', // 25
    '\tif (!sme_active())',
    '\t\treturn;',
    '\tkvm_mmu_set_mmio_spte_mask(1, 1, 0);',
    '}',
    'static int __init svm_init(void)', // 30
    '{',
    '\treturn kvm_x86_vendor_init(&svm_init_ops);',
    '}',
    'static void __exit svm_exit(void)',
    '{', // 35
    '\tkvm_x86_vendor_exit();',
    '}',
    'static struct kvm_x86_init_ops svm_init_ops __initdata = {',
    '\t.hardware_setup = svm_hardware_setup,',
    '};', // 40
    'static struct kvm_x86_ops svm_x86_ops = {',
    '\t.hardware_unsetup = svm_hardware_unsetup,',
    '};',
  ],
  'arch/x86/kvm/svm/sev.c': ['void __init sev_hardware_setup(void)', '{', '\tdecide();', '}'],
};

let dir: string;
let tree: TreeImport;
let data: ImportedTree;
let report: SynthesisReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mmu-synth-'));
  for (const [file, lines] of Object.entries(TREE)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), lines.join('\n') + '\n');
  }
  tree = importTree(await nodeCParser(), dir);
  ({ data, report } = synthesize(tree));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fnOf = (name: string) => {
  const f = data.functions.find((x) => x.name === name);
  if (!f) throw new Error(`${name} not imported`);
  return f;
};

function built(era = ERA_6_12): VariantDef {
  const r = variantFromImport(
    era,
    { id: 'v6.12', title: 'test', kind: 'shipped', summary: '', sources: [] },
    data,
  );
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function run(extra: Partial<ScenarioInput> = {}): RunResult {
  const s = validateScenario({ v: 1, kernel: 'v6.12', vendor: 'intel', ...extra });
  if (!s.ok) throw new Error(s.error);
  const r = runValidated(s.value, built());
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('the catalogue', () => {
  it('tells the two kmem caches and the shrinker calls apart by their arguments', () => {
    const str = (value: string) => ({ kind: 'string' as const, value });
    const ident = (name: string) => ({ kind: 'ident' as const, name });
    expect(ruleFor({ callee: 'kmem_cache_create', args: [str('pte_list_desc')] })?.means).toEqual({
      effect: 'kmem_cache_create:pte_list_desc',
    });
    expect(ruleFor({ callee: 'KMEM_CACHE', args: [ident('pte_list_desc')] })?.evidence).toEqual({
      fact: 'pteListDescCache',
      value: 'KMEM_CACHE',
    });
    expect(ruleFor({ callee: 'kmem_cache_create', args: [str('kvm_vcpu')] })).toBeUndefined();
    expect(ruleFor({ callee: 'kmem_cache_destroy', args: [ident('x86_emulator_cache')] })).toBe(
      undefined,
    );
    expect(ruleFor({ callee: 'shrinker_register', args: [ident('mmu_shrinker')] })?.means).toEqual({
      omit: 'covered',
    });
    expect(ruleFor({ callee: 'pr_warn_once', args: [] })?.means).toEqual({ omit: 'logging' });
    expect(ruleFor({ callee: 'cpu_has_vmx_ept', args: [] })?.means).toEqual({ predicate: true });
  });
  it('maps only clearing assignments to the vendors’ decisions', () => {
    expect(assignRuleFor('enable_ept', { kind: 'number', value: '0' })?.effect).toBe(
      'vmx_decide_ept',
    );
    expect(assignRuleFor('enable_ept', { kind: 'ident', name: 'maybe' })).toBeUndefined();
    expect(assignRuleFor('allow_mmio_caching', { kind: 'ident', name: 'x' })?.effect).toBe(
      'mmio_caching_snapshot',
    );
  });
  it('renders a plain call from names only', () => {
    expect(
      renderCall({
        callee: 'guard',
        args: [{ kind: 'ident', name: 'mutex' }],
        args2: [{ kind: 'addr', name: 'lock' }],
      }),
    ).toBe('guard(mutex)(&lock)');
    expect(
      renderCall({
        callee: 'pr_err',
        args: [{ kind: 'string', value: 'a long message, with commas' }],
      }),
    ).toBe('pr_err("...")');
  });
});

describe('synthesis', () => {
  it('reads the module entries and resolves the ops through the tables', () => {
    expect(tree.version).toBe('6.12.7');
    expect([data.kvm, data.intel, data.amd]).toEqual([
      { init: 'kvm_x86_init', exit: 'kvm_x86_exit' },
      {
        init: 'vmx_init',
        exit: 'vmx_exit',
        ops: { hardware_setup: 'vmx_hardware_setup', hardware_unsetup: 'vmx_hardware_unsetup' },
      },
      {
        init: 'svm_init',
        exit: 'svm_exit',
        ops: { hardware_setup: 'svm_hardware_setup', hardware_unsetup: 'svm_hardware_unsetup' },
      },
    ]);
  });

  it('makes catalogued calls effects, with their error edges and labels in source order', () => {
    expect(fnOf('kvm_mmu_vendor_module_init')).toEqual({
      name: 'kvm_mmu_vendor_module_init',
      file: 'arch/x86/kvm/mmu/mmu.c',
      line: 13,
      returns: 'int',
      body: [
        { line: 17, call: 'kvm_mmu_reset_all_pte_masks' },
        { line: 18, effect: 'kmem_cache_create:pte_list_desc', onError: 'out' },
        { line: 21, effect: 'kmem_cache_create:kvm_mmu_page_header', onError: 'out' },
        { line: 24, effect: 'percpu_counter_init', onError: 'out' },
        { line: 26, effect: 'register_shrinker', onError: 'out_shrinker' },
      ],
      labels: [
        { name: 'out_shrinker', line: 31, steps: [{ line: 32, effect: 'percpu_counter_destroy' }] },
        { name: 'out', line: 33, steps: [{ line: 34, call: 'mmu_destroy_caches' }] },
      ],
    });
  });

  it('turns the vendor check, the ops calls and the ops clear into steps; a feature test is a host check', () => {
    expect(fnOf('kvm_x86_vendor_init').body).toEqual([
      { line: 12, effect: 'vendor_exclusive_check', onError: 'return' },
      { line: 18, call: 'kvm_mmu_vendor_module_init', onError: 'return' },
      { line: 22, plain: 'warm_up(&fast_table)', guardLine: 21 },
      { line: 23, op: 'hardware_setup', onError: 'undo_mmu' },
      { line: 26, effect: 'ops_update' },
    ]);
    expect(fnOf('kvm_x86_vendor_exit').body).toEqual([
      { line: 34, op: 'hardware_unsetup' },
      { line: 35, call: 'kvm_mmu_vendor_module_exit' },
      { line: 36, effect: 'ops_clear' },
    ]);
    expect(report.hostChecks).toEqual([
      {
        fn: 'kvm_x86_vendor_init',
        file: 'arch/x86/kvm/x86.c',
        line: 17,
        cond: '!boot_cpu_has(X86_FEATURE_FPU)',
        exit: 'return -EOPNOTSUPP',
      },
    ]);
  });

  it('lists a guard it does not know instead of guessing, and maps a known one to when', () => {
    expect(report.unknownGuards).toContainEqual({
      fn: 'kvm_x86_vendor_init',
      file: 'arch/x86/kvm/x86.c',
      line: 21,
      cond: 'if (use_fast_path)',
      steps: ['warm_up(&fast_table)'],
    });
    expect(fnOf('vmx_hardware_setup').body).toEqual([
      { line: 5, effect: 'vmx_decide_ept' },
      { line: 7, effect: 'vmx_decide_ept_ad' },
      { line: 9, call: 'kvm_mmu_set_ept_masks', when: 'enable_ept' },
      { line: 10, call: 'kvm_configure_mmu' },
      // A result tested later (`if (r && nested)`, then `return r`) returns on error; the
      // branch that tests it is its error handling, not a step.
      { line: 11, effect: 'hardware_setup_tail:vmx', onError: 'return' },
      { line: 14, plain: 'note_done()' },
    ]);
  });

  it('a returned call returns its error', () => {
    expect(fnOf('svm_init').body).toEqual([
      { line: 32, call: 'kvm_x86_vendor_init', onError: 'return' },
    ]);
  });

  it('reads block macros as loops and keeps the call’s edge', () => {
    expect(fnOf('svm_hardware_setup').body).toEqual([
      { line: 5, effect: 'svm_decide_npt' },
      { line: 6, call: 'kvm_configure_mmu' },
      { line: 7, effect: 'set_me_spte_mask:svm' },
      { line: 8, call: 'svm_adjust_mmio_mask' },
      { line: 9, call: 'sev_hardware_setup' },
      { line: 11, effect: 'hardware_setup_tail:svm', onError: 'err' },
    ]);
  });

  it('takes the bodies of the model’s own functions from the era, not from the C', () => {
    for (const name of ['kvm_configure_mmu', 'kvm_mmu_set_ept_masks', 'svm_adjust_mmio_mask'])
      expect(fnOf(name)).toMatchObject({ model: true, body: [], labels: [] });
    expect(fnOf('kvm_mmu_spte_module_init').body).toEqual([
      { line: 3, effect: 'mmio_caching_snapshot' },
      { line: 4, effect: 'maxphyaddr_snapshot' },
    ]);
    expect(fnOf('kvm_mmu_x86_module_init').body).toEqual([
      { line: 4, effect: 'nx_huge_pages_resolve' },
      { line: 5, effect: 'tdp_mmu_allowed_snapshot' },
      { line: 6, call: 'kvm_mmu_spte_module_init' },
    ]);
  });

  it('reads the era facts the tree shows, and finds an era that disagrees', () => {
    const obs = observeFacts(tree);
    expect(checkFacts(obs, ERA_6_12).disagree).toEqual([]);
    expect(checkFacts(obs, ERA_6_1).disagree.map((c) => [c.fact, c.value, c.era])).toEqual([
      ['pteListDescCache', 'KMEM_CACHE', 'kmem_cache_create'],
      ['shrinker', 'shrinker_alloc', 'register_shrinker'],
      ['physSource', 'kvm_host.maxphyaddr', 'shadow_phys_bits'],
      ['tdpMmuGlobal', true, false],
      ['suppressVe', true, false],
      ['opsField', 'enable_virtualization_cpu', 'hardware_enable'],
    ]);
  });
});

describe('the synthesized variant runs like a built-in one', () => {
  it('loads and unloads VMX with nothing to find, each step linked to its line', () => {
    const r = run({ modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'] });
    expect(r.findings).toEqual([]);
    const titles = r.trace.events.map((e) => e.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'pte_list_desc_cache = KMEM_CACHE(pte_list_desc, SLAB_ACCOUNT)',
        'mmu_shrinker = shrinker_alloc(0, "x86-mmu"); shrinker_register()',
        'ops->hardware_setup = vmx_hardware_setup()',
        'warm_up(&fast_table)',
        'shrinker_free(mmu_shrinker)',
      ]),
    );
    const create = r.trace.events.find((e) =>
      e.stepId?.endsWith('kmem_cache_create:pte_list_desc'),
    );
    expect(create?.src).toEqual({
      kind: 'kernel',
      tree: 'v6.12.7',
      file: 'arch/x86/kvm/mmu/mmu.c',
      line: 18,
    });
  });

  it('unwinds through the imported labels when a fault point fires', () => {
    const r = run({ fail: [{ at: 'register_shrinker' }] });
    expect(r.findings).toEqual([]);
    expect(r.trace.events.map((e) => e.stepId).filter(Boolean)).toEqual(
      expect.arrayContaining([
        'kvm_mmu_vendor_module_init@out_shrinker/percpu_counter_destroy',
        'kvm_mmu_vendor_module_init@out/mmu_destroy_caches',
      ]),
    );
    expect(r.trace.events.at(-1)!.title).toBe('insmod kvm_intel: -ENOMEM');
    const undo = run({ fail: [{ at: 'hardware_setup', errno: 'EIO' }] });
    expect(undo.trace.events.map((e) => e.stepId)).toContain(
      'kvm_x86_vendor_init@undo_mmu/kvm_mmu_vendor_module_exit',
    );
    expect(undo.findings).toEqual([]);
  });

  it('refuses an era whose facts the tree contradicts, saying which', () => {
    const r = variantFromImport(
      ERA_6_1,
      { id: 'v6.1', title: 'x', kind: 'shipped', summary: '', sources: [] },
      data,
    );
    expect(r).toEqual({
      ok: false,
      error: expect.stringContaining('has no tdp_mmu_allowed_snapshot'),
    });
  });
});
