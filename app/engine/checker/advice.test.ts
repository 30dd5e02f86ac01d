/**
 * Every finding says what the real kernel does about it and links where to read
 * more; the hazards the review thread is about get their specific answer.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from './index';
import { VENDORS, type FindingKind, type Vendor, type VariantId } from '../ids';
import type { ScenarioInput } from '../scenario';
import { MAIL } from '../variants/sources';
import { FAULT_CASES, mustRun, runFaultCase, type FaultRule } from '../testing';

const lore = (msgid: string) => `https://lore.kernel.org/all/${msgid}/`;
const urls = (f: Finding) => f.links.map((l) => l.url);
const findingsOf = (kernel: VariantId, vendor: Vendor, extra: Partial<ScenarioInput> = {}) =>
  mustRun(kernel, vendor, extra).findings;

const SWAP = (v: Vendor) => ({
  modules: [
    'load kvm',
    `load kvm_${v}`,
    `unload kvm_${v}`,
    `load kvm_${v === 'intel' ? 'amd' : 'intel'}`,
  ],
});

/** What every finding's advice looks like: one to three sentences in words, and links to read further. */
function expectWellFormed(f: Finding): void {
  expect(f.advice).toMatch(/^\S.{40,}[.!?]$/s);
  expect(f.advice.split(/(?<=[.!?])\s+(?=[A-Z])/).length).toBeLessThanOrEqual(3);
  expect(f.advice).not.toMatch(/[{};]\s*$|^\s*(static|int|void) /m);
  expect(f.links.length).toBeGreaterThan(0);
  for (const l of f.links) {
    expect(l.label.length).toBeGreaterThan(3);
    expect(l.url).toMatch(
      /^https:\/\/(elixir\.bootlin\.com\/linux\/v[\d.]+\/source\/|lore\.kernel\.org\/all\/)/,
    );
  }
  expect(new Set(urls(f)).size).toBe(f.links.length);
}

/** The specific answer each rule's findings get: a phrase of the advice and a link it must carry. */
const ADVICE: Record<FaultRule, { says: string; link: string } | null> = {
  'cleans-up': null,
  'never-reached': null,
  'fails-before-vendor': null,
  'percpu-leak': {
    says: 'out_shrinker',
    link: 'https://elixir.bootlin.com/linux/v6.6.87/source/arch/x86/kvm/mmu/mmu.c#L6900',
  },
  'alt-svm-double-free': { says: 'svm_hardware_setup()’s err: label', link: lore(MAIL.matlackAlt) },
  'alt-no-unconfigure': {
    says: 'error path after kvm_configure_mmu()',
    link: lore(MAIL.seanReply),
  },
  // The generic answer, with the reading step's own source (v6.0, the teaching variant's base).
  'reset-never-ran': {
    says: 'must be set earlier in the same vendor load',
    link: 'https://elixir.bootlin.com/linux/v6.0.19/source/arch/x86/kvm/',
  },
  'nr-sptes-warn': { says: 'only on a first load', link: lore(MAIL.p3) },
};

describe('every fault case gets the advice its finding needs, or no finding', () => {
  it.each(FAULT_CASES.map((c) => [`${c.kernel} on ${c.vendor}, fault at ${c.at}`, c] as const))(
    '%s',
    (_, c) => {
      const findings = runFaultCase(c).findings;
      const expected = ADVICE[c.rule];
      if (!expected) {
        // c.why says why nothing is wrong (or nothing is reached).
        expect(findings, c.why).toEqual([]);
        return;
      }
      expect(findings.length, c.why).toBeGreaterThan(0);
      for (const f of findings) {
        expectWellFormed(f);
        expect(f.advice).toContain(expected.says);
        expect(
          urls(f).some((u) => u.startsWith(expected.link)),
          urls(f).join(' '),
        ).toBe(true);
      }
    },
  );
});

