/** Links: round trip, and no input (random, mutated, hostile, future) ever throws. */
import fc from 'fast-check';
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { mutatedArb, scenarioArb } from '../engine/arbitraries';
import { validateScenario } from '../engine/scenario';
import V6_12 from '../engine/variants/trees/v6.12.json' with { type: 'json' };
import { LIMITS, type ScenarioInput } from '../engine/view';
import type { LinkState } from '../state/store';
import { decodeLink, encodeLink, LINK_LIMITS, LINK_VERSION, minimalScenario } from './codec';

/** A scenario the schema accepts, as links hold it. */
const S = '{"v":1,"kernel":"v6.0","vendor":"intel"}';
const packed = (envelope: string) => '#s2/' + compressToEncodedURIComponent(envelope);
/** The view a link holds, as JSON (what encodeLink compresses). */
const encodeJson = (l: LinkState) => {
  const hash = encodeLink(l);
  return decompressFromEncodedURIComponent(hash.slice('#s2/'.length));
};

const linkArb: fc.Arbitrary<LinkState> = fc.record({
  scenario: scenarioArb(),
  step: fc.nat(LINK_LIMITS.maxStep),
  view: fc.constantFrom('single' as const, 'compare' as const),
  gfn: fc.option(fc.nat(LIMITS.maxGfn), { nil: null }),
  compare: fc.option(scenarioArb(), { nil: null }),
});

describe('link codec', () => {
  it('round-trips every valid view (defaults dropped)', () => {
    fc.assert(
      fc.property(linkArb, (link) => {
        const hash = encodeLink(link);
        const decoded = decodeLink(hash);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.value).toEqual({
          ...link,
          scenario: minimalScenario(link.scenario),
          compare: link.compare ? minimalScenario(link.compare) : null,
        });
      }),
      { numRuns: 300, seed: 42 },
    );
  });
  it('stays short: a typical review link is well under 2,000 characters', () => {
    const hash = encodeLink({
      scenario: {
        v: 1,
        kernel: 'seed-p3',
        vendor: 'intel',
        params: { tdp: false },
        modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'],
        fail: [{ at: 'hardware_setup' }],
        workload: [{ op: 'map', gfn: 4096, sptes: 20 }],
        edits: [
          {
            move: 'kvm_arch_hardware_setup/kvm_mmu_hardware_setup',
            to: 'kvm_arch_hardware_setup',
            index: 1,
          },
        ],
      },
      step: 120,
      view: 'compare',
      gfn: 4096,
      compare: { v: 1, kernel: 'alt-configure-mmu', vendor: 'intel' },
    });
    expect(hash.length).toBeLessThan(700);
  });
  it('carries a lesson and its step, and refuses a malformed one with a message', () => {
    const link: LinkState = {
      scenario: { v: 1, kernel: 'v6.6', vendor: 'intel' },
      step: 18,
      view: 'single',
      gfn: null,
      compare: null,
      lesson: { id: 'mask-reset', step: 3 },
    };
    expect(decodeLink(encodeLink(link))).toEqual({ ok: true, value: link });
    const withLesson = (l: unknown) =>
      decodeLink(
        `#s${LINK_VERSION}/${compressToEncodedURIComponent(
          JSON.stringify({ v: LINK_VERSION, s: link.scenario, t: 0, l }),
        )}`,
      );
    for (const bad of [
      'mask-reset',
      { id: 'Mask Reset', step: 0 },
      { id: 'mask-reset', step: -1 },
      { id: 'mask-reset', step: 1.5 },
      { id: 'mask-reset', step: 100 },
      { id: 'mask-reset', step: 0, extra: 1 },
    ])
      expect(withLesson(bad)).toEqual({
        ok: false,
        error: expect.stringMatching(/^the link’s lesson must be/),
      });
  });

  it('reads the readable format-0 link and opens it at step 0', () => {
    const decoded = decodeLink(
      `#scenario=${encodeURIComponent(JSON.stringify({ v: 1, kernel: 'v6.0', vendor: 'amd' }))}`,
    );
    expect(decoded).toEqual({
      ok: true,
      value: {
        scenario: { v: 1, kernel: 'v6.0', vendor: 'amd' },
        step: 0,
        view: 'single',
        gfn: null,
        compare: null,
      },
    });
  });
  it.each([
    ['#s1/' + 'A'.repeat(40), /does not decompress/],
    ['#s1/y' + 'A'.repeat(40), /does not decompress/], // lz-string throws on this one
    ['#s9/abc', /newer version of this app \(link format 9/],
    ['#hello', /not a link this app made/],
    ['#scenario=%E0%A4%A', /not valid URL encoding/],
    ['#scenario={"v":1', /not valid JSON/],
    ['#s1/' + compressToEncodedURIComponent('[1,2]'), /does not hold a view/],
    [packed(`{"v":2,"s":${S},"x":1}`), /unknown fields: "x"/],
    [
      packed(`{"v":2,"s":${S},"${'k'.repeat(9000)}":1}`),
      /unknown fields: "k{60}"… \(9000 characters\)$/,
    ],
    [packed(`{"v":2,"s":${S},"t":-3}`), /step is not a whole number/],
    [packed(`{"v":2,"s":${S},"t":1e300}`), /step is not a whole number/],
    [packed(`{"v":2,"s":${S},"m":"<script>"}`), /view must be/],
    ['#s1/' + compressToEncodedURIComponent('{"v":2,"s":{}}'), /says it is format 2/],
    [
      '#s1/' + compressToEncodedURIComponent('{"v":"1","s":{}}'),
      /^the link’s format number \(v\) is the string "1", where a number is expected$/,
    ],
    ['#s2/' + compressToEncodedURIComponent('{"v":null,"s":{}}'), /\(v\) is null, where a number/],
    [
      `#s${LINK_VERSION + 1}/` + compressToEncodedURIComponent(`{"v":${LINK_VERSION + 1},"s":{}}`),
      new RegExp(`newer version.*reads up to ${LINK_VERSION}\\)`),
    ],
    [
      '#s1/' + compressToEncodedURIComponent('['.repeat(5000) + ']'.repeat(5000)),
      /nested too deeply/,
    ],
    ['#s1/' + 'x'.repeat(LINK_LIMITS.hashChars + 1), /too long/],
  ])('explains %s', (hash, message) => {
    const d = decodeLink(hash);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error).toMatch(message);
  });
  it('a hostile scenario inside a good envelope is refused before it reaches the store', () => {
    const d = decodeLink(
      packed(
        JSON.stringify({
          v: 2,
          s: {
            v: 1,
            kernel: '<img src=x onerror=alert(1)>',
            vendor: 'intel',
            workload: [{ op: 'map', gfn: 1e300, sptes: 1 }],
          },
        }),
      ),
    );
    expect(d).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^the link’s scenario is not valid: kernel: expected one of .*; workload\[0\]\.gfn: must be at most 1099511627775$/,
      ),
    });
  });
});

