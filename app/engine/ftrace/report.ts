/**
 * A trace check for people (text: one line per call, indented as the calls nest) and for
 * scripts (JSON). Every row names the model's source: its own step's, or for a call only in
 * the trace, the source of the model function it would sit in.
 */
import { paramLines } from '../compare/report';
import type { RunResult } from '../index';
import { sourceLabel, sourceUrl } from '../variants/sources';
import type { Source } from '../variants/types';
import type { TraceCheck, TraceRow } from './check';
import { captureVendor } from './capture';
import type { FtraceCapture } from './parse';
import { TRACE_ROW_MARK, TRACE_ROW_WORDS, type TraceRowKind } from './words';

/**
 * The model source a row is about: its step's own line, else (a call only in the trace)
 * the definition of the nearest caller the model has, where the call would sit.
 */
export function rowSource(check: TraceCheck, row: TraceRow): Source | null {
  if (row.model?.src) return row.model.src;
  for (
    let r = row.callerRow === null ? undefined : check.rows[row.callerRow];
    r;
    r = r.callerRow === null ? undefined : check.rows[r.callerRow]
  ) {
    const src = r.model?.def ?? r.model?.src;
    if (src) return src;
  }
  return null;
}

function describe(check: TraceCheck, row: TraceRow): string {
  const src = rowSource(check, row);
  const where = src ? sourceLabel(src) : '';
  const line = row.trace ? `trace line ${row.trace.line}` : '';
  const moved =
    row.movedTo === undefined ? '' : `; out of order, its other half is row ${row.movedTo + 1}`;
  switch (row.kind) {
    case 'agree':
      return [line, where].filter(Boolean).join(', ');
    case 'model-only':
      return `only in the model: ${row.model!.title}${moved}; ${where}`;
    case 'trace-only': {
      const caller = row.callerRow === null ? null : check.rows[row.callerRow]!;
      return `only in the trace (${line}${caller ? `, inside ${caller.name}()` : ''})${moved}${where ? `; the model's ${where}` : ''}`;
    }
    case 'nesting':
      return `${row.note}; ${line}, ${where}`;
    case 'not-visible':
      return `not visible: ${row.note}; ${where}`;
  }
}

export interface TraceCheckMeta {
  /** What the capture was called ("kvm-amd.txt", "stdin"). */
  name: string;
  capture: FtraceCapture;
  run: RunResult;
}

function heading(check: TraceCheck, m: TraceCheckMeta): string[] {
  const s = m.run.scenario;
  const params = paramLines(m.run);
  const faults = s.fail.map((f) => `${f.at}${f.nth > 1 ? `:${f.nth}` : ''}`);
  return [
    `Trace check: ${m.name} against ${s.kernel} / ${s.vendor}`,
    `  capture: ${m.capture.format === 'tracefs' ? '/sys/kernel/tracing/trace' : 'trace-cmd report'} text, CPU${m.capture.cpus.length > 1 ? 's' : ''} ${m.capture.cpus.join(', ')}, ${m.capture.graphLines} graph lines; ${check.unknownCalls} calls of functions the model does not know (not compared)`,
    `  model:   ${m.run.variant.title}; ${params.length ? params.join(', ') : 'default params'}; ${faults.length ? `fail ${faults.join(', ')}` : 'no fault'}`,
    `  rows:    = agree  - only in the model  + only in the trace  ~ nested differently  . not visible`,
    '',
  ];
}

function summary(check: TraceCheck): string {
  const parts = (Object.keys(TRACE_ROW_WORDS) as TraceRowKind[])
    .filter((k) => check.counts[k])
    .map((k) => `${check.counts[k]} ${TRACE_ROW_WORDS[k]}`);
  return `${parts.join(', ')}: ${check.agrees ? 'the model and the trace agree' : 'the model and the trace disagree'}.`;
}

export function traceCheckText(check: TraceCheck, m: TraceCheckMeta): string {
  const width = Math.min(
    48,
    Math.max(...check.rows.map((r) => 2 * r.depth + r.name.length + 4), 20),
  );
  const lines = check.rows.map((row) => {
    const call = `${TRACE_ROW_MARK[row.kind]} ${'  '.repeat(row.depth)}${row.name}()`;
    return `${call.padEnd(width)} ${describe(check, row)}`.trimEnd();
  });
  return [
    ...heading(check, m),
    ...lines,
    ...(check.notes.length ? ['', 'Notes:', ...check.notes.map((n) => `  - ${n}`)] : []),
    '',
    summary(check),
  ].join('\n');
}

export function traceCheckJson(check: TraceCheck, m: TraceCheckMeta) {
  return {
    ok: true as const,
    agrees: check.agrees,
    counts: check.counts,
    unknownCalls: check.unknownCalls,
    notes: check.notes,
    capture: {
      name: m.name,
      format: m.capture.format,
      cpus: m.capture.cpus,
      graphLines: m.capture.graphLines,
      vendor: captureVendor(m.capture),
    },
    model: {
      kernel: m.run.scenario.kernel,
      vendor: m.run.scenario.vendor,
      title: m.run.variant.title,
      scenario: m.run.scenario,
    },
    rows: check.rows.map((row) => {
      const src = rowSource(check, row);
      return { ...row, source: src ? { label: sourceLabel(src), url: sourceUrl(src) } : null };
    }),
  };
}

/** A trace check as data (the CLI's --format json, and what the app's worker sends the view). */
export type TraceCheckJson = ReturnType<typeof traceCheckJson>;
