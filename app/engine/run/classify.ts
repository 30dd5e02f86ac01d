/**
 * Where an event belongs on the timeline (its phase) and whose write it counts as
 * (its origin), from the call stack it ran on and the variant's phase markers.
 */
import type { EffectKind } from '../effects/types';
import type { ModuleName, Phase, VendorOps } from '../ids';
import { moduleEntry } from '../variants/graph';
import type { FunctionDef, VariantDef } from '../variants/types';
import type { EventKind, Origin } from './trace';

export interface Frame {
  fn: FunctionDef;
  /** The error label the frame is executing, once it unwinds. */
  label: string | null;
}

/** What a running module operation looks like to the classifier. */
export interface Position {
  stack: readonly Frame[];
  module: ModuleName;
  action: 'load' | 'unload';
  vendor: VendorOps;
}

/** Effects that set up the MMU's resources: on a load's straight path they are 'mmu-setup'. */
const CREATION_EFFECTS = new Set<EffectKind>([
  'kmem_cache_create',
  'percpu_counter_init',
  'register_shrinker',
  'nr_sptes_check',
]);

export const unwinding = (stack: readonly Frame[]): boolean => stack.some((f) => f.label !== null);

const onStack = (stack: readonly Frame[], names: readonly string[]): boolean =>
  stack.some((f) => names.includes(f.fn.name));

export function phaseOf(
  v: VariantDef,
  at: Position,
  e: { kind: EventKind; resetsDefaults: boolean; effect?: EffectKind },
): Phase {
  if (unwinding(at.stack)) return 'unwind';
  if (at.action === 'unload') return 'teardown';
  if (e.effect && CREATION_EFFECTS.has(e.effect)) return 'mmu-setup';
  if (at.module === 'kvm') return 'kvm-init';
  const m = v.phases;
  if (onStack(at.stack, m.maskReset) || e.resetsDefaults) return 'mask-reset';
  if (onStack(at.stack, m.configureMmu) && e.kind !== 'call') return 'configure-mmu';
  const op = (at.vendor === 'vmx' ? v.intel : v.amd).ops.hardware_setup;
  if (onStack(at.stack, [op, ...m.hardwareSetup])) return 'hardware-setup';
  return 'vendor-init';
}

/** The mask reset's writes are the reset's; a vendor function's (not its module entry's) are the vendor's. */
export function originOf(v: VariantDef, at: Position): Origin {
  if (onStack(at.stack, v.phases.maskReset)) return 'reset';
  const entry = moduleEntry(v, at.module);
  const vendorCode = at.stack.some(
    (f) => f.fn.owner !== 'kvm' && f.fn.name !== entry.init && f.fn.name !== entry.exit,
  );
  return vendorCode ? at.vendor : 'common';
}
