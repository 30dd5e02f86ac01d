/**
 * For tests only: fast-check arbitraries of valid scenarios, and mutations of any JSON
 * value (wrong types at any path, prototype names, huge numbers, deep nesting, bidi
 * text), so fuzz tests start from what passes the schema and reach the code behind it.
 */
import fc from 'fast-check';
import { ERRNO_NAMES, FAULT_POINTS, VARIANT_IDS, VENDORS } from './ids';
import { LIMITS } from './limits';
import { DEFAULT_PARAM_VALUES } from './params';
import type { ScenarioInput } from './scenario';

const params = fc.record(
  Object.fromEntries(
    Object.entries(DEFAULT_PARAM_VALUES).map(([k, v]) => [
      k,
      typeof v === 'boolean'
        ? fc.boolean()
        : typeof v === 'string'
          ? fc.constantFrom('1G', '2M', '4K')
          : // The numeric parameters' ranges (ParamsSchema).
            {
              physBits: fc.integer({ min: 36, max: 52 }),
              mktmeKeyIdBits: fc.integer({ min: 0, max: 15 }),
              smeCBit: fc.integer({ min: 32, max: 51 }),
              smePhysReduction: fc.integer({ min: 0, max: 15 }),
              hostCpus: fc.integer({ min: 1, max: 8192 }),
              possibleCpus: fc.integer({ min: 1, max: 8192 }),
            }[k]!,
    ]),
  ),
  { requiredKeys: [] },
);

/** Module sequences insmod/rmmod accept, and two they refuse (the worker's check). */
const MODULE_SEQUENCES = [
  ['load kvm', 'load kvm_intel'],
  ['load kvm', 'load kvm_amd', 'unload kvm_amd', 'unload kvm'],
  ['load kvm', 'load kvm_intel', 'unload kvm_intel', 'load kvm_amd'],
  ['load kvm_intel'],
  ['load kvm', 'load kvm'],
];

/** Scenarios the schema accepts. Workloads stay within `maxSptes` an op (cheap to run). */
export function scenarioArb({ maxSptes = 2000 } = {}): fc.Arbitrary<ScenarioInput> {
  const sptes = fc.integer({ min: 1, max: maxSptes });
  const gfn = fc.oneof(
    fc.nat(4096),
    fc.constantFrom(0, LIMITS.maxGfn),
    fc.integer({ min: 0, max: LIMITS.maxGfn }),
  );
  return fc.record(
    {
      v: fc.constant(1 as const),
      kernel: fc.constantFrom(...VARIANT_IDS),
      vendor: fc.constantFrom(...VENDORS),
      params,
      modules: fc.constantFrom(...MODULE_SEQUENCES),
      fail: fc.array(
        fc.record(
          {
            at: fc.constantFrom(...FAULT_POINTS),
            errno: fc.constantFrom(...ERRNO_NAMES),
            nth: fc.integer({ min: 1, max: 3 }),
          },
          { requiredKeys: ['at'] },
        ),
        { maxLength: 2 },
      ),
      workload: fc.array(
        fc.oneof(
          fc.record({ op: fc.constantFrom('map' as const, 'unmap' as const), gfn, sptes }),
          fc.record({
            op: fc.constant('random' as const),
            seed: fc.nat(),
            gfns: fc.integer({ min: 1, max: 64 }),
            sptes,
            removePercent: fc.integer({ min: 0, max: 100 }),
          }),
        ),
        { maxLength: 3 },
      ),
      edits: fc.array(
        fc.oneof(
          fc.record({
            move: fc.constantFrom('kvm_arch_hardware_setup/kvm_mmu_hardware_setup', 'a/b', 'x'),
            to: fc.constantFrom('kvm_arch_hardware_setup', 'vmx_hardware_setup', 'y'),
            index: fc.nat(30),
          }),
          fc.record({ remove: fc.constantFrom('kvm_mmu_vendor_module_init/mask_reset', 'z') }),
        ),
        { maxLength: 2 },
      ),
      inReplyTo: fc.constantFrom('<a.b@example.org>', 'a@b'),
    },
    { requiredKeys: ['v', 'kernel', 'vendor'] },
  ) as fc.Arbitrary<ScenarioInput>;
}

/** Ids named like Object.prototype's members: lookups by them must find nothing. */
export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
];

const nested = (depth: number): unknown => (depth ? [nested(depth - 1)] : 1);

/** Values that are wrong (or hostile) almost anywhere in a scenario. */
export const WRONG_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 53,
  1e308,
  '',
  'x',
  'toString\u202Efdp.exe',
  '\u2067evil\u2069',
  'A'.repeat(300),
  [],
  [{}],
  {},
  { v: 1 },
  nested(11),
  ...PROTOTYPE_NAMES,
];

type Path = (string | number)[];

/** Every path in a JSON value, containers included (the root is []). */
export function pathsOf(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

/** Sets an own property (`__proto__` too, as JSON.parse makes it). */
function define(o: object, key: string | number, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

export type Mutation =
  | { kind: 'set'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'add'; path: Path; key: string; value: unknown };

/** `value` with `m` applied (a copy; the root replaced if the path is []). */
export function mutate(value: unknown, m: Mutation): unknown {
  const root = { root: JSON.parse(JSON.stringify(value)) as unknown };
  let parent: Record<string | number, unknown> = root;
  let key: string | number = 'root';
  for (const p of m.path) {
    parent = parent[key] as Record<string | number, unknown>;
    key = p;
  }
  const target = parent[key];
  if (m.kind === 'set') define(parent, key, m.value);
  else if (m.kind === 'delete') {
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else delete parent[key];
  } else if (typeof target === 'object' && target !== null && !Array.isArray(target))
    define(target, m.key, m.value);
  else define(parent, key, { [m.key]: m.value });
  return root.root;
}

const keyArb = fc.oneof(
  fc.constantFrom(...PROTOTYPE_NAMES, 'colour', 'v', 'kernel', '\u202Ekey'),
  fc.string({ maxLength: 8 }),
);
const wrongArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WRONG_VALUES) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** One to three mutations of `value`, at paths it has. */
export function mutatedArb(value: unknown): fc.Arbitrary<unknown> {
  const one = (v: unknown): fc.Arbitrary<unknown> => {
    const paths = pathsOf(v);
    const kinds: fc.Arbitrary<Mutation>[] = [
      fc.record({
        kind: fc.constant('set' as const),
        path: fc.constantFrom(...paths),
        value: wrongArb,
      }),
      fc.record({
        kind: fc.constant('add' as const),
        path: fc.constantFrom(...paths),
        key: keyArb,
        value: wrongArb,
      }),
    ];
    if (paths.length > 1)
      kinds.push(
        fc.record({
          kind: fc.constant('delete' as const),
          path: fc.constantFrom(...paths.slice(1)),
        }),
      );
    return fc.oneof(...kinds).map((m) => mutate(v, m));
  };
  return one(value).chain((v1) =>
    fc.oneof(
      fc.constant(v1),
      one(v1),
      one(v1).chain((v2) => one(v2)),
    ),
  );
}
