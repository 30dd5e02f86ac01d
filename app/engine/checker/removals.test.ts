/**
 * Removing any one step the bring-up needs is reported. The list is generated: every
 * step of each shipped variant that its vendor's load or unload reaches (error labels
 * aside) and that touches MMU state, itself or through what it calls. Each is removed in
 * turn and run in a few situations that exercise it; at least one must give a finding the
 * unedited run of that situation does not have, unless HARMLESS says why nothing can show.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '.';
import { effectFootprint } from '../effects';
import { VENDORS, vendorModule, type Vendor, type VariantId } from '../ids';
import type { ScenarioInput } from '../scenario';
import { modelIdsIn, mustRun } from '../testing';
import { VARIANTS } from '../variants';
import { calleesOf, functionNamed, reachable } from '../variants/graph';
import type { StepDef, VariantDef } from '../variants/types';

const SHIPPED: VariantId[] = ['v5.19', 'v6.0', 'v6.6', 'latest', 'v7.1'];

/** Steps (by their part after the last "/") whose removal no situation here can show, and why. */
const HARMLESS: Record<string, string> = {
  vmx_decide_ept:
    'the model’s host has every EPT capability KVM asks for, so the check keeps enable_ept at the ept parameter; it clears it only on a CPU without EPT',
  svm_decide_npt: 'likewise: with NPT present, npt_enabled keeps the npt parameter',
};
/** v5.19's sev_hardware_setup() does not look at MMIO caching, so with SEV-ES supported it keeps the parameter. */
const HARMLESS_IN: Partial<Record<VariantId, Record<string, string>>> = {
  'v5.19': {
    sev_hardware_setup:
      'v5.19 decides SEV-ES without looking at MMIO caching (0c29397ac1fd came in v6.0), and the model’s host supports it, so sev_es_enabled keeps the sev_es parameter',
  },
};

/** Situations that exercise what a step does: the load and unload, shadow paging, features, a second vendor. */
function situations(vendor: Vendor): Partial<ScenarioInput>[] {
  const m = vendorModule(vendor);
  const cycle = { modules: ['load kvm', `load ${m}`, `unload ${m}`] };
  return [
    cycle,
    { ...cycle, params: { tdp: false } },
    {
      ...cycle,
      params:
        vendor === 'intel'
          ? { mktmeKeyIdBits: 4, tdx: true, tdpMmu: false }
          : { sme: true, sevEs: true, mmioCaching: false },
    },
    { modules: ['load kvm', `load ${m}`, `load kvm_${vendor === 'intel' ? 'amd' : 'intel'}`] },
  ];
}

/** Whether a step changes or checks MMU state, itself or through the functions it calls. */
function touchesMmu(v: VariantDef, vendor: Vendor): (s: StepDef) => boolean {
  const module = vendorModule(vendor);
  const ops = {
    vendor: vendor === 'intel' ? 'vmx' : 'svm',
    physSource: v.shape.physSource,
  } as const;
  const memo = new Map<string, boolean>();
  const fnTouches = (name: string): boolean => {
    if (!memo.has(name)) {
      memo.set(name, false);
      memo.set(name, functionNamed(v, name)?.body.some(step) ?? false);
    }
    return memo.get(name)!;
  };
  const step = (s: StepDef): boolean => {
    if ('call' in s.op) return calleesOf(v, s, module).some(fnTouches);
    if (s.op.effect.kind === 'note') return false;
    const fp = effectFootprint(s.op.effect, ops);
    return fp.reads.length + fp.writes.length + (fp.probes?.length ?? 0) > 0;
  };
  return step;
}

const cases = SHIPPED.flatMap((kernel) =>
  VENDORS.flatMap((vendor) => {
    const v = VARIANTS[kernel];
    const entry = vendor === 'intel' ? v.intel : v.amd;
    const module = vendorModule(vendor);
    const touches = touchesMmu(v, vendor);
    return reachable(v, [v.kvm.init, entry.init, entry.exit], { module, withLabels: false })
      .flatMap((f) => f.body)
      .filter(touches)
      .map((s) => [kernel, vendor, s.id] as const);
  }),
);

describe('removing one step of a shipped bring-up is reported (generated)', () => {
  it('the list covers the steps the review is about', () => {
    const ids = cases.map(([k, v, id]) => `${k}/${v}: ${id}`);
    expect(ids).toContain('v6.0/intel: hardware_setup/kvm_configure_mmu');
    expect(ids).toContain('v6.6/amd: __kvm_x86_vendor_init/ops_update');
    expect(ids).toContain('v7.1/intel: kvm_x86_vendor_init/kvm_mmu_vendor_module_init');
    expect(ids).toContain('v5.19/intel: kvm_mmu_vendor_module_exit/unregister_shrinker');
    expect(cases.length).toBeGreaterThan(300);
  });
  const key = (f: Finding) => `${f.kind}|${f.message}`;
  it.each(cases)('%s on %s without %s', (kernel, vendor, id) => {
    const what = id.slice(id.lastIndexOf('/') + 1);
    const harmless = HARMLESS_IN[kernel]?.[what] ?? HARMLESS[what];
    const found = situations(vendor).flatMap((s) => {
      // A second vendor's -EEXIST is a finding of the unedited run too: only new ones count.
      const before = new Set(mustRun(kernel, vendor, s).findings.map(key));
      const after = mustRun(kernel, vendor, { ...s, edits: [{ remove: id }] }).findings;
      return after.filter((f) => !before.has(key(f)));
    });
    if (harmless) expect(found, harmless).toEqual([]);
    else expect(found.length, 'a removed step nothing reports').toBeGreaterThan(0);
    // In the kernel's words, like every finding.
    const texts = found.flatMap((f) => [f.message, f.advice, ...f.links.map((l) => l.label)]);
    expect(modelIdsIn(texts.join('\n'), [VARIANTS[kernel]])).toEqual([]);
  });
});
