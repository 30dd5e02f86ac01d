import { useState } from 'react';
import { DEFAULT_PARAM_VALUES, type Params } from '../engine/view';
import { setInput } from '../state/actions';
import { useAppStore } from '../state/store';

type NumberKey = 'physBits' | 'mktmeKeyIdBits' | 'smeCBit' | 'smePhysReduction' | 'hostCpus';
type FlagKey = 'l1tf' | 'sme' | 'sevEs' | 'tdx' | 'fiveLevel' | 'gbpages' | 'itlbMultihit';

const NUMBERS: { key: NumberKey; label: string; min: number; max: number; title: string }[] = [
  {
    key: 'physBits',
    label: 'MAXPHYADDR',
    min: 36,
    max: 52,
    title: 'host physical address bits (CPUID 0x80000008)',
  },
  {
    key: 'mktmeKeyIdBits',
    label: 'KeyID bits',
    min: 0,
    max: 15,
    title: 'Intel MKTME/TDX KeyID bits',
  },
  { key: 'smeCBit', label: 'C-bit', min: 32, max: 51, title: 'AMD SME C-bit position' },
  {
    key: 'smePhysReduction',
    label: 'PA reduction',
    min: 0,
    max: 15,
    title: 'AMD: address bits lost to memory encryption',
  },
  { key: 'hostCpus', label: 'CPUs', min: 1, max: 8192, title: 'present CPUs (SLUB slab order)' },
];
const FLAGS: { key: FlagKey; label: string; title: string }[] = [
  { key: 'l1tf', label: 'L1TF bug', title: 'CPU has X86_BUG_L1TF' },
  { key: 'sme', label: 'SME', title: 'AMD memory encryption active' },
  { key: 'sevEs', label: 'SEV-ES', title: 'AMD SEV-ES requested' },
  { key: 'tdx', label: 'TDX', title: 'kvm_intel.tdx (v6.19 and v7.1: the kernels with TDX)' },
  { key: 'fiveLevel', label: '5-level', title: '5-level EPT / host paging' },
  { key: 'gbpages', label: '1G pages', title: 'host has GBPAGES (shadow paging)' },
  { key: 'itlbMultihit', label: 'iTLB multihit', title: 'nx_huge_pages=auto resolves to on' },
];

function NumberParam({ spec, value }: { spec: (typeof NUMBERS)[number]; value: number }) {
  const [text, setText] = useState(String(value));
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setText(String(value));
  }
  const valid = /^\d+$/.test(text) && Number(text) >= spec.min && Number(text) <= spec.max;
  return (
    <label title={spec.title}>
      {spec.label}
      <input
        type="number"
        min={spec.min}
        max={spec.max}
        value={text}
        aria-invalid={!valid}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          if (/^\d+$/.test(e.target.value) && n >= spec.min && n <= spec.max)
            setInput((i) => ({ ...i, params: { ...i.params, [spec.key]: n } }));
        }}
      />
    </label>
  );
}

/** The machine's parameters past the vendor's: its own chunk, loaded when the section first opens. */
export function MoreParamsBody() {
  const params = useAppStore((s) => s.input.params) ?? {};
  const value = <K extends keyof Params>(k: K): Params[K] =>
    ((params as Partial<Params>)[k] ?? DEFAULT_PARAM_VALUES[k]) as Params[K];
  return (
    <div className="more-params-body">
      {NUMBERS.map((n) => (
        <NumberParam key={n.key} spec={n} value={value(n.key)} />
      ))}
      <label title="largest page EPT can map">
        EPT pages
        <select
          aria-label="EPT large pages"
          value={value('eptLargePages')}
          onChange={(e) =>
            setInput((i) => ({
              ...i,
              params: { ...i.params, eptLargePages: e.target.value as Params['eptLargePages'] },
            }))
          }
        >
          <option value="1G">1G</option>
          <option value="2M">2M</option>
          <option value="4K">4K</option>
        </select>
      </label>
      {FLAGS.map((f) => (
        <label key={f.key} title={f.title}>
          <input
            type="checkbox"
            checked={value(f.key)}
            onChange={(e) =>
              setInput((i) => ({ ...i, params: { ...i.params, [f.key]: e.target.checked } }))
            }
          />
          {f.label}
        </label>
      ))}
    </div>
  );
}
