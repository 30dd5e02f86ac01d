import { memo, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  hex,
  setBits,
  type ConfigValue,
  type Origin,
  type PagingFormat,
  type Scenario,
} from '../../engine/view';
import { configShown, fieldOf, LEGEND } from '../../engine/viewDetails';
import {
  selectChangedKeys,
  selectConfig,
  selectEvent,
  selectMasks,
  selectMaskWriter,
  selectPagingFormat,
} from '../../state/selectors';
import { useAppStore } from '../../state/store';
import {
  bitX,
  createBitStrip,
  STRIP_HEIGHT,
  STRIP_WIDTH,
  type BitStripView,
} from '../../viz/bitStrip';
import { openDialog } from '../../state/actions';
import { pickOnRowClick, ValuePick } from '../history/ValuePick';
import { motionScale } from '../motion';
import './masks.css';

/** The fields of the bits that are set, one line each: the strip's tooltip and its expanded list. */
function describeBits(value: bigint, format: PagingFormat): string[] {
  const bits = setBits(value);
  if (!bits.length) return ['no bits set'];
  const fields = new Map<string, number[]>();
  for (const b of bits) {
    const f = fieldOf(format, b);
    fields.set(f.title, [...(fields.get(f.title) ?? []), b]);
  }
  return [...fields].map(([title, bs]) =>
    bs.length > 1 ? `${title} (bits ${bs.join(', ')})` : title,
  );
}

/** A kernel name that may wrap after its underscores rather than be cut off. */
const breakable = (name: string) =>
  name.split(/(?<=_)/).flatMap((part, i) => (i ? [<wbr key={i} />, part] : [part]));

export const WRITER_LABEL: Record<Origin, string> = {
  reset: 'reset',
  vmx: 'VMX',
  svm: 'SVM',
  common: 'load',
};

