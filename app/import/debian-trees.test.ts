/**
 * The importer on Debian's real kernel trees (installed by scripts/kernel-source.sh, which
 * `npm run test:unit` runs first). Every fact below was read in the tree at the cited
 * file:line, in linux-source-6.1 6.1.192 (Debian 6.1.192-3) and linux-source-6.12 6.12.118
 * (Debian 6.12.118-1~deb12u1). Debian replaces these packages with newer stable releases;
 * on another version the order and error edges are still checked, and each line is checked
 * to point at the name it should (line numbers move between stable releases).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallItem, ExtractedFunction, TreeImport } from './ir';
import { MODELLED } from './modelled';
import { debianTree, importTree, nodeCParser, type DebianSeries } from './node';

const VERIFIED: Record<DebianSeries, string> = { '6.1': '6.1.192', '6.12': '6.12.118' };

/** A call as the tests name it: caches by their name, so the two creations differ. */
function describeCall(c: CallItem): string {
  const first = c.args[0];
  if (c.callee === 'kmem_cache_create' && first?.kind === 'string')
    return `kmem_cache_create("${first.value}")`;
  if (c.callee === 'KMEM_CACHE' && first?.kind === 'ident') return `KMEM_CACHE(${first.name})`;
  return c.callee;
}

const edge = (c: CallItem): string | undefined =>
  c.onError?.kind === 'goto' ? c.onError.label : c.onError?.kind;

/** [call, line, error edge]: the edge is a label, 'return', or absent when unchecked. */
type Step = [call: string, line: number, onError?: string];

interface Facts {
  file: string;
  line: number;
  /** The calls the model cares about, in source order; every other call is left out. */
  steps: Step[];
}

function suite(series: DebianSeries, facts: Record<string, Facts>, more: (t: () => Tree) => void) {
  const dir = debianTree(series);
  // CI installs the trees first, so there a missing tree is a failure, not a skip.
  const skip = !dir && !process.env.CI;
  if (skip)
    console.warn(
      `SKIPPED: Debian linux-source-${series} is not installed (run: bash scripts/kernel-source.sh)`,
    );
  describe.skipIf(skip)(`Debian linux-source-${series}`, () => {
    let tree: Tree;
    beforeAll(async () => {
      if (!dir) throw new Error(`linux-source-${series} is not installed in CI`);
      tree = new Tree(dir, importTree(await nodeCParser(), dir), VERIFIED[series]);
      if (!tree.exact)
        console.warn(
          `linux-source-${series} is ${tree.imported.version}, not ${VERIFIED[series]}: line numbers are checked against the text, not the verified table`,
        );
      // About a second alone; minutes when the whole suite shares two cores.
    }, 120_000);

    it('finds every modelled function the tree defines, at a line that names it', () => {
      const found = tree.imported.files.flatMap((f) => f.functions);
      for (const f of found)
        expect(tree.text(f.file, f.line), `${f.name} at ${f.file}:${f.line}`).toMatch(
          new RegExp(`\\b${f.name}\\s*\\(`),
        );
      for (const [name, fact] of Object.entries(facts)) {
        const f = tree.fn(name);
        expect([f.file, f.line], name).toEqual([fact.file, tree.at(fact.line)]);
      }
    });

    it('reports as missing only names the tree does not define', () => {
      for (const file of tree.imported.files)
        for (const name of file.missing)
          for (const other of tree.imported.files)
            expect(other.functions.map((f) => f.name)).not.toContain(name);
      expect(tree.imported.absent).toEqual(
        Object.keys(MODELLED).filter((f) => !tree.imported.files.some((x) => x.file === f)),
      );
    });

    for (const [name, fact] of Object.entries(facts))
      it(`${name}() (${fact.file}:${fact.line}): MMU-relevant calls in order, with error edges`, () => {
        const f = tree.fn(name);
        const wanted = new Set(fact.steps.map(([c]) => c));
        const actual = f.items
          .filter((i): i is CallItem => i.kind === 'call' && wanted.has(describeCall(i)))
          .map((c): Step => {
            const text = tree.text(f.file, c.line);
            expect(text, `${describeCall(c)} at ${f.file}:${c.line}`).toContain(
              c.callee.replace(/^@/, ''),
            );
            const e = edge(c);
            return e ? [describeCall(c), c.line, e] : [describeCall(c), c.line];
          });
        const expected = fact.steps.map(([c, l, e]) => (e ? [c, tree.at(l), e] : [c, tree.at(l)]));
        expect(actual).toEqual(expected);
      });

    more(() => tree);
  });
}

