/** Scenario contract v1: defaults, and clear messages for everything it refuses. */
import { describe, expect, it } from 'vitest';
import { runScenario } from './index';
import { DEFAULT_PARAMS, validateScenario } from './scenario';

const base = { v: 1, kernel: 'v6.0', vendor: 'intel' };
const error = (input: unknown) => {
  const r = validateScenario(input);
  if (r.ok) throw new Error('expected an error');
  return r.error;
};

describe('validateScenario', () => {
  it('fills the documented defaults', () => {
    const r = validateScenario(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.params).toEqual(DEFAULT_PARAMS);
    expect(r.value.params).toMatchObject({
      tdp: true,
      eptAD: true,
      eptExecOnly: true,
      tdpMmu: true,
      mmioCaching: true,
      physBits: 46,
    });
    expect(r.value.modules).toEqual([
      { action: 'load', module: 'kvm' },
      { action: 'load', module: 'kvm_intel' },
    ]);
    expect(r.value.fail).toEqual([]);
  });
  it('accepts the design document’s example', () => {
    const r = validateScenario({
      v: 1,
      kernel: 'v6.0',
      vendor: 'intel',
      params: { tdp: true, eptAD: true, eptExecOnly: true },
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'],
      fail: [{ at: 'kmem_cache_create:pte_list_desc', errno: 'ENOMEM' }],
      workload: [{ op: 'map', gfn: 4096, sptes: 20 }],
      edits: [],
    });
    expect(r.ok).toBe(true);
  });
  it('takes the Message-ID a review answers, with or without angle brackets', () => {
    for (const id of [
      '20220624232735.3090056-3-seanjc@google.com',
      '<20220624232735.3090056-3-seanjc@google.com>',
    ]) {
      const r = validateScenario({ ...base, inReplyTo: id });
      expect(r.ok && r.value.inReplyTo).toBe('20220624232735.3090056-3-seanjc@google.com');
    }
    const none = validateScenario(base);
    expect(none.ok && none.value.inReplyTo).toBeUndefined();
  });
  it.each([
    [{ ...base, inReplyTo: 'not a message id' }, 'inReplyTo: expected a Message-ID such as'],
    [{ ...base, inReplyTo: '<a@b' }, 'inReplyTo: expected a Message-ID'],
    [{ ...base, inReplyTo: 'x'.repeat(300) + '@y' }, 'inReplyTo: Too big'],
    [{ ...base, extra: 1 }, '(top level): unknown field "extra"'],
    [{ ...base, params: { tdp: 'yes' } }, 'params.tdp: expected boolean'],
    [{ ...base, params: { ept: false } }, 'params: unknown field "ept"'],
    [{ ...base, kernel: 'v4.0' }, 'kernel: expected one of "v5.19"'],
    [{ ...base, v: 2 }, 'v: '],
    [{ ...base, params: { physBits: 99 } }, 'params.physBits: Too big'],
    [{ ...base, fail: [{ at: 'somewhere' }] }, 'fail[0].at: expected one of "hardware_setup"'],
    [{ ...base, workload: [{ op: 'map', gfn: -1, sptes: 1 }] }, 'workload[0].gfn: Too small'],
    [{ ...base, workload: [{ op: 'shuffle' }] }, 'workload[0].op'],
    [{ ...base, modules: ['insmod kvm'] }, 'modules[0]: expected "load <module>"'],
    [
      { ...base, modules: ['load kvm_intel'] },
      'modules[0] "load kvm_intel": kvm_intel needs kvm loaded first',
    ],
    [{ ...base, modules: ['load kvm', 'load kvm'] }, 'kvm is already loaded'],
    [{ ...base, modules: ['load kvm', 'load kvm_amd', 'unload kvm'] }, 'kvm is in use by kvm_amd'],
    [{ ...base, modules: ['load kvm', 'unload kvm_intel'] }, 'kvm_intel is not loaded'],
    [
      {
        ...base,
        workload: [
          { op: 'random', seed: 1, gfns: 10, sptes: 2 ** 25, removePercent: 0 },
          { op: 'map', gfn: 1, sptes: 1 },
        ],
      },
      'the limit is 33554432',
    ],
    [null, 'expected object'],
    ['{}', 'expected object'],
  ])('refuses %j with a message naming the field', (input, message) => {
    expect(error(input)).toContain(message);
  });
  it('reports at most five problems, then how many more', () => {
    const e = error({
      v: 1,
      kernel: 1,
      vendor: 2,
      params: { tdp: 1, eptAD: 2, physBits: 'x' },
      a: 1,
      b: 2,
    });
    expect(e).toMatch(/… and \d+ more$/);
  });
});

describe('renamed step ids', () => {
  it('an edit naming the TDX gate by its old id (tdx_bringup/tdx_bringup) still applies, by its new one', () => {
    const edit = (move: string) => ({
      v: 1,
      kernel: 'latest',
      vendor: 'intel',
      params: { tdx: true },
      edits: [{ move, to: 'vmx_init', index: 0 }],
    });
    const old = runScenario(edit('tdx_bringup/tdx_bringup'));
    const now = runScenario(edit('tdx_bringup/tdx_gate'));
    if (!old.ok || !now.ok) throw new Error('expected both to run');
    expect(old.value.scenario.edits).toEqual(now.value.scenario.edits);
    expect(old.value.findings.map((f) => f.message)).toEqual(
      now.value.findings.map((f) => f.message),
    );
    expect(old.value.findings.length).toBeGreaterThan(0);
  });
});

describe('parameter defaults', () => {
  it('the schema’s defaults are the plain ones the UI shows', async () => {
    const { DEFAULT_PARAM_VALUES } = await import('./params');
    expect(DEFAULT_PARAMS).toEqual(DEFAULT_PARAM_VALUES);
  });
});