const MaskRow = memo(function MaskRow(props: {
  name: string;
  value: bigint;
  changed: bigint;
  format: PagingFormat;
  writer: Origin | null;
}) {
  const ref = useRef<SVGSVGElement>(null);
  const view = useRef<BitStripView | null>(null);
  const first = useRef(true);
  useLayoutEffect(() => {
    view.current ??= createBitStrip(ref.current!);
    view.current.update(props.value, props.changed, !first.current && motionScale() > 0);
    first.current = false;
  }, [props.value, props.changed]);
  const setFields = useMemo(
    () => describeBits(props.value, props.format),
    [props.value, props.format],
  );
  // The hex value is the row; its bits, by field, open on demand (on a phone the strip too).
  const [open, setOpen] = useState(false);
  const bitsId = useId();
  return (
    <div
      role="row"
      className={`mask-row${props.changed ? ' changed' : ''}${open ? ' open' : ''}`}
      data-mask={props.name}
      onClick={pickOnRowClick({ kind: 'global', name: props.name })}
    >
      <span role="rowheader" className="mask-name">
        <button
          type="button"
          className="bits-toggle"
          aria-expanded={open}
          aria-controls={bitsId}
          aria-label={`Bits of ${props.name}`}
          onClick={() => setOpen(!open)}
        />
        <ValuePick value={{ kind: 'global', name: props.name }} term={props.name}>
          {breakable(props.name)}
        </ValuePick>
      </span>
      <span role="cell" className="mask-bits" id={bitsId} title={setFields.join('\n')}>
        {open && <Ruler format={props.format} />}
        <svg
          ref={ref}
          width={STRIP_WIDTH}
          height={STRIP_HEIGHT}
          viewBox={`0 0 ${STRIP_WIDTH} ${STRIP_HEIGHT}`}
          aria-hidden="true"
          className="bits"
        />
        {open && (
          <ul className="mask-fields">
            {setFields.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        )}
      </span>
      <span role="cell" className="mask-hex">
        {hex(props.value)}
      </span>
      <span role="cell">
        {props.writer && (
          <span className={`badge ${props.writer}`} title="last written by">
            {WRITER_LABEL[props.writer]}
          </span>
        )}
      </span>
    </div>
  );
});

function Ruler({ format }: { format: PagingFormat }) {
  return (
    <svg
      width={STRIP_WIDTH}
      height={14}
      viewBox={`0 0 ${STRIP_WIDTH} 14`}
      aria-hidden="true"
      className="ruler"
    >
      {LEGEND[format].map((f) => {
        const x0 = bitX(f.hi);
        const x1 = bitX(f.lo) + 5;
        const wide = x1 - x0 >= f.short.length * 5;
        return (
          <g key={f.hi}>
            <title>{f.title}</title>
            <line x1={x0} x2={x1} y1={13} y2={13} stroke="var(--muted)" />
            {wide && (
              <text x={(x0 + x1) / 2} y={10} textAnchor="middle">
                {f.short}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function MaskRowConnected(props: {
  name: string;
  value: bigint;
  changed: bigint;
  format: PagingFormat;
}) {
  const writer = useAppStore((s) => selectMaskWriter(s, props.name)?.origin ?? null);
  return <MaskRow {...props} writer={writer} />;
}

const show = (v: ConfigValue | undefined) =>
  v === null || v === undefined ? '—' : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);

/** Memoised: most steps change no config, and its 20-odd rows are terms with history pickers. */
const ConfigList = memo(function ConfigList({
  config,
  changed,
  modules,
}: {
  config: Record<string, ConfigValue>;
  /** The keys this step changed, space-separated (selectChangedKeys). */
  changed: string;
  modules: Scenario['modules'] | undefined;
}) {
  const changedKeys = new Set(changed.split(' '));
  return (
    <dl className="config">
      {Object.entries(config)
        .filter(([k]) => configShown(k, modules ?? []))
        .map(([k, v]) => (
          <div
            key={k}
            className={changedKeys.has(k) ? 'changed' : undefined}
            data-config={k}
            onClick={pickOnRowClick({ kind: 'global', name: k })}
          >
            <dt>
              <ValuePick value={{ kind: 'global', name: k }} term={k}>
                {k}
              </ValuePick>
            </dt>
            <dd>{show(v)}</dd>
          </div>
        ))}
    </dl>
  );
});

export function MasksPane({ className }: { className: string }) {
  const masks = useAppStore(selectMasks);
  const config = useAppStore(selectConfig);
  const event = useAppStore(selectEvent);
  const format = useAppStore(selectPagingFormat);
  // Vendor module params exist only for vendors this scenario loads.
  const modules = useAppStore((s) => s.run.scenario?.modules);
  const changedConfig = useAppStore((s) => selectChangedKeys(s, 'config'));
  const changedMasks = useMemo(() => {
    const masks = new Map<string, bigint>();
    for (const c of event?.changes ?? [])
      if (c.section === 'masks')
        masks.set(c.key, ((c.before as bigint | undefined) ?? 0n) ^ (c.after as bigint));
    return masks;
  }, [event]);
  return (
    <section className={`panel masks ${className}`} aria-label="PTE masks">
      <h2>
        PTE masks
        <span className="aside">
          bits as {format === 'ept' ? 'EPT entries' : 'x86 page-table entries'}
          <button type="button" className="legend-button" onClick={() => openDialog('legend')}>
            Colours and animations
          </button>
        </span>
      </h2>
      {!masks || !config ? (
        <p>Waiting for the engine…</p>
      ) : (
        <>
          <div role="table" aria-label="shadow_* masks" className="mask-table">
            <div role="row" className="mask-row head">
              <span role="columnheader">global</span>
              <span role="columnheader">
                <span className="visually-hidden">bits 63 to 0</span>
                <Ruler format={format} />
              </span>
              <span role="columnheader">value</span>
              <span role="columnheader">by</span>
            </div>
            {Object.entries(masks).map(([name, value]) => (
              <MaskRowConnected
                key={name}
                name={name}
                value={value}
                changed={changedMasks.get(name) ?? 0n}
                format={format}
              />
            ))}
          </div>
          <p className="legend">
            {LEGEND[format]
              .map((f) => `${f.short} ${f.hi === f.lo ? f.hi : `${f.hi}:${f.lo}`}`)
              .join(' · ')}
          </p>
          <h3>MMU config</h3>
          <ConfigList config={config} changed={changedConfig} modules={modules} />
        </>
      )}
    </section>
  );
}
