/**
 * Eras are data: every version difference is a named fact with the change that
 * gave it its value, eraChanges() lists what changed between two kernels, and a
 * variant can be built from an era object alone, or from an era plus a function
 * tree made elsewhere.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScenario, type ScenarioInput } from '../scenario';
import { runValidated, type RunResult } from '../runner';
import { finalOf, hexMasks } from '../testing';
import { shippedVariant, variantFromEra } from './build';
import { call, eff, FILES, fn } from './dsl';
import { eraChanges, laterEra, valuesOf, type CoreFacts, type Era } from './era';
import { CHANGES as CHANGES_5_19, ERA_5_19, ERA_SEED_P3 } from './eras/v5.19';
import { CHANGES as CHANGES_6_0, ERA_6_0, ERA_6_1 } from './eras/v6.0';
import { CHANGES as CHANGES_6_6, ERA_6_6 } from './eras/v6.6';
import { CHANGED_BY_6_12, CHANGES as CHANGES_6_12, ERA_6_12 } from './eras/v6.12';
import { CHANGES as CHANGES_6_19, ERA_6_19 } from './eras/v6.19';
import { CHANGES as CHANGES_7_1, ERA_7_1 } from './eras/v7.1';
import { effectLabel } from '../effects/labels';
import { eraEffects } from './eraEffects';
import type { VariantDef } from './types';

const CHANGES = {
  ...CHANGES_5_19,
  ...CHANGES_6_0,
  ...CHANGES_6_6,
  ...CHANGES_6_12,
  ...CHANGES_6_19,
  ...CHANGES_7_1,
};

const ERAS: [string, Era<CoreFacts>][] = [
  ['v5.19', ERA_5_19],
  ['v6.0', ERA_6_0],
  ['v6.1 (Debian 6.1.192)', ERA_6_1],
  ['v6.6', ERA_6_6],
  ['v6.12 (Debian 6.12.118)', ERA_6_12],
  ['v6.19', ERA_6_19],
  ['v7.1', ERA_7_1],
  ['seed-p3', ERA_SEED_P3],
];

/** fact: from → to (commit or posting) */
const changeLines = (from: Era<CoreFacts>, to: Era<CoreFacts>) =>
  eraChanges(from, to).map(
    (c) =>
      `${c.fact}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)} (${c.since?.commit ?? c.since?.msgid ?? 'no id'})`,
  );

