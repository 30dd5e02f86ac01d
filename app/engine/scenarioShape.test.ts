/**
 * The main thread's scenario check (scenarioShape.ts) is the scenario schema: the JSON
 * Schema it reads is the one zod writes of ScenarioSchema, it reads every keyword that
 * schema uses, and it gives zod's verdict on every field of a full scenario made wrong
 * and on thousands of mutated ones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutate, mutatedArb, pathsOf, scenarioArb, WRONG_VALUES } from './arbitraries';
import { DEFAULT_PARAM_VALUES } from './params';
import V6_12 from './variants/trees/v6.12.json' with { type: 'json' };
import { ScenarioSchema, scenarioJsonSchema } from './scenario';
import {
  CHECKED_KEYWORDS,
  SCENARIO_SCHEMA,
  scenarioShapeError,
  type JsonSchema,
} from './scenarioShape';

/** Every subschema, with the property names it defines. */
function subschemas(s: JsonSchema): JsonSchema[] {
  return [
    s,
    ...Object.values(s.properties ?? {}).flatMap(subschemas),
    ...(s.items ? subschemas(s.items) : []),
    ...[...(s.oneOf ?? []), ...(s.anyOf ?? [])].flatMap(subschemas),
  ];
}

/** The property names anywhere in `x`. */
const namesIn = (x: unknown): string[] =>
  x && typeof x === 'object'
    ? Object.entries(x).flatMap(([k, v]) => (Array.isArray(x) ? namesIn(v) : [k, ...namesIn(v)]))
    : [];

/** `x` with each array cut to the items that bring a property name no earlier item has. */
const oneOfEachShape = (x: unknown): unknown => {
  if (Array.isArray(x)) {
    const seen = new Set<string>();
    return x.map(oneOfEachShape).filter((item, i) => {
      const fresh = namesIn(item).filter((n) => !seen.has(n));
      fresh.forEach((n) => seen.add(n));
      return i === 0 || fresh.length > 0;
    });
  }
  return x && typeof x === 'object'
    ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, oneOfEachShape(v)]))
    : x;
};

/** A scenario with every field the schema defines, each workload op and edit kind once. */
const FULL = {
  v: 1,
  kernel: 'seed-p3',
  vendor: 'intel',
  params: { ...DEFAULT_PARAM_VALUES, possibleCpus: 64 },
  inReplyTo: '<patch-2-of-4@example.org>',
  // A kernel tree as the importer writes it (mmu review's sides carry one), each list cut to
  // one item of each shape: every field is still there, and the sweep below stays in seconds.
  imported: oneOfEachShape(V6_12),

  modules: ['load kvm', 'load kvm_intel'],
  fail: [{ at: 'hardware_setup', errno: 'ENOMEM', nth: 1 }],
  workload: [
    { op: 'map', gfn: 1, sptes: 2 },
    { op: 'unmap', gfn: 1, sptes: 1 },
    { op: 'random', seed: 1, gfns: 2, sptes: 3, removePercent: 50 },
  ],
  edits: [
    {
      move: 'kvm_arch_hardware_setup/kvm_mmu_hardware_setup',
      to: 'kvm_arch_hardware_setup',
      index: 1,
    },
    { remove: 'kvm_mmu_vendor_module_init/mask_reset' },
  ],
};

const zodAccepts = (x: unknown) => ScenarioSchema.safeParse(x).success;

describe('the scenario schema without zod', () => {
  it('is the JSON Schema zod writes of ScenarioSchema (else run npm run scenario-schema)', () => {
    expect(SCENARIO_SCHEMA).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it('reads every keyword the schema uses', () => {
    const used = new Set(subschemas(SCENARIO_SCHEMA).flatMap((s) => Object.keys(s)));
    expect([...used].filter((k) => !CHECKED_KEYWORDS.includes(k as keyof JsonSchema))).toEqual([]);
  });

  it('the full scenario has every field the schema defines, and passes', () => {
    const defined = new Set(
      subschemas(SCENARIO_SCHEMA).flatMap((s) => Object.keys(s.properties ?? {})),
    );
    const present = new Set(pathsOf(FULL).flatMap((p) => p.filter((k) => typeof k === 'string')));
    expect([...defined].filter((k) => !present.has(k))).toEqual([]);
    expect(zodAccepts(FULL)).toBe(true);
    expect(scenarioShapeError(FULL)).toBeNull();
  });

  it('refuses a wrong value at every path of the full scenario, as zod does', () => {
    let refused = 0;
    for (const path of pathsOf(FULL))
      for (const value of WRONG_VALUES) {
        const x = mutate(FULL, { kind: 'set', path, value });
        const error = scenarioShapeError(x);
        expect(error === null, `${JSON.stringify(path)} = ${JSON.stringify(value)}`).toBe(
          zodAccepts(x),
        );
        if (error) refused++;
      }
    // Nearly every pair is wrong; the few that fit (e.g. 0 for mktmeKeyIdBits) are accepted by both.
    expect(refused).toBeGreaterThan(pathsOf(FULL).length * (WRONG_VALUES.length - 4));
  });

  it('says where and what, with echoed input cut short and its bidi controls shown', () => {
    expect(scenarioShapeError({ v: 1, kernel: {}, vendor: 'intel' })).toBe(
      'kernel: expected string, received object',
    );
    expect(scenarioShapeError({ v: 1, kernel: 'v6.0', vendor: 'intel', modules: 'x' })).toBe(
      'modules: expected array, received string',
    );
    expect(scenarioShapeError([{}])).toBe('(top level): expected object, received array');
    expect(
      scenarioShapeError({
        v: 1,
        kernel: 'v6.0',
        vendor: 'intel',
        workload: [{ op: 'map', gfn: -1, sptes: 1 }],
      }),
    ).toBe('workload[0].gfn: must be at least 0');
    const error = scenarioShapeError({
      v: 1,
      kernel: 'v6.0',
      vendor: 'intel',
      ['\u202E' + 'k'.repeat(5000)]: 1,
    });
    expect(error).toMatch(/^\(top level\): unknown field "\\u202Ek{59}"… \(5001 characters\)$/);
  });

  it('gives zod’s verdict on valid and mutated scenarios', () => {
    let refused = 0;
    fc.assert(
      fc.property(
        scenarioArb().chain((s) => fc.oneof(fc.constant<unknown>(s), mutatedArb(s))),
        (x) => {
          const error = scenarioShapeError(x);
          expect(error === null).toBe(zodAccepts(x));
          if (error) refused++;
        },
      ),
      { numRuns: 3000, seed: 17 },
    );
    expect(refused).toBeGreaterThan(1000);
  });
});