/** Scenarios that blanked the page (issue #17): wrongly typed fields the views read. */
const WRONGLY_TYPED: [string, unknown][] = [
  ['kernel {}', { v: 1, kernel: {}, vendor: 'intel' }],
  ['kernel [{}]', { v: 1, kernel: [{}], vendor: 'intel' }],
  ['modules "x"', { v: 1, kernel: 'v6.0', vendor: 'intel', modules: 'x' }],
  ['modules 1', { v: 1, kernel: 'v6.0', vendor: 'intel', modules: 1 }],
  ['modules true', { v: 1, kernel: 'v6.0', vendor: 'intel', modules: true }],
  ['modules {}', { v: 1, kernel: 'v6.0', vendor: 'intel', modules: {} }],
];
const GOOD = { v: 1, kernel: 'v6.0', vendor: 'intel' };

describe('a wrongly typed scenario never reaches the store', () => {
  it.each(WRONGLY_TYPED)('%s: as the scenario, the compared one and in #scenario=', (_, bad) => {
    const field = Object.keys(bad as object).find((k) => k === 'modules') ?? 'kernel';
    for (const [hash, whose] of [
      [packed(JSON.stringify({ v: 2, s: bad })), 'scenario'],
      [packed(JSON.stringify({ v: 2, s: GOOD, m: 'compare', c: bad })), 'compared scenario'],
      [`#scenario=${encodeURIComponent(JSON.stringify(bad))}`, 'scenario'],
    ] as const)
      expect(decodeLink(hash)).toEqual({
        ok: false,
        error: expect.stringMatching(
          new RegExp(`^the link’s ${whose} is not valid: ${field}: expected`),
        ),
      });
  });
  it.each([1, 'x', null, [], [GOOD], true])(
    'a scenario that is not an object (%j) is refused',
    (s) => {
      expect(decodeLink(packed(JSON.stringify({ v: 2, s })))).toMatchObject({ ok: false });
      expect(decodeLink(`#scenario=${encodeURIComponent(JSON.stringify(s))}`)).toMatchObject({
        ok: false,
      });
    },
  );
  it.each([1, 'x', null, [], [GOOD], true])(
    'a compared scenario that is not one (%j) is refused',
    (c) => {
      expect(decodeLink(packed(JSON.stringify({ v: 2, s: GOOD, m: 'compare', c })))).toEqual({
        ok: false,
        error: expect.stringMatching(/^the link’s compared scenario is not valid: /),
      });
    },
  );
  it.each([-1, LIMITS.maxGfn + 1, 1.5, '7', null, 1e308])(
    'a gfn out of range (%j) is refused',
    (g) => {
      expect(decodeLink(packed(JSON.stringify({ v: 2, s: GOOD, g })))).toEqual({
        ok: false,
        error: 'the link’s gfn is out of range',
      });
    },
  );
});

