/**
 * Parameter defaults as plain data (no schema library), so the main thread can
 * show them; scenario.ts builds its schema from these. What each one means is
 * documented on ParamsSchema in scenario.ts.
 */
export const DEFAULT_PARAM_VALUES = {
  tdp: true,
  eptAD: true,
  eptExecOnly: true,
  tdpMmu: true,
  mmioCaching: true,
  physBits: 46,
  fiveLevel: false,
  eptLargePages: '1G' as '1G' | '2M' | '4K',
  gbpages: true,
  l1tf: false,
  mktmeKeyIdBits: 0,
  sme: false,
  smeCBit: 47,
  smePhysReduction: 5,
  sevEs: false,
  tdx: false,
  itlbMultihit: false,
  hostCpus: 8,
  /** nr_cpu_ids; undefined: the same as hostCpus. */
  possibleCpus: undefined as number | undefined,
};
