/**
 * npm run bench — rmap add/remove throughput and peak memory for seeded
 * 1M-, 4M- and 16M-spte random workloads (docs/scenario.md "Workload ops"),
 * for both pte_list_add() algorithms. Each case runs in a fresh process so its
 * peak RSS is its own. Shape: gfns = sptes / 16 (shadow-paging aliasing), seed 1.
 *
 * A random op is applied gfn by gfn, each gfn's adds and then its removals, so
 * the two are not separate phases. The add figures are the same op with nothing
 * removed; the removal figures are what removing 50% adds to that.
 *
 *   npm run bench            all sizes
 *   npm run bench -- 1M 4M   some sizes
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runScenario } from '../app/engine';
import type { RmapAlgorithm } from '../app/engine/model/rmap';
import { VmRuntime } from '../app/engine/run/workload';

const SIZES: Record<string, number> = { '1M': 1 << 20, '4M': 1 << 22, '16M': 1 << 24 };
const ALGORITHMS: [RmapAlgorithm, string][] = [
  ['append', 'v5.15..v6.3 (append)'],
  ['head-insert', 'v6.4+ (head insert)'],
];
const REMOVE_PERCENT = 50;

interface Measurement {
  ms: number;
  peakRssMb: number;
  /** Typed arrays the model holds at the end (ArrayBuffer bytes). */
  modelMb: number;
  descs: number;
  removed: number;
}

const workload = (sptes: number, removePercent: number) => ({
  op: 'random' as const,
  seed: 1,
  gfns: sptes / 16,
  sptes,
  removePercent,
});

/** Child: the rmap model alone (pte_list_add/remove with vCPU top-ups). */
function rmapChild(algorithm: RmapAlgorithm, sptes: number, removePercent: number): Measurement {
  const before = process.memoryUsage().arrayBuffers;
  const vm = new VmRuntime(algorithm, 14, 128);
  const t0 = performance.now();
  for (const _ of vm.run([workload(sptes, removePercent)]));
  const ms = performance.now() - t0;
  const s = vm.summary();
  return {
    ms,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    modelMb: (process.memoryUsage().arrayBuffers - before) / 2 ** 20,
    descs: s.descs,
    removed: sptes - s.sptes - s.recycled,
  };
}

/** Child: the whole engine (module load, trace with checkpoints, checker) on the same workload. */
function engineChild(
  algorithm: RmapAlgorithm,
  sptes: number,
): { ms: number; peakRssMb: number; events: number } {
  const t0 = performance.now();
  const r = runScenario({
    v: 1,
    kernel: algorithm === 'append' ? 'v6.0' : 'v6.6',
    vendor: 'intel',
    params: { tdp: false },
    workload: [workload(sptes, REMOVE_PERCENT)],
  });
  if (!r.ok) throw new Error(r.error);
  return {
    ms: performance.now() - t0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    events: r.value.trace.length,
  };
}

const here = fileURLToPath(import.meta.url);
const [mode, ...rest] = process.argv.slice(2);

if (mode === '--rmap') {
  const [algorithm, size, percent] = rest as [RmapAlgorithm, string, string];
  process.stdout.write(JSON.stringify(rmapChild(algorithm, SIZES[size]!, Number(percent))));
} else if (mode === '--engine') {
  const [algorithm, size] = rest as [RmapAlgorithm, string];
  process.stdout.write(JSON.stringify(engineChild(algorithm, SIZES[size]!)));
} else if (mode === '--baseline') {
  process.stdout.write(JSON.stringify(process.resourceUsage().maxRSS / 1024));
} else {
  const sizes = [mode, ...rest].filter((s): s is string => Boolean(s));
  const wanted = sizes.length ? sizes : Object.keys(SIZES);
  for (const s of wanted)
    if (!SIZES[s]) throw new Error(`unknown size ${s}; use ${Object.keys(SIZES).join(', ')}`);
  const spawn = (args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', here, ...args], { encoding: 'utf8' }),
    ) as unknown;
  const baseline = spawn(['--baseline']) as number;
  console.log(
    `node ${process.version}, ${process.platform}/${process.arch}; process baseline ${baseline.toFixed(0)} MB RSS`,
  );
  console.log(
    `workload: random, seed 1, gfns = sptes/16; add = pte_list_add() per spte incl. vCPU top-up (0% removed);`,
  );
  console.log(
    `remove = what removing ${REMOVE_PERCENT}% adds to the op; total, RSS and descs are the op with ${REMOVE_PERCENT}% removed`,
  );
  console.log(
    'peak RSS includes the Node + tsx baseline; model MB = typed arrays the rmap holds at the end\n',
  );
  const header = [
    'algorithm',
    'sptes',
    'add ms',
    'add Mops/s',
    'add RSS MB',
    'remove ms',
    'remove Mops/s',
    'total s',
    'peak RSS MB',
    'model MB',
    'descs',
    'engine s',
    'engine RSS MB',
  ];
  console.log(header.join('\t'));
  const totals: { size: string; alg: RmapAlgorithm; ms: number }[] = [];
  for (const [alg, label] of ALGORITHMS)
    for (const size of wanted) {
      const add = spawn(['--rmap', alg, size, '0']) as Measurement;
      const m = spawn(['--rmap', alg, size, String(REMOVE_PERCENT)]) as Measurement;
      const e = spawn(['--engine', alg, size]) as { ms: number; peakRssMb: number };
      totals.push({ size, alg, ms: m.ms });
      const n = SIZES[size]!;
      const removeMs = m.ms - add.ms;
      console.log(
        [
          label,
          size,
          add.ms.toFixed(0),
          (n / add.ms / 1000).toFixed(2),
          add.peakRssMb.toFixed(0),
          removeMs.toFixed(0),
          (m.removed / removeMs / 1000).toFixed(2),
          (m.ms / 1000).toFixed(2),
          m.peakRssMb.toFixed(0),
          m.modelMb.toFixed(0),
          m.descs,
          (e.ms / 1000).toFixed(2),
          e.peakRssMb.toFixed(0),
        ].join('\t'),
      );
    }
  const ratio = (alg: RmapAlgorithm) => {
    const a = totals.find((r) => r.alg === alg && r.size === '1M');
    const b = totals.find((r) => r.alg === alg && r.size === '16M');
    return a && b ? (b.ms / a.ms).toFixed(1) : 'n/a';
  };
  console.log(
    `\n16M/1M time ratio (16x the work): append ${ratio('append')}, head insert ${ratio('head-insert')}`,
  );
  console.log('target: 16M sptes in under 3 s and under 256 MB');
}
