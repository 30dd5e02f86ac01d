/**
 * The headless CLI contract (docs/scenario.md): one JSON object per run, masks as
 * lower-case hex, or the same facts as a table for people.
 */
import { hex } from './bits';
import type { RunResult } from './runner';
import type { FindingKind } from './ids';
import { configShown } from './model/globals';
import { FINDING_WORDS } from './words';
import type { MmuState } from './model/state';
import { SLAB_NOTES } from './model/slub';

export interface JsonReport {
  ok: true;
  kernel: string;
  vendor: string;
  events: number;
  final: {
    modules: string[];
    masks: Record<string, string>;
    config: Record<string, number | boolean | string | null>;
    caches: {
      name: string;
      objectSize: number;
      objectsPerSlab: number;
      objects: number;
      slabs: number;
      live: boolean;
    }[];
    rmap: { heads: number; sptes: number; descs: number; bytes: number };
  };
  findings: {
    kind: string;
    steps: string[];
    message: string;
    /** What the kernel does about it, and where to read more (checker/advice.ts). */
    advice: string;
    links: { label: string; url: string }[];
  }[];
  faults: { at: string; errno: string; nth: number; fired: boolean; event: number | null }[];
  edits: string[];
  notes: string[];
}

export function finalState(r: RunResult): MmuState {
  return r.trace.stateAt(r.trace.length - 1);
}

export function toJsonReport(r: RunResult): JsonReport {
  const s = finalState(r);
  const rmap = s.vm.rmap;
  return {
    ok: true,
    kernel: r.scenario.kernel,
    vendor: r.scenario.vendor,
    events: r.trace.length,
    final: {
      modules: Object.keys(s.modules).filter((m) => s.modules[m]),
      masks: Object.fromEntries(Object.entries(s.masks).map(([k, v]) => [k, hex(v)])),
      config: Object.fromEntries(
        Object.entries(s.config).filter(([k]) => configShown(k, r.scenario.modules)),
      ),
      caches: Object.values(s.caches)
        .sort((a, b) => a.id - b.id)
        .map((c) => ({
          name: c.name,
          objectSize: c.objectSize,
          objectsPerSlab: c.objectsPerSlab,
          objects: c.objects,
          slabs: c.slabs,
          live: c.live,
        })),
      rmap: rmap
        ? { heads: rmap.heads, sptes: rmap.sptes, descs: rmap.descs, bytes: rmap.bytes }
        : { heads: 0, sptes: 0, descs: 0, bytes: 0 },
    },
    findings: r.findings.map((f) => ({
      kind: f.kind,
      steps: f.steps,
      message: f.message,
      advice: f.advice,
      links: f.links,
    })),
    faults: r.faults.map((f) => ({
      at: f.at,
      errno: f.errno,
      nth: f.nth,
      fired: f.firedAt !== null,
      event: f.firedAt,
    })),
    edits: r.edits,
    notes: r.notes,
  };
}

const table = (rows: [string, string][]): string => {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
};

export function toTextReport(r: RunResult): string {
  const j = toJsonReport(r);
  const out: string[] = [];
  out.push(
    `${j.kernel} on ${j.vendor}: ${j.events} events, modules loaded: ${j.final.modules.join(', ') || 'none'}`,
  );
  if (j.edits.length) out.push('', 'Edits:', ...j.edits.map((e) => `  - ${e}`));
  out.push('', 'PTE masks:', table(Object.entries(j.final.masks)));
  out.push(
    '',
    'MMU config:',
    table(Object.entries(j.final.config).map(([k, v]) => [k, String(v)])),
  );
  out.push(
    '',
    'kmem caches:',
    j.final.caches.length
      ? table(
          j.final.caches.map((c) => [
            c.name,
            `${c.objectSize} B, ${c.objectsPerSlab}/slab, ${c.objects} objects in ${c.slabs} slabs${c.live ? '' : ' (destroyed)'}`,
          ]),
        )
      : '  (none created)',
    ...(j.final.caches.length ? SLAB_NOTES.map((n) => `  ${n}`) : []),
  );
  const m = j.final.rmap;
  out.push(
    '',
    `rmaps: ${m.sptes} sptes in ${m.heads} heads, ${m.descs} pte_list_desc (${m.bytes} bytes)`,
  );
  out.push('', j.findings.length ? `Findings (${j.findings.length}):` : 'Findings: none');
  for (const f of j.findings)
    out.push(
      `  [${FINDING_WORDS[f.kind as FindingKind]}] ${f.message}`,
      `      steps: ${f.steps.join(', ')}`,
      `      kernel: ${f.advice}`,
      ...f.links.map((l, i) => `      ${i ? '    ' : 'see:'} ${l.url}`),
    );
  if (j.notes.length) out.push('', 'Notes:', ...j.notes.map((n) => `  - ${n}`));
  return out.join('\n');
}
