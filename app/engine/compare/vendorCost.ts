/**
 * What an ordering asks of vendor code (VMX and SVM), counted from the variant's data:
 * the calls into MMU code, the error labels, and — when kvm_configure_mmu() sets
 * something up, as in the reviewer's alternative — every error path after it and every
 * teardown that must undo it, and whether each does. This is the cost the review thread
 * argues about (PATCH 2/4's changelog, <YrnPgZvgWDpb6+R1@google.com>), as numbers.
 */
import { functionNamed, moduleEntry, reachable, stepsOf } from '../variants/graph';
import type { FunctionDef, StepDef, VariantDef } from '../variants/types';
import { placeWords, stepName } from '../words';

const MMU_DIR = 'arch/x86/kvm/mmu/';
/** What a function sets up that someone must release. */
const CREATES = new Set(['kmem_cache_create', 'percpu_counter_init', 'register_shrinker']);
const RELEASES = new Set(['kmem_cache_destroy', 'percpu_counter_destroy', 'unregister_shrinker']);

export interface VendorCost {
  /** Calls from VMX and SVM functions into arch/x86/kvm/mmu/: "kvm_configure_mmu() in hardware_setup()". */
  mmuCalls: string[];
  /** Error labels of VMX and SVM functions: "err_unconfigure_mmu in hardware_setup()". */
  labels: string[];
  /** kvm_configure_mmu() sets something up, so vendor code must undo it. */
  configureSetsUp: boolean;
  /** Each error path after kvm_configure_mmu() and each vendor teardown, and whether it undoes it. */
  mustUndo: { what: string; undoes: boolean }[];
}

/** Whether any step reachable from these steps (following calls, for either vendor) has an effect of `kinds`. */
function reaches(v: VariantDef, steps: readonly StepDef[], kinds: ReadonlySet<string>): boolean {
  const calls = steps.flatMap((s) => ('call' in s.op ? [s.op.call] : []));
  if (steps.some((s) => !('call' in s.op) && kinds.has(s.op.effect.kind))) return true;
  const ops = (c: string) =>
    c.startsWith('@')
      ? [v.intel.ops, v.amd.ops].map((o) => o[c.slice(1) as 'hardware_setup'])
      : [c];
  return reachable(v, calls.flatMap(ops), { withLabels: false }).some((f) =>
    f.body.some((s) => !('call' in s.op) && kinds.has(s.op.effect.kind)),
  );
}

/** The steps an error at body[i] runs: its label and the labels below it (C's fall-through). */
function errorPath(f: FunctionDef, step: StepDef): StepDef[] {
  const from = f.labels.findIndex((l) => l.name === step.onError);
  return from < 0 ? [] : f.labels.slice(from).flatMap((l) => l.steps);
}

export function vendorCost(v: VariantDef): VendorCost {
  const roots = (['kvm_intel', 'kvm_amd'] as const).flatMap((m) => {
    const e = moduleEntry(v, m);
    return [e.init, e.exit];
  });
  const vendorFns = reachable(v, roots, { withLabels: true }).filter((f) => f.owner !== 'kvm');
  const mmuCalls = vendorFns.flatMap((f) =>
    [
      ...f.body.map((s) => [s, null] as const),
      ...f.labels.flatMap((l) => l.steps.map((s) => [s, l.name] as const)),
    ]
      .filter(([s]) => 'call' in s.op && functionNamed(v, s.op.call)?.file.startsWith(MMU_DIR))
      .map(([s, label]) => `${stepName(s)} in ${placeWords(f.name, label)}`),
  );
  const labels = vendorFns.flatMap((f) => f.labels.map((l) => `${l.name} in ${f.name}()`));
  const configure = functionNamed(v, 'kvm_configure_mmu');
  const configureSetsUp = !!configure && reaches(v, stepsOf(configure, false), CREATES);
  const mustUndo: VendorCost['mustUndo'] = [];
  if (configureSetsUp) {
    for (const f of vendorFns) {
      const at = f.body.findIndex((s) => 'call' in s.op && s.op.call === 'kvm_configure_mmu');
      if (at < 0) continue;
      // A failure after kvm_configure_mmu() returns through the function's labels (a failing
      // kvm_configure_mmu() cleans up after itself, so its own error path must not undo it).
      for (const s of f.body.slice(at + 1).filter((x) => x.onError && x.onError !== 'continue'))
        mustUndo.push({
          what: `${stepName(s)} failing in ${f.name}()`,
          undoes: reaches(v, errorPath(f, s), RELEASES),
        });
    }
    for (const ops of [v.intel.ops, v.amd.ops]) {
      const unsetup = functionNamed(v, ops.hardware_unsetup);
      if (unsetup)
        mustUndo.push({
          what: `${unsetup.name}() at unload`,
          undoes: reaches(v, stepsOf(unsetup, false), RELEASES),
        });
    }
  }
  return { mmuCalls, labels, configureSetsUp, mustUndo };
}
