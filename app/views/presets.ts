/**
 * Ready-made module sequences, faults and workloads for the controls. Each is
 * plain scenario data, so whatever the controls pick is what links and files carry.
 */
import {
  FAULT_POINT_WORDS,
  FAULT_POINTS,
  MAIL,
  type FaultPoint,
  type ScenarioInput,
  type Vendor,
  type VariantId,
  type WorkloadOp,
} from '../engine/view';

const other = (v: Vendor): Vendor => (v === 'intel' ? 'amd' : 'intel');

export interface ModulesPreset {
  id: string;
  label: string;
  modules(v: Vendor): string[] | undefined;
}

export const MODULE_PRESETS: ModulesPreset[] = [
  { id: 'load', label: 'load kvm, load vendor', modules: () => undefined },
  {
    id: 'load-unload',
    label: 'load, then unload the vendor',
    modules: (v) => ['load kvm', `load kvm_${v}`, `unload kvm_${v}`],
  },
  {
    id: 'swap',
    label: 'vendor swap (unload, load the other)',
    modules: (v) => ['load kvm', `load kvm_${v}`, `unload kvm_${v}`, `load kvm_${other(v)}`],
  },
  {
    id: 'both',
    label: 'load both vendors (-EEXIST)',
    modules: (v) => ['load kvm', `load kvm_${v}`, `load kvm_${other(v)}`],
  },
];

export const FAULT_LABELS = Object.fromEntries(
  FAULT_POINTS.map((p) => [p, `${FAULT_POINT_WORDS[p]} fails`]),
) as Record<FaultPoint, string>;

export interface WorkloadPreset {
  id: string;
  label: string;
  workload: WorkloadOp[];
}

export const WORKLOAD_PRESETS: WorkloadPreset[] = [
  { id: 'none', label: 'no VM', workload: [] },
  {
    id: 'alias',
    label: 'one gfn mapped 20 times (shadow aliasing)',
    workload: [{ op: 'map', gfn: 4096, sptes: 20 }],
  },
  {
    id: 'alias-unmap',
    label: 'map 40, then unmap 25 (one gfn)',
    workload: [
      { op: 'map', gfn: 4096, sptes: 40 },
      { op: 'unmap', gfn: 4096, sptes: 25 },
    ],
  },
  {
    id: 'random-small',
    label: 'random: 20k sptes over 2k gfns, 30% removed',
    workload: [{ op: 'random', seed: 1, gfns: 2048, sptes: 20_000, removePercent: 30 }],
  },
  {
    id: 'random-1m',
    label: 'random: 1M sptes over 64k gfns, 50% removed',
    workload: [{ op: 'random', seed: 1, gfns: 65_536, sptes: 1 << 20, removePercent: 50 }],
  },
  {
    id: 'tdp-like',
    label: 'random: 1M sptes over 1M gfns (TDP-like, 1 per gfn)',
    workload: [{ op: 'random', seed: 7, gfns: 1 << 20, sptes: 1 << 20, removePercent: 0 }],
  },
];

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export const modulesPresetOf = (input: Pick<ScenarioInput, 'vendor' | 'modules'>): string =>
  MODULE_PRESETS.find((p) => same(p.modules(input.vendor), input.modules))?.id ?? 'custom';

export const workloadPresetOf = (input: Pick<ScenarioInput, 'workload'>): string =>
  WORKLOAD_PRESETS.find((p) => same(p.workload, input.workload ?? []))?.id ?? 'custom';

/**
 * The arguments of the review thread the project grew out of, each as a
 * comparison that shows it (see docs/compare.md). Each left scenario names the
 * message it answers, so "Copy as reply" gives a reply in that thread.
 */
export interface ThreadArgument {
  id: string;
  label: string;
  left: ScenarioInput;
  right: VariantId;
}

const intel = (
  kernel: VariantId,
  inReplyTo: string,
  more: Partial<ScenarioInput> = {},
): ScenarioInput => ({ v: 1, kernel, vendor: 'intel', ...more, inReplyTo });

export const THREAD_ARGUMENTS: ThreadArgument[] = [
  {
    id: 'reset-stays-first',
    label: 'The mask reset must stay before vendor setup',
    left: intel('v6.0', MAIL.p2),
    right: 'bad-reset-after-setup',
  },
  {
    id: 'create-after-configure',
    label: 'The caches must be created after kvm_configure_mmu()',
    left: intel('seed-p3', MAIL.p3, { params: { tdp: false } }),
    right: 'bad-create-before-configure',
  },
  {
    id: 'alternative-teardown',
    label: 'The alternative’s cost on teardown (unload kvm_intel)',
    left: intel('seed-p2', MAIL.matlackAlt, {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'],
    }),
    right: 'alt-configure-mmu',
  },
  {
    id: 'alternative-error-path',
    label: 'The alternative’s cost on the error path (hardware_setup() fails)',
    left: intel('seed-p2', MAIL.matlackAlt, { fail: [{ at: 'hardware_setup' }] }),
    right: 'alt-configure-mmu',
  },
  {
    id: 'never-merged',
    label: 'What shipped instead: v7.1 still creates the caches before hardware_setup()',
    left: intel('seed-p2', MAIL.cover),
    right: 'v7.1',
  },
  {
    id: 'alternative-forgotten',
    label: 'What a forgotten kvm_unconfigure_mmu() leaks',
    left: intel('alt-configure-mmu', MAIL.seanReply, {
      modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'],
    }),
    right: 'bad-alt-no-unconfigure',
  },
];