describe('a teaching variant followed by the other vendor: each finding gets its own answer', () => {
  const cases: [VariantId, FindingKind[], (f: Finding) => string][] = [
    [
      'bad-reset-after-setup',
      ['stale-read', 'clobber'],
      (f) =>
        f.kind === 'clobber'
          ? 'VMX edits masks even before it calls kvm_configure_mmu()'
          : f.steps[0] === 'sev_hardware_setup/sev_hardware_setup'
            ? '0c29397ac1fd'
            : 'must be set earlier in the same vendor load',
    ],
    [
      'bad-create-before-configure',
      ['stale-read', 'warn', 'error-return'],
      () => 'only on a first load',
    ],
    ['bad-alt-no-unconfigure', ['leak'], () => 'error path after kvm_configure_mmu()'],
  ];
  it.each(cases.flatMap(([k, kinds, says]) => VENDORS.map((v) => [k, v, kinds, says] as const)))(
    '%s on %s',
    (kernel, vendor, kinds, says) => {
      const findings = findingsOf(kernel, vendor, SWAP(vendor));
      expect([...new Set(findings.map((f) => f.kind))]).toEqual(kinds);
      for (const f of findings) {
        expectWellFormed(f);
        expect(f.advice).toContain(says(f));
      }
    },
  );
});

