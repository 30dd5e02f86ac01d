/**
 * Links: the whole view in the URL hash. `#sN/<lz-string>` carries a view of form N
 * { v: N, s: scenario, t: step, m: view, g: gfn, c: compared scenario, l: lesson
 * place }; `l` is optional and new in form 2 without changing what the rest means,
 * so it needs no migration (an app from before it explains it as unknown). Older forms
 * are carried to the newest by the migration sequence (app/engine/migrations.ts).
 * Decoding never throws: a broken, oversized, hostile or future link gives an
 * error message instead, and nothing in it is run until the engine validates it.
 */
// lz-string is CommonJS: a default import works in the bundle and in Node (the CLI writes links).
import LZString from 'lz-string';
import {
  DEFAULT_PARAM_VALUES,
  LIMITS,
  MIGRATIONS,
  migrateLink,
  quoted,
  scenarioShapeError,
  type ScenarioInput,
} from '../engine/view';
// The place module alone: the lessons' index loads their files through Vite, which the CLI (a
// user of this codec) does not run under.
import { isLessonPlace } from '../lessons/place';
import type { LinkState, ViewMode } from '../state/store';

const { compressToEncodedURIComponent, decompressFromEncodedURIComponent } = LZString;

export type Decoded = { ok: true; value: LinkState | null } | { ok: false; error: string };

/** Limits that keep a hostile link from costing anything. */
export const LINK_LIMITS = {
  hashChars: 16_000,
  jsonChars: 64_000,
  depth: 12,
  maxStep: 10_000_000,
} as const;

/** The form links are written in: the number of the last migration. */
export const LINK_VERSION = MIGRATIONS.version;
const PREFIX = `s${LINK_VERSION}/`;

/** Drops what equals the defaults, so links stay short and readable. */
export function minimalScenario(s: ScenarioInput): ScenarioInput {
  const out: ScenarioInput = { v: 1, kernel: s.kernel, vendor: s.vendor };
  const params = Object.fromEntries(
    Object.entries(s.params ?? {}).filter(
      ([k, v]) => DEFAULT_PARAM_VALUES[k as keyof typeof DEFAULT_PARAM_VALUES] !== v,
    ),
  );
  if (Object.keys(params).length) out.params = params;
  if (s.modules) out.modules = s.modules;
  if (s.fail?.length) out.fail = s.fail;
  if (s.workload?.length) out.workload = s.workload;
  if (s.edits?.length) out.edits = s.edits;
  if (s.inReplyTo) out.inReplyTo = s.inReplyTo;
  if (s.imported) out.imported = s.imported;
  return out;
}

export function encodeLink(state: LinkState): string {
  const envelope: Record<string, unknown> = {
    v: LINK_VERSION,
    s: minimalScenario(state.scenario),
    t: state.step,
  };
  if (state.view !== 'single') envelope.m = state.view;
  if (state.gfn !== null) envelope.g = state.gfn;
  if (state.compare) envelope.c = minimalScenario(state.compare);
  if (state.lesson) envelope.l = { id: state.lesson.id, step: state.lesson.step };
  return `#${PREFIX}${compressToEncodedURIComponent(JSON.stringify(envelope))}`;
}

/** Deepest nesting of arrays/objects, without recursion (a hostile link may nest thousands deep). */
function depthOf(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, d);
    if (max > limit) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

const isInt = (x: unknown, min: number, max: number): x is number =>
  typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

const ENVELOPE_KEYS = new Set(['v', 's', 't', 'm', 'g', 'c', 'l']);

/**
 * Checks the envelope and the scenarios inside against the scenario schema, so nothing
 * wrongly typed reaches the store; what only a run can tell (module order, edits,
 * cost) the worker refuses when it runs them.
 */
