/**
 * The era facts a tree shows in its calls and assignments, read from the IR, and how they
 * compare with an era: an import whose tree and era disagree would model the wrong
 * kernel, so `mmu import --check` fails on any disagreement. Facts the IR cannot show
 * (the rmap algorithm, object sizes) are verified by hand and cited in
 * docs/kernel-model.md.
 */
import type { CoreFacts, Era } from '../engine/variants/era';
import { valuesOf } from '../engine/variants/era';
import type { AssignItem, CallItem, ExtractedFunction, TreeImport } from './ir';
import type { Where } from './synthesize';

export interface Observation {
  fact: keyof CoreFacts;
  value: unknown;
  /** Where the tree shows it; for an absence, the function it is absent from. */
  where: Where;
  how: string;
}

type Functions = ReadonlyMap<string, ExtractedFunction>;

const callsOf = (f: ExtractedFunction | undefined): CallItem[] =>
  (f?.items ?? []).filter((i): i is CallItem => i.kind === 'call');
const assignsOf = (f: ExtractedFunction | undefined): AssignItem[] =>
  (f?.items ?? []).filter((i): i is AssignItem => i.kind === 'assign');
const at = (f: ExtractedFunction, line = f.line): Where => ({ fn: f.name, file: f.file, line });

/** One observer per fact: the function that shows it, and what it shows. */
const OBSERVERS: {
  fact: keyof CoreFacts;
  fn: string;
  /** null: this function does not show it (another observer of the fact may). */
  observe(f: ExtractedFunction): { value: unknown; line: number; how: string } | null;
}[] = [
  {
    fact: 'pteListDescCache',
    fn: 'kvm_mmu_vendor_module_init',
    observe(f) {
      const m = callsOf(f).find(
        (c) =>
          c.callee === 'KMEM_CACHE' &&
          c.args[0]?.kind === 'ident' &&
          c.args[0].name === 'pte_list_desc',
      );
      if (m) return { value: 'KMEM_CACHE', line: m.line, how: 'KMEM_CACHE(pte_list_desc, …)' };
      const c = callsOf(f).find(
        (x) =>
          x.callee === 'kmem_cache_create' &&
          x.args[0]?.kind === 'string' &&
          x.args[0].value === 'pte_list_desc',
      );
      return {
        value: 'kmem_cache_create',
        line: c?.line ?? f.line,
        how: 'kmem_cache_create("pte_list_desc", …)',
      };
    },
  },
  {
    fact: 'percpuCounter',
    fn: 'kvm_mmu_vendor_module_init',
    observe(f) {
      const c = callsOf(f).find((x) => x.callee === 'percpu_counter_init');
      return c
        ? { value: true, line: c.line, how: 'percpu_counter_init(&kvm_total_used_mmu_pages, …)' }
        : { value: false, line: f.line, how: 'no percpu_counter_init()' };
    },
  },
  {
    fact: 'shrinker',
    fn: 'kvm_mmu_vendor_module_init',
    observe(f) {
      const c = callsOf(f).find(
        (x) => x.callee === 'register_shrinker' || x.callee === 'shrinker_alloc',
      );
      return c
        ? { value: c.callee, line: c.line, how: `${c.callee}()` }
        : { value: null, line: f.line, how: 'neither register_shrinker() nor shrinker_alloc()' };
    },
  },
  {
    fact: 'mmioReevaluate',
    fn: 'kvm_mmu_spte_module_init',
    observe(f) {
      const a = assignsOf(f).find((x) => x.target === 'allow_mmio_caching');
      return a
        ? { value: true, line: a.line, how: 'allow_mmio_caching = …' }
        : { value: false, line: f.line, how: 'no allow_mmio_caching' };
    },
  },
  {
    fact: 'physSource',
    fn: 'kvm_mmu_spte_module_init',
    observe(f) {
      const c = callsOf(f).find((x) => x.assignedTo === 'kvm_host.maxphyaddr');
      return c
        ? { value: 'kvm_host.maxphyaddr', line: c.line, how: 'kvm_host.maxphyaddr = …' }
        : { value: 'shadow_phys_bits', line: f.line, how: 'no kvm_host.maxphyaddr' };
    },
  },
  {
    fact: 'tdpMmuGlobal',
    fn: 'kvm_mmu_x86_module_init',
    observe(f) {
      const a = assignsOf(f).find((x) => x.target === 'tdp_mmu_allowed');
      return a
        ? { value: true, line: a.line, how: 'tdp_mmu_allowed = …' }
        : { value: false, line: f.line, how: 'no tdp_mmu_allowed' };
    },
  },
  {
    fact: 'memtypeMask',
    fn: 'kvm_mmu_set_ept_masks',
    observe(f) {
      const a = assignsOf(f).find((x) => x.target === 'shadow_memtype_mask');
      return a
        ? { value: true, line: a.line, how: 'shadow_memtype_mask = …' }
        : { value: false, line: f.line, how: 'no shadow_memtype_mask' };
    },
  },
  {
    fact: 'suppressVe',
    fn: 'kvm_mmu_set_ept_masks',
    observe(f) {
      const c = callsOf(f).find(
        (x) =>
          x.callee === 'kvm_mmu_set_mmio_spte_mask' &&
          x.args.some((a) => a.kind === 'other' && a.idents.includes('VMX_EPT_SUPPRESS_VE_BIT')),
      );
      return c
        ? { value: true, line: c.line, how: 'the EPT MMIO mask includes VMX_EPT_SUPPRESS_VE_BIT' }
        : { value: false, line: f.line, how: 'no VMX_EPT_SUPPRESS_VE_BIT in the EPT MMIO mask' };
    },
  },
  {
    fact: 'kvmAdEnabled',
    fn: 'kvm_mmu_reset_all_pte_masks',
    observe(f) {
      const a = assignsOf(f).find((x) => x.target === 'kvm_ad_enabled');
      return a
        ? { value: true, line: a.line, how: 'kvm_ad_enabled = …' }
        : { value: false, line: f.line, how: 'no kvm_ad_enabled' };
    },
  },
  // The one-vendor check sits in __kvm_x86_vendor_init() in v6.3 … v6.6, kvm_arch_init() before.
  ...['kvm_x86_vendor_init', '__kvm_x86_vendor_init', 'kvm_arch_init'].map((fn) => ({
    fact: 'opsField' as const,
    fn,
    observe(f: ExtractedFunction) {
      const r = f.items.find(
        (i) =>
          i.kind === 'return' &&
          i.guards.some(
            (g) =>
              g.kind === 'if' && g.cond.kind === 'ident' && g.cond.name.startsWith('kvm_x86_ops.'),
          ),
      );
      const g = r?.guards.find((x) => x.kind === 'if' && x.cond.kind === 'ident');
      const name = g?.kind === 'if' && g.cond.kind === 'ident' ? g.cond.name : null;
      return name
        ? { value: name.slice('kvm_x86_ops.'.length), line: g!.line, how: `if (${name}) return …` }
        : null;
    },
  })),
  {
    fact: 'sevAfterMmio',
    fn: 'svm_hardware_setup',
    observe(f) {
      const line = (name: string) => callsOf(f).find((c) => c.callee === name)?.line;
      const mmio = line('svm_adjust_mmio_mask');
      const sev = line('sev_hardware_setup');
      return {
        value: mmio !== undefined && sev !== undefined && mmio < sev,
        line: sev ?? f.line,
        how: `svm_adjust_mmio_mask() at ${mmio ?? '—'}, sev_hardware_setup() at ${sev ?? '—'}`,
      };
    },
  },
];