describe('what changed between two eras, with the commit', () => {
  it('v5.19 → v6.0', () => {
    expect(changeLines(ERA_5_19, ERA_6_0)).toEqual([
      'mmioReevaluate: false → true (c3e0c8c2e8b1)',
      'memtypeMask: false → true (38bf9d7bf277)',
      'shrinkerName: false → true (no id)',
      'sevAfterMmio: false → true (0c29397ac1fd)',
      'rmapAddStack: ["rmap_add","pte_list_add"] → ["__rmap_add","pte_list_add"] (no id)',
      'rmapRemoveStack: ["pte_list_remove","__pte_list_remove"] → ["kvm_zap_one_rmap_spte","pte_list_remove"] (no id)',
      'patCheck: false → true (94bda2f4cd86)',
      'exclusiveCheckReturns: false → true (no id)',
    ]);
  });
  it('v6.0 → v6.6', () => {
    expect(changeLines(ERA_6_0, ERA_6_6)).toEqual([
      'tdpMmuGlobal: false → true (3af15ff47c4d)',
      'rmapAlgorithm: "append" → "head-insert" (141705b78381)',
      'vendorInit: "kvm_arch_init" → "kvm_x86_vendor_init" (4f8396b96a9f)',
      'percpuLeakFixed: false → true (no id)',
      'vendorModuleLock: "none" → "mutex_lock" (3af4a9e61e71)',
    ]);
  });
  // Read in Debian's trees (docs/kernel-model.md, "v6.1 and v6.12"); app/import/facts.ts
  // re-reads the ones the IR shows on every test run (debian-data.test.ts).
  it('v6.0 → v6.1 (Debian 6.1.192): no core fact changed; the tree differs, and is imported', () => {
    expect(changeLines(ERA_6_0, ERA_6_1)).toEqual([]);
    expect(ERA_6_1.tree).toBe('v6.1.192');
    expect(Object.keys(ERA_6_1.facts)).not.toContain('vendorInit');
  });
  it('v6.6 → v6.12 (Debian 6.12.118): the core part of CHANGED_BY_6_12', () => {
    expect(changeLines(ERA_6_6, ERA_6_12)).toEqual([
      'suppressVe: false → true (20240507154459.3950778-*-pbonzini@redhat.com)', // spte.c:440
      'physSource: "shadow_phys_bits" → "kvm_host.maxphyaddr" (no id)', // spte.c:77
      'shrinker: "register_shrinker" → "shrinker_alloc" (20230824034304.37411-3-zhengqi.arch@bytedance.com)', // mmu.c:7431
      'pteListDescCache: "kmem_cache_create" → "KMEM_CACHE" (20240116100025.95702-1-chentao@kylinos.cn)', // mmu.c:7418
      'opsField: "hardware_enable" → "enable_virtualization_cpu" (no id)', // x86.c:9278
    ]);
  });
  it('v6.6 → v6.19 (what changed in v6.19, in one hop)', () => {
    expect(changeLines(ERA_6_6, ERA_6_19)).toEqual([
      'memtypeMask: true → false (3fee4837ef40)',
      'suppressVe: false → true (20240507154459.3950778-*-pbonzini@redhat.com)',
      'kvmAdEnabled: false → true (20241112193335.597514-4-seanjc@google.com)',
      'physSource: "shadow_phys_bits" → "kvm_host.maxphyaddr" (no id)',
      'percpuCounter: true → false (fe140e611d34)',
      'shrinker: "register_shrinker" → null (fe140e611d34)',
      'pteListDescCache: "kmem_cache_create" → "KMEM_CACHE" (20240116100025.95702-1-chentao@kylinos.cn)',
      'opsField: "hardware_enable" → "enable_virtualization_cpu" (no id)',
      'tdx: "none" → "tdx_bringup" (no id)',
      'vendorModuleLock: "mutex_lock" → "guard" (no id)',
      'cetCheck: false → true (no id)',
      'kvmCapsReset: false → true (40269c03fdbf)',
      'userReturnMsrs: "vendor-init" → "destroyed-before-mmu-exit" (no id)',
      'vmxHardwareSetup: "hardware_setup" → "vmx_hardware_setup" (no id)',
      'vmcsConfigIn: "hardware_setup" → "vmx_init" (no id)',
      'svmMaxphyaddrAfterConfigure: false → true (no id)',
      'svmCpuInitLast: false → true (no id)',
      'svmIopmAfterMmio: false → true (no id)',
    ]);
  });
  it('v6.19 → v7.1', () => {
    expect(changeLines(ERA_6_19, ERA_7_1)).toEqual([
      'tdx: "tdx_bringup" → "tdx_hardware_setup" (f630de1f8d70)',
      'eferCapsInCommon: false → true (no id)',
      'allocatesVmxon: true → false (20260214012702.2368778-*-seanjc@google.com)',
    ]);
  });
  it('the v1 series’ PATCH 3/4 on its base', () => {
    expect(eraChanges(ERA_5_19, ERA_SEED_P3)).toEqual([
      {
        fact: 'rmapCapacity',
        from: 'PTE_LIST_EXT',
        to: 'nr_sptes_per_pte_list',
        since: CHANGES.nrSptesPerPteList,
      },
    ]);
  });
  it('lists nothing between an era and itself, and reverses', () => {
    expect(eraChanges(ERA_7_1, ERA_7_1)).toEqual([]);
    expect(eraChanges(ERA_6_19, ERA_6_6).map((c) => c.fact)).toEqual(
      eraChanges(ERA_6_6, ERA_6_19).map((c) => c.fact),
    );
  });
});

describe('every fact says where its value came from', () => {
  it.each(ERAS)('%s: a value that is not v5.19’s names the change that gave it', (_, era) => {
    const base = valuesOf(ERA_5_19) as unknown as Record<string, unknown>;
    for (const [name, fact] of Object.entries(era.facts)) {
      if (JSON.stringify(fact.value) !== JSON.stringify(base[name]))
        expect(fact.since, name).not.toBeNull();
    }
  });
  it.each(Object.entries(CHANGES))('%s: a commit or a posting, and where it was read', (_, c) => {
    expect(
      c.commit ?? ('msgid' in c ? c.msgid : null) ?? ('seen' in c ? c.seen : null),
    ).toBeTruthy();
    if (c.commit) expect(c.commit).toMatch(/^[0-9a-f]{12}$/);
    if ('seen' in c && c.seen.kind === 'kernel') expect(c.seen.line, c.what).toBeGreaterThan(0);
  });
  it('pins where the facts were read (file and line in the tree)', () => {
    expect(CHANGES.mmioReevaluate.seen).toEqual({
      kind: 'kernel',
      tree: 'v6.0.19',
      file: 'arch/x86/kvm/mmu/spte.c',
      line: 352,
    });
    expect(CHANGES.shrinkerRemoved.seen).toEqual({
      kind: 'kernel',
      tree: 'v6.19',
      file: 'arch/x86/kvm/mmu/mmu.c',
      line: 7583,
    });
    expect(CHANGES.tdxInHardwareSetup.seen).toEqual({
      kind: 'kernel',
      tree: 'v7.1.3',
      file: 'arch/x86/kvm/vmx/tdx.c',
      line: 3360,
    });
  });
  it('the builders and the interpreter switch on facts, never on a version or a tree name', () => {
    for (const file of [
      'x86.ts',
      'vmx.ts',
      'svm.ts',
      'mmu.ts',
      'build.ts',
      'index.ts',
      '../run/interpreter.ts',
      '../run/classify.ts',
      '../run/vm.ts',
    ]) {
      const code = readFileSync(new URL(file, import.meta.url), 'utf8');
      expect(code, file).not.toMatch(/\.tree\s*[!=]==|\btree\s*[!=]==|\.version\b/);
    }
  });
});