/** One imported tree, and how to compare line numbers with the verified table. */
class Tree {
  readonly exact: boolean;
  private readonly sources = new Map<string, string[]>();
  constructor(
    readonly dir: string,
    readonly imported: TreeImport,
    verified: string,
  ) {
    this.exact = imported.version === verified;
  }
  fn(name: string): ExtractedFunction {
    const f = this.imported.files.flatMap((x) => x.functions).find((x) => x.name === name);
    if (!f) throw new Error(`${name} not found in ${this.imported.version}`);
    return f;
  }
  /** A verified line number; on another version any line (the text checks stand in). */
  at(line: number): number {
    return this.exact ? line : expect.any(Number);
  }
  text(file: string, line: number): string {
    if (!this.sources.has(file))
      this.sources.set(file, readFileSync(join(this.dir, file), 'utf8').split('\n'));
    return this.sources.get(file)![line - 1] ?? '';
  }
}

const X86 = 'arch/x86/kvm/x86.c';
const MMU = 'arch/x86/kvm/mmu/mmu.c';
const VMX = 'arch/x86/kvm/vmx/vmx.c';
const SVM = 'arch/x86/kvm/svm/svm.c';
const KVM_MAIN = 'virt/kvm/kvm_main.c';

suite(
  '6.1',
  {
    kvm_mmu_vendor_module_init: {
      file: MMU,
      line: 6743,
      steps: [
        ['kvm_mmu_reset_all_pte_masks', 6757],
        ['kmem_cache_create("pte_list_desc")', 6759, 'out'],
        ['kmem_cache_create("kvm_mmu_page_header")', 6765, 'out'],
        ['percpu_counter_init', 6771, 'out'],
        ['register_shrinker', 6774, 'out_shrinker'],
        ['percpu_counter_destroy', 6781],
        ['mmu_destroy_caches', 6783],
      ],
    },
    kvm_x86_vendor_init: {
      file: X86,
      line: 9449,
      steps: [
        ['kvm_alloc_emulator_cache', 9498, 'return'],
        ['alloc_percpu', 9504, 'out_free_x86_emulator_cache'],
        ['kvm_mmu_vendor_module_init', 9512, 'out_free_percpu'],
        ['free_percpu', 9535],
        ['kmem_cache_destroy', 9537],
      ],
    },
    kvm_arch_hardware_setup: {
      file: X86,
      line: 12434,
      steps: [
        ['@hardware_setup', 12446, 'return'],
        ['kvm_ops_update', 12450],
      ],
    },
    kvm_init: {
      file: KVM_MAIN,
      line: 5909,
      steps: [
        ['kvm_arch_init', 5916, 'out_fail'],
        ['kvm_irqfd_init', 5927, 'out_irqfd'],
        ['zalloc_cpumask_var', 5931, 'out_free_0'],
        ['kvm_arch_hardware_setup', 5936, 'out_free_1'],
        ['misc_register', 5998, 'err_register'],
        ['kvm_arch_hardware_unsetup', 6018],
        ['kvm_arch_exit', 6024],
      ],
    },
    hardware_setup: {
      file: VMX,
      line: 8372,
      steps: [
        ['setup_vmcs_config', 8383, 'return'],
        ['kvm_mmu_set_ept_masks', 8482],
        ['vmx_setup_me_spte_mask', 8489],
        ['kvm_configure_mmu', 8491],
        ['nested_vmx_hardware_setup', 8548, 'return'],
        ['alloc_kvm_area', 8555],
      ],
    },
    vmx_init: {
      file: VMX,
      line: 8603,
      steps: [
        ['kvm_x86_vendor_init', 8640, 'return'],
        ['vmx_setup_l1d_flush', 8651, 'err_l1d_flush'],
        ['kvm_init', 8679, 'err_kvm_init'],
        ['__vmx_exit', 8687],
        ['kvm_x86_vendor_exit', 8689],
      ],
    },
    svm_hardware_setup: {
      file: SVM,
      line: 5047,
      steps: [
        ['alloc_pages', 5065, 'return'],
        ['kvm_configure_mmu', 5120],
        ['kvm_mmu_set_me_spte_mask', 5125],
        ['svm_adjust_mmio_mask', 5127],
        ['sev_hardware_setup', 5133],
        ['svm_cpu_init', 5138, 'err'],
        ['svm_hardware_unsetup', 5206],
      ],
    },
    svm_init: {
      file: SVM,
      line: 5221,
      steps: [
        ['kvm_x86_vendor_init', 5227, 'return'],
        ['kvm_init', 5235, 'err_kvm_init'],
        ['kvm_x86_vendor_exit', 5243],
      ],
    },
  },
  (t) => {
    it('is the 6.1 stable hybrid: MMU vendor init in kvm_x86_vendor_init(), hardware_setup() later from kvm_init()', () => {
      const calls = (name: string) =>
        t()
          .fn(name)
          .items.filter((i) => i.kind === 'call')
          .map((i) => (i as CallItem).callee);
      // x86.c:9439: kvm_arch_init() is an empty stub (returns 0); x86.c:9449 has its old body.
      expect(t().fn('kvm_arch_init').items).toEqual([
        expect.objectContaining({ kind: 'return', value: { kind: 'number', value: '0' } }),
      ]);
      expect(calls('kvm_x86_vendor_init')).toContain('kvm_mmu_vendor_module_init');
      expect(calls('kvm_x86_vendor_init')).not.toContain('@hardware_setup');
      // No vendor_module_lock yet (v6.3's 3af4a9e61e71 is not in 6.1).
      expect(calls('kvm_x86_vendor_init')).not.toContain('mutex_lock');
      expect(calls('kvm_x86_vendor_init')).not.toContain('guard');
      // kvm_main.c:5936 → x86.c:12446: the vendor's hardware_setup() runs from kvm_init().
      expect(calls('kvm_init')).toContain('kvm_arch_hardware_setup');
      expect(calls('kvm_arch_hardware_setup')).toContain('@hardware_setup');
    });

    it('hardware_setup() edits the EPT masks only with EPT (vmx.c:8481), nested setup only with nested (vmx.c:8545)', () => {
      const f = t().fn('hardware_setup');
      const find = (callee: string) =>
        f.items.find((i) => i.kind === 'call' && i.callee === callee)!;
      expect(find('kvm_mmu_set_ept_masks').guards).toEqual([
        {
          kind: 'if',
          cond: { kind: 'ident', name: 'enable_ept' },
          branch: 'then',
          line: t().at(8481),
        },
      ]);
      expect(find('nested_vmx_hardware_setup').guards).toMatchObject([
        { kind: 'if', cond: { kind: 'ident', name: 'nested' } },
      ]);
      // vmx.c:8410: enable_ept is cleared when the CPU lacks EPT features.
      expect(f.items).toContainEqual(
        expect.objectContaining({
          kind: 'assign',
          target: 'enable_ept',
          value: { kind: 'number', value: '0' },
        }),
      );
    });

    it('resolves the ops: vmx_init_ops.hardware_setup = hardware_setup (vmx.c:8568), svm_init_ops (svm.c:5214)', () => {
      const tables = t().imported.files.flatMap((f) => f.opsTables);
      const op = (table: string, field: string) =>
        tables.find((x) => x.name === table)?.fields[field]?.fn;
      expect(op('vmx_init_ops', 'hardware_setup')).toBe('hardware_setup');
      expect(op('vmx_x86_ops', 'hardware_unsetup')).toBe('vmx_hardware_unsetup');
      expect(op('svm_init_ops', 'hardware_setup')).toBe('svm_hardware_setup');
      expect(op('svm_x86_ops', 'hardware_unsetup')).toBe('svm_hardware_unsetup');
    });
  },
);

