/**
 * npm run bench — the engine's seeded random workload against a C reference
 * (scripts/rmap-ref.c, built here with gcc -O2) that applies the same op with
 * the same two pte_list_add() algorithms in the same gfn-by-gfn order: the
 * engine's time over C's per size, its peak RSS, and whether both reach the
 * same rmaps (heads, sptes, descriptors, bytes, recycled, the vCPU cache and a
 * checksum over every chain; any difference fails the bench). Shape: gfns =
 * sptes / 16 (shadow-paging aliasing), seed 1, 50% removed.
 *
 * Each run is its own process, engine and C taken in turn (E C E C …), so a
 * slow spell of the machine hits both; the table shows min, median and max,
 * and engine ÷ C pair by pair. "whole run" is runScenario() on the same
 * workload (module load, trace with checkpoints, checker), once per case.
 *
 *   npm run bench                 all sizes
 *   npm run bench -- 1M 4M        some sizes
 *   npm run bench -- --runs 5 16M more runs
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAllVariants, runScenario } from '../app/engine';
import type { PteListStore, RmapAlgorithm } from '../app/engine/model/rmap';
import { VmRuntime } from '../app/engine/run/workload';
import { percentile } from './percentile';

// The eras and the kernels' data load on demand, as in the worker (variants/index.ts, loadVariant).
await loadAllVariants();

const SIZES: Record<string, number> = { '1M': 1 << 20, '4M': 1 << 22, '16M': 1 << 24 };
const RUNS: Record<string, number> = { '1M': 7, '4M': 5, '16M': 3 };
const ALGORITHMS: [RmapAlgorithm, string][] = [
  ['append', 'append (v5.15..v6.3)'],
  ['head-insert', 'head insert (v6.4+)'],
];
const SEED = 1;
const REMOVE_PERCENT = 50;
/** pte_list_desc objects of 128 bytes (16-byte header + PTE_LIST_EXT 8-byte pointers). */
const DESC_BYTES = 128;
const TARGETS: Record<string, number> = { '1M': 2, '16M': 1.5 };
const RSS_TARGET_MB = 256;

/** What both implementations must agree on, exactly. */
interface RmapResult {
  heads: number;
  sptes: number;
  descs: number;
  bytes: number;
  recycled: number;
  vcpuCacheDescs: number;
  vcpuCachePageHeaders: number;
  checksum: number;
}

interface Measurement {
  ms: number;
  /** CPU time of the op, every thread of the process. */
  cpuMs: number;
  peakRssMb: number;
  result: RmapResult;
}

/** The engine's: also the same op run again in the same process, its code already compiled. */
interface EngineMeasurement extends Measurement {
  warmMs: number;
}

const op = (sptes: number) => ({
  op: 'random' as const,
  seed: SEED,
  gfns: sptes / 16,
  sptes,
  removePercent: REMOVE_PERCENT,
});

/** FNV-1a over 32-bit words, as rmap-ref.c computes it. */
const fnv = (h: number, x: number) => Math.imul(h ^ x, 16777619) >>> 0;

/** Every chain in gfn order: the gfn, then its spte, or each descriptor's counts and slots. */
function checksum(store: PteListStore, gfns: number): number {
  let h = 2166136261;
  for (let gfn = 0; gfn < gfns; gfn++) {
    const c = store.chain(gfn);
    if (c.form === 'empty') continue;
    h = fnv(h, gfn);
    if (c.form === 'single') {
      h = fnv(h, c.spte);
      continue;
    }
    for (const d of c.descs) {
      h = fnv(fnv(h, d.count), d.tail);
      for (let i = 0; i < d.count; i++) h = fnv(h, d.slots[i]!);
    }
  }
  return h;
}