describe('what the kernel does, hazard by hazard', () => {
  it('clobber: the reset stays before ops->hardware_setup(), as PATCH 2/4 keeps it', () => {
    const f = findingsOf('bad-reset-after-setup', 'intel').find((x) => x.kind === 'clobber')!;
    expect(f.advice).toContain('kvm_mmu_vendor_module_init()');
    expect(f.advice).toContain('VMX edits masks even before it calls kvm_configure_mmu()');
    expect(urls(f)).toContain(
      'https://elixir.bootlin.com/linux/v6.0.19/source/arch/x86/kvm/mmu/mmu.c#L6675',
    );
    expect(urls(f)).toContain(lore(MAIL.p2));
  });

  it.each(['stale-read', 'warn', 'error-return'] as const)(
    'bad-create-before-configure %s: the WARN catches only a first load; the alternative removes the dependency',
    (kind) => {
      const f = findingsOf('bad-create-before-configure', 'amd').find((x) => x.kind === kind)!;
      expect(f.advice).toContain('only on a first load');
      expect(f.advice).toContain('Matlack');
      expect(urls(f)).toEqual(
        expect.arrayContaining([lore(MAIL.p3), lore(MAIL.matlackAlt), lore(MAIL.seanReply)]),
      );
    },
  );

  it.each(VENDORS)(
    'the alternative without kvm_unconfigure_mmu() (%s): Sean’s objection',
    (vendor) => {
      for (const f of findingsOf('bad-alt-no-unconfigure', vendor)) {
        expect(f.kind).toBe('leak');
        expect(f.advice).toContain('vmx_hardware_unsetup() and svm_hardware_unsetup()');
        expect(f.advice).toContain('error path after kvm_configure_mmu()');
        expect(urls(f)).toContain(lore(MAIL.seanReply));
      }
    },
  );

  it.each(['v5.19', 'v6.0', 'seed-p2', 'seed-p3'] as VariantId[])(
    '%s: the percpu counter leaks when register_shrinker() fails, fixed in v6.1',
    (kernel) => {
      const [f] = findingsOf(kernel, 'intel', { fail: [{ at: 'register_shrinker' }] });
      expect(f!.advice).toContain('out_shrinker');
      expect(f!.advice).toContain('fix memoryleak in kvm_mmu_vendor_module_init()');
      expect(urls(f!)).toContain(
        'https://elixir.bootlin.com/linux/v6.6.87/source/arch/x86/kvm/mmu/mmu.c#L6900',
      );
    },
  );

  it('double-free of a cache whose pointer was never cleared: found by this model', () => {
    const [f] = findingsOf('v6.6', 'intel', {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'],
      fail: [{ at: 'kmem_cache_create:pte_list_desc', nth: 2 }],
    });
    expect(f!.kind).toBe('double-free');
    expect(f!.advice).toContain('never sets back to NULL');
    expect(f!.advice).toContain('docs/kernel-model.md');
    expect(urls(f!)[0]).toBe(
      'https://elixir.bootlin.com/linux/v6.6.87/source/arch/x86/kvm/mmu/mmu.c#L6800',
    );
  });

  it('double-free in the alternative on SVM: its err: label undoes a failed kvm_configure_mmu() again', () => {
    const [f] = findingsOf('alt-configure-mmu', 'amd', { fail: [{ at: 'register_shrinker' }] });
    expect(f!.kind).toBe('double-free');
    expect(f!.advice).toContain('svm_hardware_setup()’s err: label');
    expect(urls(f!)).toContain(lore(MAIL.matlackAlt));
  });

  it('stale enable_mmio_caching after a vendor swap: fixed by c3e0c8c2e8b1 in v6.0', () => {
    const [f] = findingsOf('v5.19', 'intel', { params: { physBits: 52 }, ...SWAP('intel') });
    expect(f!.kind).toBe('stale-read');
    expect(f!.advice).toContain('c3e0c8c2e8b1');
    expect(urls(f!)[0]).toBe(
      'https://elixir.bootlin.com/linux/v6.0.19/source/arch/x86/kvm/mmu/spte.c#L352',
    );
  });

  it.each([
    ['v7.1', 'intel', 'vt_hardware_setup/tdx_hardware_setup', 'vt_hardware_setup', { tdx: true }],
    ['latest', 'intel', 'vt_init/tdx_bringup', 'vmx_init', { tdx: true }],
    [
      'v6.0',
      'amd',
      'svm_hardware_setup/sev_hardware_setup',
      'svm_hardware_setup',
      { sevEs: true, sme: true },
    ],
  ] as [VariantId, Vendor, string, string, ScenarioInput['params']][])(
    'a feature gate moved before the MMU setup it reads (%s on %s): decided last, as the kernel does',
    (kernel, vendor, gate, to, params) => {
      const findings = findingsOf(kernel, vendor, {
        params,
        edits: [{ move: gate, to, index: 0 }],
      });
      const f = findings.find((x) => x.kind === 'stale-read')!;
      expect(f.advice).toContain('0c29397ac1fd');
      expect(f.advice).toContain('tdx_hardware_setup()');
      expect(urls(f)).toEqual([
        'https://elixir.bootlin.com/linux/v6.0.19/source/arch/x86/kvm/svm/sev.c#L2163',
        'https://elixir.bootlin.com/linux/v6.19/source/arch/x86/kvm/vmx/tdx.c#L3509',
        'https://elixir.bootlin.com/linux/v7.1.3/source/arch/x86/kvm/vmx/tdx.c#L3360',
      ]);
    },
  );

  it('-EEXIST: only one vendor module at a time', () => {
    const [f] = findingsOf('v6.6', 'intel', {
      modules: ['load kvm', 'load kvm_intel', 'load kvm_amd'],
    });
    expect(f!.kind).toBe('error-return');
    expect(f!.advice).toContain('Only one vendor module can be loaded at a time');
    // The step's own source: __kvm_x86_vendor_init() in v6.6.
    expect(urls(f!)).toEqual([
      'https://elixir.bootlin.com/linux/v6.6.87/source/arch/x86/kvm/x86.c#L9467',
    ]);
  });

  it('other hazards get the generic advice with the step’s source', () => {
    // A stale read the review did not discuss: the reset moved after the vendor's reads.
    const f = findingsOf('bad-reset-after-setup', 'intel').find((x) => x.kind === 'stale-read')!;
    expect(f.advice).toContain('must be set earlier in the same vendor load');
    expect(f.links).toHaveLength(1);
  });
});