describe('fuzz: random and mutated links never throw and always explain', () => {
  const valid = encodeLink({
    scenario: {
      v: 1,
      kernel: 'seed-p3',
      vendor: 'intel',
      workload: [{ op: 'map', gfn: 1, sptes: 3 }],
    },
    step: 12,
    view: 'single',
    gfn: 1,
    compare: null,
  });
  const check = (hash: string) => {
    const d = decodeLink(hash);
    if (!d.ok) expect(d.error.length).toBeGreaterThan(10);
    else if (d.value) {
      // whatever survives decoding is only ever validated, never trusted
      const v = validateScenario(d.value.scenario);
      if (!v.ok) expect(v.error).toMatch(/^invalid scenario: /);
    }
  };
  it('random strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => check('#' + s)),
      { numRuns: 2000, seed: 1 },
    );
  });
  it('mutations of a valid link: truncation, flipped characters, insertions', () => {
    fc.assert(
      fc.property(
        fc.nat(valid.length),
        fc.nat(valid.length),
        fc.string({ minLength: 1, maxLength: 4 }),
        (cut, at, insert) => {
          check(valid.slice(0, cut));
          check(valid.slice(0, at) + insert + valid.slice(at + 1));
        },
      ),
      { numRuns: 2000, seed: 2 },
    );
  });
  it('valid views, then mutated (types, fields, ids, in s, c and the envelope): the store gets only well-typed scenarios', () => {
    let opened = 0;
    const envelopeArb = linkArb.map((l) => JSON.parse(encodeJson(l)) as unknown);
    fc.assert(
      fc.property(envelopeArb.chain(mutatedArb), (envelope) => {
        const d = decodeLink(packed(JSON.stringify(envelope)));
        if (!d.ok) {
          expect(d.error).toMatch(/^the link.{10}/s);
          return;
        }
        opened++;
        // What reaches the store has the types the engine's schema asks for, on both sides;
        // what only a run can tell (module order) the worker refuses.
        for (const scenario of [d.value!.scenario, d.value!.compare ?? d.value!.scenario]) {
          const v = validateScenario(scenario);
          if (!v.ok) expect(v.error).not.toMatch(/expected|unknown field/);
        }
      }),
      { numRuns: 2000, seed: 4 },
    );
    expect(opened).toBeGreaterThan(100);
  });
  it('valid compression of random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        check('#s1/' + compressToEncodedURIComponent(JSON.stringify({ v: 1, s: value, t: 0 })));
        check('#s1/' + compressToEncodedURIComponent(JSON.stringify(value)));
      }),
      { numRuns: 1000, seed: 3 },
    );
  });
});

describe('a link carrying imported kernel trees (mmu review)', () => {
  it('keeps the tree on both sides and stays inside the limits', () => {
    const imported = V6_12 as ScenarioInput['imported'];
    const scenario: ScenarioInput = { v: 1, kernel: 'v6.12', vendor: 'intel', imported };
    expect(minimalScenario(scenario).imported).toBe(imported);
    const link = encodeLink({ scenario, compare: scenario, view: 'compare', step: 0, gfn: null });
    expect(link.length).toBeLessThan(LINK_LIMITS.hashChars);
    const back = decodeLink(link);
    expect(back).toEqual({
      ok: true,
      value: { scenario, compare: scenario, view: 'compare', step: 0, gfn: null },
    });
    if (back.ok) expect(validateScenario(back.value!.compare).ok).toBe(true);
  });
});
