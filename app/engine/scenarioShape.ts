/**
 * The scenario schema on the main thread. A link's scenarios must be checked before
 * they reach the store (a wrongly typed field would break the views), but zod would
 * grow the main bundle by ~90 kB; so the schema comes as the JSON Schema zod writes
 * of it (scenario.schema.json, `npm run scenario-schema`), read by this checker of
 * the few keywords zod uses. scenarioShape.test.ts holds it to zod's verdicts.
 * What the schema cannot say (module order, workload totals, whether edits apply,
 * cost) is still the worker's to refuse.
 */
import { quoted } from './echo';
import SCENARIO_JSON_SCHEMA from './scenario.schema.json' with { type: 'json' };

export interface JsonSchema {
  $schema?: string;
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  const?: unknown;
  enum?: readonly unknown[];
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  maxItems?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  oneOf?: readonly JsonSchema[];
  anyOf?: readonly JsonSchema[];
  /** Not checked: what a missing field becomes. */
  default?: unknown;
}

/** The keywords check() reads; the test fails if the schema uses any other. */
export const CHECKED_KEYWORDS: readonly (keyof JsonSchema)[] = [
  '$schema',
  'type',
  'const',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'maxItems',
  'minItems',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'oneOf',
  'anyOf',
  'default',
];

type Path = (string | number)[];
interface Issue {
  path: Path;
  what: string;
}

function where(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(top level)';
}

function kindOf(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'number' && !Number.isInteger(x)) return 'a fraction';
  return typeof x;
}

function hasType(x: unknown, type: NonNullable<JsonSchema['type']>): boolean {
  switch (type) {
    case 'object':
      return typeof x === 'object' && x !== null && !Array.isArray(x);
    case 'array':
      return Array.isArray(x);
    case 'integer':
      return Number.isInteger(x);
    case 'number':
      return typeof x === 'number' && Number.isFinite(x);
    default:
      return typeof x === type;
  }
}

const patterns = new Map<string, RegExp>();
const regexOf = (p: string) => patterns.get(p) ?? patterns.set(p, new RegExp(p)).get(p)!;

/** Why `x` at `path` does not fit `schema`, appended to `out`. */
function check(schema: JsonSchema, x: unknown, path: Path, out: Issue[]): void {
  const fail = (what: string) => void out.push({ path, what });
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    // Whichever alternative comes closest explains what is wrong.
    let best: Issue[] | null = null;
    for (const alt of alternatives) {
      const issues: Issue[] = [];
      check(alt, x, path, issues);
      if (!issues.length) return;
      if (!best || issues.length < best.length) best = issues;
    }
    out.push(...best!);
    return;
  }
  if (schema.type && !hasType(x, schema.type))
    return fail(`expected ${schema.type}, received ${kindOf(x)}`);
  if ('const' in schema && x !== schema.const)
    return fail(`expected ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(x))
    return fail(`expected one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (typeof x === 'number') {
    if (schema.minimum !== undefined && x < schema.minimum)
      return fail(`must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && x > schema.maximum)
      return fail(`must be at most ${schema.maximum}`);
  }
  if (typeof x === 'string') {
    if (schema.minLength !== undefined && x.length < schema.minLength)
      return fail(`must be at least ${schema.minLength} characters long`);
    if (schema.maxLength !== undefined && x.length > schema.maxLength)
      return fail(`must be at most ${schema.maxLength} characters long`);
    if (schema.pattern !== undefined && !regexOf(schema.pattern).test(x))
      return fail(`${quoted(x)} does not match /${schema.pattern}/`);
  }
  if (Array.isArray(x)) {
    if (schema.maxItems !== undefined && x.length > schema.maxItems)
      return fail(`at most ${schema.maxItems} items, not ${x.length}`);
    if (schema.minItems !== undefined && x.length < schema.minItems)
      return fail(`at least ${schema.minItems} items, not ${x.length}`);
    if (schema.items)
      for (const [i, item] of x.entries()) check(schema.items, item, [...path, i], out);
  }
  if (schema.properties && hasType(x, 'object')) {
    const fields = x as Record<string, unknown>;
    const props = schema.properties;
    const unknown = Object.keys(fields).filter((k) => !Object.hasOwn(props, k));
    if (schema.additionalProperties === false && unknown.length)
      fail(
        `unknown field${unknown.length > 1 ? 's' : ''} ${unknown
          .slice(0, 5)
          .map((k) => quoted(k))
          .join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`,
      );
    for (const key of schema.required ?? [])
      if (!Object.hasOwn(fields, key)) out.push({ path: [...path, key], what: 'missing' });
    for (const [key, sub] of Object.entries(props))
      if (Object.hasOwn(fields, key)) check(sub, fields[key], [...path, key], out);
  }
}

/** Why `value` does not fit `schema` ("<where>: <what>"; at most `max`, then how many more), or []. */
export function schemaIssues(schema: JsonSchema, value: unknown, max = 5): string[] {
  const issues: Issue[] = [];
  check(schema, value, [], issues);
  const shown = issues.slice(0, max).map((i) => `${where(i.path)}: ${i.what}`);
  if (issues.length > max) shown.push(`… and ${issues.length - max} more`);
  return shown;
}

export const SCENARIO_SCHEMA = SCENARIO_JSON_SCHEMA as JsonSchema;

/**
 * Why `input` is not a scenario the schema accepts ("<where>: <what>; …"), or null.
 * The same verdict as ScenarioSchema, without zod.
 */
export function scenarioShapeError(input: unknown): string | null {
  const issues = schemaIssues(SCENARIO_SCHEMA, input);
  return issues.length ? issues.join('; ') : null;
}