/** The facts the tree shows, one observation per fact whose function the tree defines. */
export function observeFacts(t: TreeImport): Observation[] {
  const fns: Functions = new Map(t.files.flatMap((f) => f.functions).map((f) => [f.name, f]));
  const out: Observation[] = [];
  for (const o of OBSERVERS) {
    const f = fns.get(o.fn);
    const seen = f && !out.some((x) => x.fact === o.fact) ? o.observe(f) : null;
    if (f && seen)
      out.push({ fact: o.fact, value: seen.value, where: at(f, seen.line), how: seen.how });
  }
  const tdx = fns.get('tdx_bringup') ?? fns.get('tdx_hardware_setup');
  const vmxInit = fns.get('vmx_init');
  if (tdx || vmxInit)
    out.push({
      fact: 'tdx',
      value: fns.has('tdx_bringup') ? 'tdx_bringup' : tdx ? 'tdx_hardware_setup' : 'none',
      where: at((tdx ?? vmxInit)!),
      how: tdx ? `${tdx.name}() is defined` : 'no TDX functions (vmx/tdx.c is absent)',
    });
  return out;
}

export interface FactCheck extends Observation {
  era: unknown;
}

/** Each observation with the era's value; `disagree` lists those that differ. */
export function checkFacts(
  observations: readonly Observation[],
  era: Era<CoreFacts>,
): { agree: FactCheck[]; disagree: FactCheck[] } {
  const values = valuesOf(era) as unknown as Record<string, unknown>;
  const checks = observations.map((o) => ({ ...o, era: values[o.fact] }));
  const same = (c: FactCheck) => JSON.stringify(c.era) === JSON.stringify(c.value);
  return { agree: checks.filter(same), disagree: checks.filter((c) => !same(c)) };
}
