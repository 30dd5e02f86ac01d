import { useEffect, useRef, useState } from 'react';
import { vendorModule, type TraceCheckJson, type TraceRowKind } from '../../engine/view';
import { TRACE_ROW_MARK, TRACE_ROW_WORDS } from '../../engine/viewDetails';
import { setInput } from '../../state/actions';
import { useAppStore } from '../../state/store';
import { closeTrace } from '../../state/traceCheck';
import '../compare/compare.css';
import './trace.css';

type Row = TraceCheckJson['rows'][number];

const KINDS = Object.keys(TRACE_ROW_WORDS) as TraceRowKind[];
/** The marks as the text report prints them, with a true minus. */
const markOf = (k: TraceRowKind) =>
  k === 'model-only' ? '−' : k === 'not-visible' ? '·' : TRACE_ROW_MARK[k];

/** "arch/x86/kvm/mmu/mmu.c:6900 (v6.6.87)" → "mmu.c:6900"; other sources as they are. */
function shortSource(label: string): string {
  const m = /^(?:.*\/)?([^/\s]+) \([^)]+\)$/.exec(label);
  return m ? m[1]! : label;
}

/** Brings a row into view and onto the keyboard's focus (a move's other half). */
function goToRow(n: number): void {
  const row = document.querySelector<HTMLElement>(`.trace-check tr[data-row="${n}"]`);
  row?.scrollIntoView({ block: 'nearest' });
  row?.querySelector<HTMLElement>('th')?.focus();
}

function TraceRowView({ row, index, cpus }: { row: Row; index: number; cpus: number }) {
  const words = TRACE_ROW_WORDS[row.kind];
  const indent = { paddingLeft: `${row.depth * 10}px` };
  const title = row.model && row.model.title !== `${row.name}()` ? row.model.title : null;
  return (
    <tr className={`row ${row.kind}`} data-row={index + 1} data-kind={row.kind}>
      <th scope="row" tabIndex={-1}>
        {index + 1}
      </th>
      <td>
        {row.model && (
          <span className="call" style={indent} title={title ?? undefined}>
            <span className="fn">{row.name}()</span>
            {title && row.kind !== 'agree' && <span className="detail">{title}</span>}
          </span>
        )}
      </td>
      <td className="mark" title={words}>
        <span aria-hidden="true">{row.movedTo === undefined ? markOf(row.kind) : '⇄'}</span>
        <span className="visually-hidden">{words}</span>
      </td>
      <td>
        {row.trace && (
          <span className="call" style={indent}>
            <span className="fn">{row.trace.name}()</span>
            <span className="detail">
              line {row.trace.line}
              {cpus > 1 && `, CPU ${row.trace.cpu}`}
            </span>
          </span>
        )}
        {row.note && (
          <span className="why">
            {row.kind === 'not-visible' ? `not visible: ${row.note}` : row.note}
          </span>
        )}
        {row.movedTo !== undefined && (
          <button type="button" className="link" onClick={() => goToRow(row.movedTo! + 1)}>
            out of order: its other half is row {row.movedTo + 1}
          </button>
        )}
      </td>
      <td className="source">
        {row.source && (
          <a href={row.source.url} target="_blank" rel="noreferrer" title={row.source.label}>
            {shortSource(row.source.label)}
          </a>
        )}
      </td>
    </tr>
  );
}

function Summary({ view }: { view: TraceCheckJson }) {
  const c = view.capture;
  const format = c.format === 'tracefs' ? '/sys/kernel/tracing/trace' : 'trace-cmd report';
  return (
    <div className="trace-summary">
      <p>
        <strong>Capture:</strong> {format} text, CPU{c.cpus.length > 1 ? 's' : ''}{' '}
        {c.cpus.join(', ')}, {c.graphLines} graph lines; {view.unknownCalls} calls of functions the
        model does not know are not compared.
      </p>
      <p>
        <strong>Model:</strong> {view.model.title}, loading {vendorModule(view.model.vendor)}. The
        kernel, vendor and parameters above change what it is checked against.
      </p>
      <ul className="trace-counts" aria-label="Rows by kind">
        {KINDS.filter((k) => view.counts[k]).map((k) => (
          <li key={k} data-kind={k}>
            <span className="mark" aria-hidden="true">
              {markOf(k)}
            </span>{' '}
            {view.counts[k]} {TRACE_ROW_WORDS[k]}
          </li>
        ))}
      </ul>
      <p className={`verdict ${view.agrees ? 'agrees' : 'differs'}`}>
        {view.agrees
          ? 'The model and the trace agree on every call both know.'
          : 'The model and the trace disagree: the rows marked −, + or ~ say where.'}
      </p>
    </div>
  );
}

/** The capture's vendor when it is not the model's, with the switch to it. */
function VendorHint({ view }: { view: TraceCheckJson }) {
  const theirs = view.capture.vendor;
  if (!theirs || theirs === view.model.vendor) return null;
  return (
    <p className="notice warn">
      This capture loads {vendorModule(theirs)}; the model loads {vendorModule(view.model.vendor)}.{' '}
      <button type="button" onClick={() => setInput((i) => ({ ...i, vendor: theirs }))}>
        Check against {vendorModule(theirs)}
      </button>
    </p>
  );
}

/** An opened ftrace capture aligned with the model's run: one row per call either side has. */
export function TraceView() {
  const t = useAppStore((s) => s.traceCheck);
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const opened = t.capture?.name;
  useEffect(() => heading.current?.focus(), [opened]);
  const view = t.view;
  if (!view) return null;
  const rows = view.rows
    .map((row, i) => ({ row, i }))
    .filter(({ row }) => !onlyDifferences || (row.kind !== 'agree' && row.kind !== 'not-visible'));
  return (
    <section
      className="panel trace-check"
      aria-labelledby="trace-check-heading"
      data-status={t.status}
      data-check-id={t.id}
    >
      <div className="trace-head">
        <h2 id="trace-check-heading" ref={heading} tabIndex={-1}>
          Trace against the model <span className="aside">{opened}</span>
        </h2>
        <span className="aside" role="status">
          {t.status === 'checking' ? 'checking…' : ''}
        </span>
        <button type="button" onClick={closeTrace}>
          Close trace
        </button>
      </div>
      {t.error && (
        <p className="notice error" role="alert">
          {t.error}
        </p>
      )}
      <VendorHint view={view} />
      <Summary view={view} />
      <label className="only-differences">
        <input
          type="checkbox"
          checked={onlyDifferences}
          onChange={(e) => setOnlyDifferences(e.target.checked)}
        />
        Only rows that differ
      </label>
      <div className="trace-scroll" tabIndex={0} role="region" aria-label="Aligned calls">
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Model</th>
              <th scope="col">
                <span className="visually-hidden">Difference</span>
              </th>
              <th scope="col">Trace</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ row, i }) => (
              <TraceRowView key={i} row={row} index={i} cpus={view.capture.cpus.length} />
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p className="none">No row differs.</p>}
      </div>
      {view.notes.length > 0 && (
        <details className="trace-notes">
          <summary>
            What was not compared, and what the reader noticed ({view.notes.length})
          </summary>
          <ul>
            {view.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
