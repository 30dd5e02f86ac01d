/**
 * npm run bench:history — what the value history panel and the findings' edit
 * attribution cost in the engine, in Node:
 *  - valueHistory() (main thread) for a mask, a config value and a kmem cache, on the
 *    16M-spte random workload's trace and on the longest module sequence a scenario
 *    may have (64 operations);
 *  - ChainIndex.headHistory() (worker) for one gfn of the 16M workload, from a fresh
 *    index (the gfn's replay included), and from one that already replayed it;
 *  - attributeFindings() (worker) for 20 and 200 edits (the limit), without and with
 *    the 16M workload.
 */
import {
  ChainIndex,
  loadAllVariants,
  runScenario,
  valueHistory,
  VARIANTS,
  type RunResult,
  type ValueKey,
} from '../app/engine';
import { attributeFindings } from '../app/engine/attribution';
import { LIMITS } from '../app/engine/limits';
import type { Edit, ScenarioInput, WorkloadOp } from '../app/engine/scenario';
import { percentile as pct } from './percentile';

// The eras and the kernels' data load on demand, as in the worker (variants/index.ts, loadVariant).
await loadAllVariants();

const BIG_WORKLOAD: WorkloadOp = {
  op: 'random',
  seed: 1,
  gfns: 1 << 20,
  sptes: 1 << 24,
  removePercent: 50,
};

function mustRun(input: ScenarioInput): RunResult {
  const r = runScenario(input);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Median and max of `reps` timings of `f`, in ms. */
function time(reps: number, f: () => unknown): string {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return `median ${pct(ms, 50).toFixed(2)} ms, max ${Math.max(...ms).toFixed(2)} ms (${reps} runs)`;
}

const KEYS: ValueKey[] = [
  { kind: 'global', name: 'shadow_mmio_mask' },
  { kind: 'global', name: 'tdp_enabled' },
  { kind: 'cache', name: 'pte_list_desc' },
];

function globals(label: string, r: RunResult): void {
  console.log(`${label}: ${r.trace.length} events`);
  for (const key of KEYS) {
    if (key.kind === 'rmap') continue;
    const n = valueHistory(r.trace, key).length;
    console.log(
      `  valueHistory ${key.name} (${n} accesses): ${time(50, () => valueHistory(r.trace, key))}`,
    );
  }
}

/** bad-reset-after-setup's edit, then kvm_arch_hardware_setup()'s last step to the front and back: `n` edits. */
function edits(n: number): Edit[] {
  const step = 'kvm_arch_hardware_setup/perf_callbacks_XSS_CR4_TSC_caps_MSR_list';
  return [
    ...VARIANTS['bad-reset-after-setup'].edits!,
    ...Array.from({ length: n - 1 }, (_, i) => ({
      move: step,
      to: 'kvm_arch_hardware_setup',
      index: i % 2 ? 4 : 0,
    })),
  ];
}

function attribution(label: string, input: ScenarioInput): void {
  const r = mustRun(input);
  const t0 = performance.now();
  const work = attributeFindings(r);
  let slices = 0;
  for (let n = work.next(); !n.done; n = work.next()) slices++;
  const ms = performance.now() - t0;
  console.log(
    `  ${label}: ${r.scenario.edits.length} edits, ${r.findings.length} findings, ${slices} re-runs: ${ms.toFixed(0)} ms (${(ms / slices).toFixed(2)} ms a re-run)`,
  );
}

console.log(`node ${process.version}\n`);
const t0 = performance.now();
const big = mustRun({
  v: 1,
  kernel: 'v6.6',
  vendor: 'intel',
  params: { tdp: false },
  workload: [BIG_WORKLOAD],
});
console.log(`16M-spte random workload run: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
globals('16M-spte random workload (v6.6/Intel, shadow paging)', big);

const swaps = Array.from({ length: (LIMITS.maxModuleOps - 2) / 2 }, () => [
  'unload kvm_intel',
  'load kvm_intel',
]).flat();
globals(
  `${LIMITS.maxModuleOps} module operations (kvm_intel reloaded ${swaps.length / 2} times)`,
  mustRun({
    v: 1,
    kernel: 'v6.6',
    vendor: 'intel',
    modules: ['load kvm', 'load kvm_intel', ...swaps],
  }),
);

const gfn = big.longestChains[0]!;
console.log(`rmap head of gfn ${gfn} (the longest chain) on the 16M workload:`);
console.log(
  `  fresh index (replays the gfn): ${time(5, () => new ChainIndex(big).headHistory(gfn))}`,
);
const warm = new ChainIndex(big);
warm.headHistory(gfn);
console.log(`  history already replayed: ${time(20, () => warm.headHistory(gfn))}`);

console.log('attributeFindings (the worker slices it; a newer run stops it):');
const v60 = { v: 1, kernel: 'v6.0', vendor: 'intel' } as const;
for (const n of [20, LIMITS.maxEdits]) {
  attribution(`v6.0/Intel`, { ...v60, edits: edits(n) });
  attribution(`v6.0/Intel with the 16M workload`, {
    ...v60,
    params: { tdp: false },
    workload: [BIG_WORKLOAD],
    edits: edits(n),
  });
}