suite(
  '6.12',
  {
    kvm_mmu_vendor_module_init: {
      file: MMU,
      line: 7402,
      steps: [
        ['kvm_mmu_reset_all_pte_masks', 7416],
        ['KMEM_CACHE(pte_list_desc)', 7418, 'out'],
        ['kmem_cache_create("kvm_mmu_page_header")', 7422, 'out'],
        ['percpu_counter_init', 7428, 'out'],
        ['shrinker_alloc', 7431, 'out_shrinker'],
        ['shrinker_register', 7439],
        ['percpu_counter_destroy', 7444],
        ['mmu_destroy_caches', 7446],
      ],
    },
    kvm_x86_vendor_init: {
      file: X86,
      line: 9271,
      steps: [
        ['guard', 9276],
        ['kvm_alloc_emulator_cache', 9313, 'return'],
        ['alloc_percpu', 9319, 'out_free_x86_emulator_cache'],
        ['kvm_mmu_vendor_module_init', 9327, 'out_free_percpu'],
        ['@hardware_setup', 9354, 'out_mmu_exit'],
        ['kvm_ops_update', 9361],
        ['@hardware_unsetup', 9418],
        ['kvm_mmu_vendor_module_exit', 9420],
        ['free_percpu', 9422],
        ['kmem_cache_destroy', 9424],
      ],
    },
    kvm_init: {
      file: KVM_MAIN,
      line: 6521,
      steps: [
        ['kvm_irqfd_init', 6547, 'err_irqfd'],
        ['kvm_async_pf_init', 6551, 'err_async_pf'],
        ['kvm_vfio_ops_init', 6565, 'err_vfio'],
        ['kvm_init_virtualization', 6571, 'err_virt'],
        ['misc_register', 6579, 'err_register'],
        ['kvm_uninit_virtualization', 6588],
      ],
    },
    vmx_hardware_setup: {
      file: VMX,
      line: 8401,
      steps: [
        ['setup_vmcs_config', 8412, 'return'],
        ['kvm_mmu_set_ept_masks', 8506],
        ['vmx_setup_me_spte_mask', 8513],
        ['kvm_configure_mmu', 8515],
        ['nested_vmx_hardware_setup', 8572, 'return'],
        ['alloc_kvm_area', 8579],
      ],
    },
    vmx_init: {
      file: VMX,
      line: 8635,
      steps: [
        ['kvm_x86_vendor_init', 8648, 'return'],
        ['vmx_setup_l1d_flush', 8659, 'err_l1d_flush'],
        ['kvm_init', 8683, 'err_kvm_init'],
        ['__vmx_exit', 8691],
        ['kvm_x86_vendor_exit', 8693],
      ],
    },
    svm_hardware_setup: {
      file: SVM,
      line: 5470,
      steps: [
        ['alloc_pages', 5488, 'return'],
        ['kvm_configure_mmu', 5546],
        ['kvm_mmu_set_me_spte_mask', 5551],
        ['svm_adjust_mmio_mask', 5553],
        ['sev_hardware_setup', 5567],
        ['svm_cpu_init', 5572, 'err'],
        ['svm_hardware_unsetup', 5640],
      ],
    },
    svm_init: {
      file: SVM,
      line: 5657,
      steps: [
        ['kvm_x86_vendor_init', 5666, 'return'],
        ['kvm_init', 5674, 'err_kvm_init'],
        ['__svm_exit', 5682],
      ],
    },
  },
  (t) => {
    it('has the v6.3+ structure: kvm_x86_vendor_init() runs the MMU vendor init, then hardware_setup(), under vendor_module_lock', () => {
      const f = t().fn('kvm_x86_vendor_init');
      // x86.c:9276: the lock is a scoped guard, taken before anything else.
      expect(f.items.find((i) => i.kind === 'call')).toMatchObject({
        callee: 'guard',
        args: [{ kind: 'ident', name: 'mutex' }],
        args2: [{ kind: 'addr', name: 'vendor_module_lock' }],
      });
      // x86.c:9417: the unwind clears enable_virtualization_cpu before hardware_unsetup().
      expect(f.items).toContainEqual(
        expect.objectContaining({
          kind: 'assign',
          target: 'kvm_x86_ops.enable_virtualization_cpu',
          label: 'out_unwind_ops',
        }),
      );
    });

    it('kvm_init() no longer runs any x86 setup: that is done before it is called', () => {
      const callees = t()
        .fn('kvm_init')
        .items.filter((i) => i.kind === 'call')
        .map((i) => (i as CallItem).callee);
      expect(callees).not.toContain('kvm_arch_init');
      expect(callees).not.toContain('kvm_arch_hardware_setup');
    });

    it('resolves the ops: vt_init_ops.hardware_setup = vmx_hardware_setup (vmx/main.c:166), vt_x86_ops.hardware_unsetup (main.c:24)', () => {
      const tables = t().imported.files.flatMap((f) => f.opsTables);
      const op = (table: string, field: string) =>
        tables.find((x) => x.name === table)?.fields[field];
      expect(op('vt_init_ops', 'hardware_setup')).toEqual({
        fn: 'vmx_hardware_setup',
        line: t().at(166),
      });
      expect(op('vt_x86_ops', 'hardware_unsetup')?.fn).toBe('vmx_hardware_unsetup');
      expect(op('svm_init_ops', 'hardware_setup')?.fn).toBe('svm_hardware_setup');
    });
  },
);