export function checkEnvelope(
  raw: unknown,
): { ok: true; value: LinkState } | { ok: false; error: string } {
  if (!isPlainObject(raw)) return { ok: false, error: 'the link does not hold a view description' };
  const unknown = Object.keys(raw).filter((k) => !ENVELOPE_KEYS.has(k));
  if (unknown.length)
    return {
      ok: false,
      error: `the link has unknown fields: ${unknown
        .slice(0, 5)
        .map((k) => quoted(k))
        .join(', ')}`,
    };
  if (!isPlainObject(raw.s)) return { ok: false, error: 'the link has no scenario' };
  const wrong = scenarioShapeError(raw.s);
  if (wrong) return { ok: false, error: `the link’s scenario is not valid: ${wrong}` };
  if (raw.t !== undefined && !isInt(raw.t, 0, LINK_LIMITS.maxStep))
    return { ok: false, error: 'the link’s step is not a whole number in range' };
  if (raw.m !== undefined && raw.m !== 'single' && raw.m !== 'compare')
    return { ok: false, error: 'the link’s view must be "single" or "compare"' };
  if (raw.g !== undefined && !isInt(raw.g, 0, LIMITS.maxGfn))
    return { ok: false, error: 'the link’s gfn is out of range' };
  const wrongCompared = raw.c === undefined ? null : scenarioShapeError(raw.c);
  if (wrongCompared)
    return { ok: false, error: `the link’s compared scenario is not valid: ${wrongCompared}` };
  if (raw.l !== undefined && !isLessonPlace(raw.l))
    return {
      ok: false,
      error: 'the link’s lesson must be { id, step } with a lesson id and a step number in range',
    };
  return {
    ok: true,
    value: {
      scenario: raw.s as ScenarioInput,
      step: (raw.t as number | undefined) ?? 0,
      view: (raw.m as ViewMode | undefined) ?? 'single',
      gfn: (raw.g as number | undefined) ?? null,
      compare: (raw.c as ScenarioInput | undefined) ?? null,
      ...(raw.l !== undefined && { lesson: raw.l }),
    },
  };
}

/** Parses JSON text from a link or file, with size and nesting limits. */
export function parseJson(
  text: string,
  what: string,
  maxChars: number = LINK_LIMITS.jsonChars,
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.length > maxChars)
    return { ok: false, error: `${what} is too large (${text.length} characters)` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${what} is not valid JSON (${(e as Error).message})` };
  }
  if (depthOf(value, LINK_LIMITS.depth) > LINK_LIMITS.depth)
    return { ok: false, error: `${what} is nested too deeply` };
  return { ok: true, value };
}

/** Why a view stored as form `version` does not say it is one (its `v`), or null. */
function wrongFormat(raw: unknown, version: number): string | null {
  if (!isPlainObject(raw) || !('v' in raw) || raw.v === version) return null;
  const v = raw.v;
  if (typeof v === 'number')
    return `the link says it is format ${v} but is stored as format ${version}`;
  const what =
    typeof v === 'string'
      ? `the string ${JSON.stringify(v.length > 12 ? `${v.slice(0, 12)}…` : v)}`
      : v === null
        ? 'null'
        : Array.isArray(v)
          ? 'a list'
          : typeof v === 'object'
            ? 'an object'
            : `the ${typeof v} ${String(v)}`;
  return `the link’s format number (v) is ${what}, where a number is expected`;
}

/** Reads a location hash ("#…" or ""). No hash: { ok: true, value: null }. */
export function decodeLink(hash: string): Decoded {
  const body = hash.replace(/^#/, '');
  if (!body) return { ok: true, value: null };
  if (body.length > LINK_LIMITS.hashChars)
    return { ok: false, error: `the link is too long (${body.length} characters)` };
  const versioned = /^s(\d{1,4})\/(.*)$/s.exec(body);
  let envelope: unknown;
  if (versioned) {
    const version = Number(versioned[1]);
    if (version > LINK_VERSION)
      return {
        ok: false,
        error: `the link was made by a newer version of this app (link format ${version}; this one reads up to ${LINK_VERSION})`,
      };
    let json: string | null;
    try {
      json = decompressFromEncodedURIComponent(versioned[2]!);
    } catch {
      json = null; // some garbage makes lz-string throw (a TypeError) rather than answer null
    }
    // lz-string answers most garbage with null or "" rather than an error.
    if (!json)
      return {
        ok: false,
        error: 'the link is damaged: its data does not decompress (was it cut off when copied?)',
      };
    const parsed = parseJson(json, 'the link');
    if (!parsed.ok) return parsed;
    const wrong = version > 0 ? wrongFormat(parsed.value, version) : null;
    if (wrong) return { ok: false, error: wrong };
    envelope = migrateLink(version, parsed.value);
  } else if (body.startsWith('scenario=')) {
    let text: string;
    try {
      text = decodeURIComponent(body.slice('scenario='.length));
    } catch {
      return { ok: false, error: 'the link’s scenario is not valid URL encoding' };
    }
    const parsed = parseJson(text, 'the link’s scenario');
    if (!parsed.ok) return parsed;
    envelope = migrateLink(0, parsed.value);
  } else return { ok: false, error: 'the part after # is not a link this app made' };
  return checkEnvelope(envelope);
}
