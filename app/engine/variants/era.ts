/** The version differences the function builders switch on (kernel-facts.md §2, §3, §6). */
import type { EptFlavour, MmioFlavour } from '../effects/types';
import type { GlobalsShape } from '../model/globals';
import type { KernelTree } from './types';

export interface Era {
  tree: KernelTree;
  /** major * 100 + minor, for what changed "by" a release (619: as in v6.19 and later). */
  version: number;
  mmio: MmioFlavour;
  ept: EptFlavour;
  shape: GlobalsShape;
  /** kvm_mmu_vendor_module_init() destroys the percpu counter when the shrinker fails (v6.1 fix). */
  percpuLeakFixed: boolean;
  /** v6.0: svm_adjust_mmio_mask() before sev_hardware_setup(), which reads MMIO caching (0c29397ac1fd). */
  sevAfterMmio: boolean;
  /** v6.0: kvm_arch_init() rejects a host whose PAT[0] is not WB (94bda2f4cd86). */
  patCheck: boolean;
  /**
   * v7.1: the TDX gate is tdx_hardware_setup(), run at the end of vt_hardware_setup(), where
   * v6.19 ran tdx_bringup() from vt_init() after vmx_init() (docs/kernel-model.md, "v7.1").
   */
  tdxInHardwareSetup: boolean;
}

const base: GlobalsShape = {
  memtypeMask: false,
  allowMmioCaching: false,
  physSource: 'shadow_phys_bits',
  kvmAdEnabled: false,
  tdpMmuAllowed: false,
  nrSptesPerPteList: false,
  percpuCounter: true,
  shrinker: true,
  tdx: false,
};

export const ERA_5_19: Era = {
  tree: 'v5.19',
  version: 519,
  mmio: 'v5.19',
  ept: 'v5.19',
  shape: base,
  percpuLeakFixed: false,
  sevAfterMmio: false,
  patCheck: false,
  tdxInHardwareSetup: false,
};

export const ERA_6_0: Era = {
  tree: 'v6.0.19',
  version: 600,
  mmio: 'v6.0',
  ept: 'v6.0',
  shape: { ...base, memtypeMask: true, allowMmioCaching: true },
  percpuLeakFixed: false,
  sevAfterMmio: true,
  patCheck: true,
  tdxInHardwareSetup: false,
};

export const ERA_6_6: Era = {
  tree: 'v6.6.87',
  version: 606,
  mmio: 'v6.0',
  ept: 'v6.0',
  shape: { ...base, memtypeMask: true, allowMmioCaching: true, tdpMmuAllowed: true },
  percpuLeakFixed: true,
  sevAfterMmio: true,
  patCheck: true,
  tdxInHardwareSetup: false,
};

export const ERA_6_19: Era = {
  tree: 'v6.19',
  version: 619,
  mmio: 'v6.10',
  ept: 'v6.13',
  shape: {
    ...base,
    allowMmioCaching: true,
    physSource: 'kvm_host.maxphyaddr',
    kvmAdEnabled: true,
    tdpMmuAllowed: true,
    percpuCounter: false,
    shrinker: false,
    tdx: true,
  },
  percpuLeakFixed: true,
  sevAfterMmio: true,
  patCheck: true,
  tdxInHardwareSetup: false,
};

/** v7.1 keeps v6.19's MMU init and mask code; only the TDX gate moved. */
export const ERA_7_1: Era = {
  ...ERA_6_19,
  tree: 'v7.1.3',
  version: 701,
  tdxInHardwareSetup: true,
};

/** The v1 series (never merged) was posted against a v5.19 base. */
export const ERA_SEED_P3: Era = {
  ...ERA_5_19,
  shape: { ...ERA_5_19.shape, nrSptesPerPteList: true },
};
