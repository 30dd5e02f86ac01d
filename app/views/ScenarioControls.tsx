import {
  FAULT_POINTS,
  type FaultPoint,
  type Params,
  type ScenarioInput,
  type Vendor,
} from '../engine/view';
import { setInput } from '../state/actions';
import { switchKernel } from '../state/edits';
import { termProps } from './Glossary';
import { MoreParams } from './MoreParams';
import { VariantSelect } from './VariantSelect';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../state/store';
import {
  FAULT_LABELS,
  MODULE_PRESETS,
  modulesPresetOf,
  WORKLOAD_PRESETS,
  workloadPresetOf,
} from './presets';

type BoolParam = 'tdp' | 'eptAD' | 'eptExecOnly' | 'tdpMmu' | 'mmioCaching';
/** Each toggle explains itself with the glossary's entry for its label. */
const TOGGLES: { key: BoolParam; label: string; intelOnly?: boolean }[] = [
  { key: 'tdp', label: 'TDP' },
  { key: 'eptAD', label: 'EPT A/D', intelOnly: true },
  { key: 'eptExecOnly', label: 'exec-only', intelOnly: true },
  { key: 'tdpMmu', label: 'TDP MMU' },
  { key: 'mmioCaching', label: 'MMIO caching' },
];

const setParam = <K extends keyof Params>(key: K, value: Params[K]) =>
  setInput((i) => ({ ...i, params: { ...i.params, [key]: value } }));

function withVendor(i: ScenarioInput, vendor: Vendor): ScenarioInput {
  const preset = MODULE_PRESETS.find((p) => p.id === modulesPresetOf(i));
  const next: ScenarioInput = { ...i, vendor };
  const modules = preset?.modules(vendor);
  if (modules) next.modules = modules;
  else if (preset) delete next.modules;
  return next;
}

export function ScenarioControls() {
  // What the controls show, not the whole input: an ordering edit changes only `edits`.
  const input = useAppStore(
    useShallow(({ input: i }) => ({
      kernel: i.kernel,
      vendor: i.vendor,
      params: i.params,
      fail: i.fail,
      modules: i.modules,
      workload: i.workload,
    })),
  );
  const params = input.params ?? {};
  const fault = input.fail?.[0]?.at ?? '';
  const modulesPreset = modulesPresetOf(input);
  const workloadPreset = workloadPresetOf(input);
  return (
    <div className="controls">
      <label>
        Kernel variant
        <VariantSelect label="Kernel variant" value={input.kernel} onChange={switchKernel} />
      </label>
      <label>
        Vendor
        <select
          aria-label="Vendor"
          value={input.vendor}
          onChange={(e) => setInput((i) => withVendor(i, e.target.value as Vendor))}
        >
          <option value="intel">Intel (kvm_intel)</option>
          <option value="amd">AMD (kvm_amd)</option>
        </select>
      </label>
      <label>
        Modules
        <select
          aria-label="Modules"
          value={modulesPreset}
          onChange={(e) => {
            const preset = MODULE_PRESETS.find((p) => p.id === e.target.value)!;
            setInput((i) => {
              const { modules: _drop, ...rest } = i;
              const modules = preset.modules(i.vendor);
              return modules ? { ...rest, modules } : rest;
            });
          }}
        >
          {MODULE_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          {modulesPreset === 'custom' && (
            <option value="custom">custom: {(input.modules ?? []).join(', ')}</option>
          )}
        </select>
      </label>
      <label>
        Fault
        <select
          aria-label="Fault"
          value={fault}
          onChange={(e) =>
            setInput((i) => ({
              ...i,
              fail: e.target.value ? [{ at: e.target.value as FaultPoint }] : [],
            }))
          }
        >
          <option value="">none</option>
          {FAULT_POINTS.map((p) => (
            <option key={p} value={p}>
              {FAULT_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Workload
        <select
          aria-label="Workload"
          value={workloadPreset}
          onChange={(e) =>
            setInput((i) => ({
              ...i,
              workload: WORKLOAD_PRESETS.find((p) => p.id === e.target.value)!.workload,
            }))
          }
        >
          {WORKLOAD_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          {workloadPreset === 'custom' && <option value="custom">custom</option>}
        </select>
      </label>
      <div className="toggles" role="group" aria-label="Parameters">
        {TOGGLES.map((t) => {
          const { onPointerEnter, onPointerLeave, ...onInput } = termProps(t.label, (el) =>
            el.closest('label'),
          );
          return (
            <label key={t.key} onPointerEnter={onPointerEnter} onPointerLeave={onPointerLeave}>
              <input
                type="checkbox"
                checked={params[t.key] ?? true}
                disabled={t.intelOnly && input.vendor !== 'intel'}
                onChange={(e) => setParam(t.key, e.target.checked)}
                {...onInput}
              />
              {t.label}
            </label>
          );
        })}
        <MoreParams />
      </div>
    </div>
  );
}