const scenario = (extra: Partial<ScenarioInput> = {}) => {
  const v = validateScenario({ v: 1, kernel: 'v6.6', vendor: 'intel', ...extra });
  if (!v.ok) throw new Error(v.error);
  return v.value;
};
const run = (variant: VariantDef, extra: Partial<ScenarioInput> = {}): RunResult => {
  const r = runValidated(scenario(extra), variant);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const titles = (r: RunResult) => r.trace.events.map((e) => e.title);

/** v6.6's hand-written tree with v6.12's facts: only facts change (its functions link to v6.6.87). The built-in v6.12 is imported instead. */
const ERA_6_12_SKETCH = laterEra(ERA_6_6, 'v6.6.87', CHANGED_BY_6_12);

describe('each era spells its steps as its tree does', () => {
  // v5.19 mmu.c L6320 passes the shrinker alone (include/linux/shrinker.h L93 takes one
  // argument); v6.0.19 mmu.c L6706 also passes "x86-mmu" (shrinker.h L99, printf-style).
  it.each([
    [ERA_5_19, 'register_shrinker(&mmu_shrinker)'],
    [ERA_SEED_P3, 'register_shrinker(&mmu_shrinker)'],
    [ERA_6_0, 'register_shrinker(&mmu_shrinker, "x86-mmu")'],
    [ERA_6_6, 'register_shrinker(&mmu_shrinker, "x86-mmu")'],
  ])('%#: %s', (era, label) => {
    expect(effectLabel(eraEffects(valuesOf(era)).registerShrinker!)).toBe(label);
  });
});

describe('a variant built from an era object alone', () => {
  const v612 = shippedVariant(ERA_6_12_SKETCH, {
    id: 'v6.6',
    title: 'v6.12 (sketch)',
    summary: 'Built from its era’s facts only.',
  });

  it('has the era’s globals and rmap', () => {
    expect(v612.shape).toEqual({
      memtypeMask: true,
      allowMmioCaching: true,
      physSource: 'kvm_host.maxphyaddr',
      kvmAdEnabled: false,
      tdpMmuAllowed: true,
      nrSptesPerPteList: false,
      percpuCounter: true,
      shrinker: true,
      tdx: false,
    });
    expect(v612.rmap).toEqual({
      algorithm: 'head-insert',
      capacity: 'PTE_LIST_EXT',
      stacks: {
        add: ['__rmap_add', 'pte_list_add'],
        remove: ['kvm_zap_one_rmap_spte', 'pte_list_remove'],
      },
    });
    expect(v612.intel.ops.hardware_setup).toBe('vmx_hardware_setup');
  });

  it('loads and unloads with the era’s spelling of each step, and finds nothing', () => {
    const r = run(v612, {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'],
      params: { eptAD: false },
    });
    expect(r.findings).toEqual([]);
    expect(titles(r)).toEqual(
      expect.arrayContaining([
        'kvm_host.maxphyaddr = kvm_get_host_maxphyaddr()',
        'guard(mutex)(&vendor_module_lock)',
        'if (kvm_x86_ops.enable_virtualization_cpu) return -EEXIST',
        'memset(&kvm_caps, 0, sizeof(kvm_caps))',
        'pte_list_desc_cache = KMEM_CACHE(pte_list_desc, SLAB_ACCOUNT)',
        'percpu_counter_init(&kvm_total_used_mmu_pages, 0)',
        'mmu_shrinker = shrinker_alloc(0, "x86-mmu"); shrinker_register()',
        'ops->hardware_setup = vmx_hardware_setup()',
        'setup_vmcs_config()',
        'shrinker_free(mmu_shrinker)',
      ]),
    );
    expect(titles(r)).not.toContain('__kvm_x86_vendor_init()');
    // v6.12's EPT masks: memtype and suppress-#VE (execute-only EPT: no R bit), but A/D
    // still off without hardware A/D.
    expect(hexMasks(finalOf(r))).toMatchObject({
      shadow_present_mask: '0x8000000000000000',
      shadow_memtype_mask: '0x78',
      shadow_accessed_mask: '0x0',
      shadow_mmio_mask: '0x8000000000000007',
    });
  });

  it('a failed shrinker_alloc() returns -ENOMEM and destroys the percpu counter', () => {
    const r = run(v612, { fail: [{ at: 'register_shrinker', errno: 'EBUSY' }] });
    expect(r.findings).toEqual([]);
    expect(r.trace.events.at(-1)!.title).toBe('insmod kvm_intel: -ENOMEM');
    expect(r.trace.events.map((e) => e.stepId)).toContain(
      'kvm_mmu_vendor_module_init@out_shrinker/percpu_counter_destroy',
    );
  });
});

describe('an era’s facts serve a function tree made elsewhere', () => {
  /** A tree an importer might derive: the MMU's vendor init called straight from module_init. */
  function importedTree(era: Era) {
    const e = eraEffects(valuesOf(era));
    const mmu = { file: FILES.mmu, returns: 'int' as const, owner: 'kvm' as const, summary: '' };
    const functions = [
      fn(era.tree, { ...mmu, name: 'kvm_x86_init', returns: 'void' }, []),
      fn(era.tree, { ...mmu, name: 'vmx_init' }, [call('kvm_mmu_vendor_module_init')]),
      fn(era.tree, { ...mmu, name: 'vmx_exit', returns: 'void' }, [call('mmu_destroy_caches')]),
      fn(
        era.tree,
        { ...mmu, name: 'kvm_mmu_vendor_module_init' },
        [
          eff(e.resetDefaultMasks),
          eff(e.setMmioSpteMask('reset')),
          eff(e.kmemCacheCreate('pte_list_desc'), { onError: 'out' }),
          eff(e.kmemCacheCreate('kvm_mmu_page_header'), { onError: 'out' }),
          eff(e.configureMmu),
        ],
        [['out', [call('mmu_destroy_caches')]]],
      ),
      fn(era.tree, { ...mmu, name: 'mmu_destroy_caches', returns: 'void' }, [
        eff({ kind: 'kmem_cache_destroy', cache: 'pte_list_desc' }),
        eff({ kind: 'kmem_cache_destroy', cache: 'kvm_mmu_page_header' }),
      ]),
    ];
    return variantFromEra(
      era,
      { id: 'v6.6', title: 'imported', kind: 'shipped', summary: '', sources: [] },
      {
        functions: Object.fromEntries(functions.map((f) => [f.name, f])),
        phases: { maskReset: [], configureMmu: [], hardwareSetup: [] },
        kvm: { init: 'kvm_x86_init', exit: 'kvm_x86_init' },
        intel: {
          init: 'vmx_init',
          exit: 'vmx_exit',
          ops: { hardware_setup: 'vmx_init', hardware_unsetup: 'vmx_exit' },
        },
        amd: {
          init: 'vmx_init',
          exit: 'vmx_exit',
          ops: { hardware_setup: 'vmx_init', hardware_unsetup: 'vmx_exit' },
        },
      },
    );
  }
  const workload = [{ op: 'map' as const, gfn: 7, sptes: 3 }];

  it.each([
    [
      ERA_5_19,
      'rmap_add',
      'append',
      'pte_list_desc_cache = kmem_cache_create("pte_list_desc", sizeof(struct pte_list_desc))',
    ],
    [
      ERA_7_1,
      '__rmap_add',
      'head-insert',
      'pte_list_desc_cache = KMEM_CACHE(pte_list_desc, SLAB_ACCOUNT)',
    ],
    [
      ERA_6_12_SKETCH,
      '__rmap_add',
      'head-insert',
      'pte_list_desc_cache = KMEM_CACHE(pte_list_desc, SLAB_ACCOUNT)',
    ],
  ] as const)(
    '%#: the era decides globals, the cache’s spelling and the workload’s stack',
    (era, adder, algorithm, create) => {
      const v = importedTree(era);
      expect(v.rmap.algorithm).toBe(algorithm);
      const r = run(v, { workload });
      const state = finalOf(r);
      expect('shadow_memtype_mask' in state.masks).toBe(valuesOf(era).memtypeMask);
      expect('kvm_host.maxphyaddr' in state.config).toBe(
        valuesOf(era).physSource === 'kvm_host.maxphyaddr',
      );
      expect(titles(r)).toContain(create);
      const adds = r.trace.events.filter((e) => e.kind === 'workload');
      expect(adds).toHaveLength(3);
      for (const e of adds) expect(e.stack.slice(-2)).toEqual([adder, 'pte_list_add']);
      expect(r.rmapCapacity).toBe(14);
    },
  );
});
