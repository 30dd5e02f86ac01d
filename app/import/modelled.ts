/**
 * What the importer reads from a kernel tree: every function the engine's line tables name
 * (app/engine/variants/sources.ts), in the file the tables put it, and the globals whose
 * assignments decide the model's guards.
 */
import { FILES } from '../engine/variants/dsl';
import { DEFINITIONS } from '../engine/variants/sources';

/** File → the modelled functions defined there in any of the trees the engine cites. */
export const MODELLED: Readonly<Record<string, readonly string[]>> = (() => {
  const byFile = new Map<string, Set<string>>(Object.values(FILES).map((f) => [f, new Set()]));
  for (const table of Object.values(DEFINITIONS))
    for (const [name, [file]] of Object.entries(table)) {
      if (!byFile.has(file)) byFile.set(file, new Set());
      byFile.get(file)!.add(name);
    }
  return Object.fromEntries([...byFile].map(([f, names]) => [f, [...names].sort()]));
})();

/** Config globals the bring-up sets and tests (scenario params in the model); a struct's members count. */
export const WATCHED_GLOBALS = [
  'enable_ept',
  'enable_ept_ad_bits',
  'npt_enabled',
  'tdp_enabled',
  'tdp_mmu_enabled',
  'tdp_mmu_allowed',
  'enable_mmio_caching',
  'allow_mmio_caching',
  'enable_tdx',
  'nested',
  'kvm_x86_ops',
  // Era facts the importer checks (facts.ts): the EPT memtype mask and hardware A/D.
  'shadow_memtype_mask',
  'kvm_ad_enabled',
  // The MMU's cache pointers: Debian's trees clear them after the destroy.
  'pte_list_desc_cache',
  'mmu_page_header_cache',
] as const;

/** The vendor op fields the model resolves `@hardware_setup`-style calls through. */
export const OPS_FIELDS = ['hardware_setup', 'hardware_unsetup'] as const;
