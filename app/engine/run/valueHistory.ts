/**
 * A value's history: every trace event that read or wrote one kernel value, in
 * trace order, with before → after for the writes and who ran them. Globals and
 * kmem caches are answered from the trace alone (cheap enough for the main thread);
 * one gfn's rmap head needs the workload replayed, so ChainIndex answers for it in
 * the worker.
 */
import type { CellValue, KmemCache, Section } from '../model/state';
import type { Trace, TraceEvent } from './trace';

/** What a history is of: a global by its kernel name, a kmem cache by its name, or one gfn's rmap head. */
export type ValueKey =
  | { kind: 'global'; name: string }
  | { kind: 'cache'; name: string }
  | { kind: 'rmap'; gfn: number };

/** Who ran a step: the function it belongs to and that function's caller (null for module and VM events). */
export interface Who {
  event: number;
  fn: string | null;
  caller: string | null;
  /** The step's title: the kernel call it stands for, or the module operation. */
  title: string;
}

export type ValueAccess = Who &
  (
    | { access: 'read' }
    | {
        access: 'write';
        /** Undefined: the value did not exist (a cache not created yet). Rmap heads: the chain's length. */
        before: CellValue | undefined;
        /** The same as `before` when the step wrote the value the cell already held. */
        after: CellValue | undefined;
      }
  );

/** Sections whose cells are kernel globals named as the steps' footprints name them. */
const GLOBAL_SECTIONS: ReadonlySet<Section> = new Set(['masks', 'config', 'pointers', 'lifecycle']);

export function whoRan(e: TraceEvent): Who {
  return {
    event: e.index,
    fn: e.fn,
    caller: e.stack.length > 1 ? e.stack[e.stack.length - 2]! : null,
    title: e.title,
  };
}

/** How one kind of key shows up in an event: its changes, its footprint name, and its value at the start. */
interface Matcher {
  changes(e: TraceEvent): { before: CellValue | undefined; after: CellValue | undefined } | null;
  /** The name steps declare in reads, writes and probes. */
  footprint: string;
  initial: CellValue | undefined;
}

/** First before and last after of the changes `e` made to cells `matches` picks. */
function netChange(
  e: TraceEvent,
  matches: (section: Section, key: string, before: unknown, after: unknown) => boolean,
): { before: CellValue | undefined; after: CellValue | undefined } | null {
  let out: { before: CellValue | undefined; after: CellValue | undefined } | null = null;
  for (const c of e.changes)
    if (matches(c.section, c.key, c.before, c.after))
      out = { before: out ? out.before : c.before, after: c.after };
  return out;
}

const cacheNamed = (v: unknown, name: string) => (v as KmemCache | undefined)?.name === name;

function matcherOf(trace: Trace, key: Exclude<ValueKey, { kind: 'rmap' }>): Matcher {
  const { name } = key;
  if (key.kind === 'cache')
    return {
      changes: (e) =>
        netChange(
          e,
          (section, _, before, after) =>
            section === 'caches' && (cacheNamed(before, name) || cacheNamed(after, name)),
        ),
      footprint: `kmem_cache:${name}`,
      initial: undefined,
    };
  const s = trace.initial;
  const tables = [s.masks, s.config, s.pointers, s.lifecycle] as Record<string, CellValue>[];
  return {
    changes: (e) => netChange(e, (section, k) => k === name && GLOBAL_SECTIONS.has(section)),
    footprint: name,
    initial: tables.find((t) => name in t)?.[name],
  };
}

/**
 * Every event that read `key` (its reads or probes name it) or wrote it (changed
 * it, or declares writing it), in trace order. A step that reads and writes a
 * value counts as a write. Module loads that give a global its load-time value
 * again (a reload) are writes too, though no step declares them.
 */
export function valueHistory(
  trace: Trace,
  key: Exclude<ValueKey, { kind: 'rmap' }>,
): ValueAccess[] {
  const m = matcherOf(trace, key);
  const out: ValueAccess[] = [];
  let value = m.initial;
  for (const e of trace.events) {
    const change = m.changes(e);
    if (change || e.writes.includes(m.footprint)) {
      const { before, after } = change ?? { before: value, after: value };
      value = after;
      out.push({ ...whoRan(e), access: 'write', before, after });
    } else if (e.reads.includes(m.footprint) || e.probes.includes(m.footprint))
      out.push({ ...whoRan(e), access: 'read' });
  }
  return out;
}