/** The op on a fresh VmRuntime (as the trace machine drives it): wall and CPU ms. */
function timeOp(algorithm: RmapAlgorithm, sptes: number) {
  const vm = new VmRuntime(algorithm, 14, DESC_BYTES);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const _ of vm.run([op(sptes)]));
  const cpu = process.cpuUsage(c0);
  return { vm, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Child: the engine's rmap model on the op, then the op again (warm). */
function engineChild(algorithm: RmapAlgorithm, sptes: number): EngineMeasurement {
  const { vm, ms, cpuMs } = timeOp(algorithm, sptes);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const s = vm.summary();
  const result = {
    heads: s.heads,
    sptes: s.sptes,
    descs: s.descs,
    bytes: s.bytes,
    recycled: s.recycled,
    vcpuCacheDescs: s.vcpuCacheDescs,
    vcpuCachePageHeaders: s.vcpuCachePageHeaders,
    checksum: checksum(vm.store, sptes / 16),
  };
  return { ms, cpuMs, peakRssMb, result, warmMs: timeOp(algorithm, sptes).ms };
}

/** Child: the whole engine (module load, trace with checkpoints, checker) on the same workload. */
function wholeRunChild(algorithm: RmapAlgorithm, sptes: number) {
  const t0 = performance.now();
  const r = runScenario({
    v: 1,
    kernel: algorithm === 'append' ? 'v6.0' : 'v6.6',
    vendor: 'intel',
    params: { tdp: false },
    workload: [op(sptes)],
  });
  if (!r.ok) throw new Error(r.error);
  return { ms: performance.now() - t0, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

const here = fileURLToPath(import.meta.url);
const [mode, ...rest] = process.argv.slice(2);

if (mode === '--engine') {
  const [algorithm, size] = rest as [RmapAlgorithm, string];
  process.stdout.write(JSON.stringify(engineChild(algorithm, SIZES[size]!)));
} else if (mode === '--whole') {
  const [algorithm, size] = rest as [RmapAlgorithm, string];
  process.stdout.write(JSON.stringify(wholeRunChild(algorithm, SIZES[size]!)));
} else {
  const { values, positionals } = parseArgs({
    options: { runs: { type: 'string' } },
    allowPositionals: true,
  });
  const wanted = positionals.length ? positionals : Object.keys(SIZES);
  for (const s of wanted)
    if (!SIZES[s]) throw new Error(`unknown size ${s}; use ${Object.keys(SIZES).join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'rmap-ref-'));
  const ref = join(dir, 'rmap-ref');
  try {
    execFileSync('gcc', [
      '-O2',
      '-o',
      ref,
      fileURLToPath(new URL('rmap-ref.c', import.meta.url)),
      '-lm',
    ]);
    main(wanted, values.runs ? Number(values.runs) : null, ref);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

function main(sizes: string[], runs: number | null, ref: string): void {
  const node = (args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', here, ...args], { encoding: 'utf8' }),
    ) as unknown;
  const c = (alg: RmapAlgorithm, sptes: number) =>
    JSON.parse(
      execFileSync(ref, [alg, sptes, sptes / 16, SEED, REMOVE_PERCENT, DESC_BYTES].map(String), {
        encoding: 'utf8',
      }),
    ) as Measurement;
  const range = (xs: number[], digits: number) =>
    `${Math.min(...xs).toFixed(digits)} / ${percentile(xs, 50).toFixed(digits)} / ${Math.max(...xs).toFixed(digits)}`;

  console.log(
    `node ${process.version}, ${execFileSync('gcc', ['-dumpfullversion']).toString().trim()} -O2, ${process.platform}/${process.arch}`,
  );
  console.log(
    `random op, seed ${SEED}, gfns = sptes/16, ${REMOVE_PERCENT}% removed; engine = VmRuntime in Node (tsx), C = scripts/rmap-ref.c;`,
  );
  console.log(
    'each run a fresh process, engine and C in turn; ms is the op alone (wall), min / median / max; ÷ is pair by pair',
  );
  console.log(
    "CPU ÷: CPU time (the engine's with its GC and compiler threads); warm ÷: the same op again in the engine's process;",
  );
  console.log(
    'peak RSS is the whole process (Node + tsx ≈ 100 MB of it); whole run = runScenario() on the same workload\n',
  );
  console.log(
    [
      'algorithm',
      'sptes',
      'runs',
      'engine ms',
      'C ms',
      'engine ÷ C',
      'target',
      'CPU ÷',
      'warm ÷',
      'engine RSS MB',
      'C RSS MB',
      'descs',
      'whole run s',
      'whole RSS MB',
    ].join('\t'),
  );
  const misses: string[] = [];
  for (const [alg, label] of ALGORITHMS)
    for (const size of sizes) {
      const n = SIZES[size]!;
      const engine: EngineMeasurement[] = [];
      const ref: Measurement[] = [];
      for (let r = 0; r < (runs ?? RUNS[size]!); r++) {
        engine.push(node(['--engine', alg, size]) as EngineMeasurement);
        ref.push(c(alg, n));
      }
      const expected = JSON.stringify(ref[0]!.result);
      for (const m of [...engine, ...ref])
        if (JSON.stringify(m.result) !== expected)
          throw new Error(
            `${label} ${size}: the engine and C disagree:\n  C      ${expected}\n  engine ${JSON.stringify(m.result)}`,
          );
      const ratios = engine.map((e, i) => e.ms / ref[i]!.ms);
      const cpuRatios = engine.map((e, i) => e.cpuMs / ref[i]!.cpuMs);
      const warmRatios = engine.map((e, i) => e.warmMs / ref[i]!.ms);
      const whole = node(['--whole', alg, size]) as { ms: number; peakRssMb: number };
      const target = TARGETS[size];
      const rss = Math.max(...engine.map((e) => e.peakRssMb));
      if (target && percentile(ratios, 50) > target)
        misses.push(
          `${label} ${size}: engine ÷ C ${percentile(ratios, 50).toFixed(2)} > ${target}`,
        );
      if (rss >= RSS_TARGET_MB) misses.push(`${label} ${size}: peak RSS ${rss.toFixed(0)} MB`);
      console.log(
        [
          label,
          size,
          engine.length,
          range(
            engine.map((e) => e.ms),
            0,
          ),
          range(
            ref.map((e) => e.ms),
            0,
          ),
          range(ratios, 2),
          target ? `≤ ${target}` : '—',
          range(cpuRatios, 2),
          range(warmRatios, 2),
          range(
            engine.map((e) => e.peakRssMb),
            0,
          ),
          percentile(
            ref.map((e) => e.peakRssMb),
            50,
          ).toFixed(0),
          ref[0]!.result.descs,
          (whole.ms / 1000).toFixed(2),
          whole.peakRssMb.toFixed(0),
        ].join('\t'),
      );
    }
  console.log(
    '\nresults identical (heads, sptes, descs, bytes, recycled, vCPU cache, chain checksum)',
  );
  console.log(
    `targets: engine ÷ C ≤ 2 at 1M and ≤ 1.5 at 16M (median), peak RSS < ${RSS_TARGET_MB} MB: ${misses.length ? `not met: ${misses.join('; ')}` : 'met'}`,
  );
}
