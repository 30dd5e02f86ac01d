/**
 * npm run bench:chain — selecting a gfn on the 16M-spte random workload: the
 * worker's chain query (ChainIndex.chainAt) for gfns it has not been asked about,
 * at the end of the run and at a random event, plus the head's history, after the
 * draw index the worker lists while idle (ChainIndex.prepare, timed per slice). Prints
 * median, p95 and max in ms (wall clock, and the process's CPU time, which moves
 * less on a loaded machine), and the process's peak RSS.
 *
 *   npm run bench:chain            16M sptes, 40 gfns
 *   npm run bench:chain -- 1M 20   another size and count
 */
import { loadAllVariants, runScenario } from '../app/engine';
import { ChainIndex } from '../app/engine/chainIndex';
import { mulberry32 } from '../app/engine/model/prng';
import { percentile } from './percentile';

// The eras and the kernels' data load on demand, as in the worker (variants/index.ts, loadVariant).
await loadAllVariants();

const SIZES: Record<string, number> = { '1M': 1 << 20, '4M': 1 << 22, '16M': 1 << 24 };
const sptes = SIZES[process.argv[2] ?? '16M'] ?? 1 << 24;
const queries = Number(process.argv[3] ?? 40);

const t0 = performance.now();
const r = runScenario({
  v: 1,
  kernel: 'v6.6',
  vendor: 'intel',
  params: { tdp: false },
  workload: [{ op: 'random', seed: 1, gfns: sptes / 16, sptes, removePercent: 50 }],
});
if (!r.ok) throw new Error(r.error);
const result = r.value;
const runMs = performance.now() - t0;
const workloadEvents = result.trace.events.filter((e) => e.tick !== undefined).map((e) => e.index);
const pick = mulberry32(7);
const chains = new ChainIndex(result);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// What the worker does while idle after the run: the op's draw index, a slice at a time.
const prepared = { at: performance.now(), cpu: cpuMs(), slices: 0, longest: 0 };
for (const slice = chains.prepare(); ; prepared.slices++) {
  const s = performance.now();
  const done = slice.next().done;
  prepared.longest = Math.max(prepared.longest, performance.now() - s);
  if (done) break;
}
const idle = `index listed while idle: ${(performance.now() - prepared.at).toFixed(0)} ms, ${(cpuMs() - prepared.cpu).toFixed(0)} ms CPU, ${prepared.slices} slices of ≤ ${prepared.longest.toFixed(1)} ms`;
/** Wall and CPU ms of each call, the first call apart. */
const timings = () => ({ wall: [] as number[], cpu: [] as number[] });
const atEnd = timings();
const atEvent = timings();
const history = timings();
let first = '';
const time = (into: ReturnType<typeof timings>, query: () => void) => {
  const [w, c] = [performance.now(), cpuMs()];
  query();
  into.wall.push(performance.now() - w);
  into.cpu.push(cpuMs() - c);
};
for (let i = 0; i <= queries; i++) {
  const gfn = pick() % (sptes / 16);
  time(atEnd, () => chains.chainAt(gfn, workloadEvents.at(-1)!));
  if (i === 0) {
    first = `first ${atEnd.wall.pop()!.toFixed(1)} ms, ${atEnd.cpu.pop()!.toFixed(1)} ms CPU`;
    continue;
  }
  const event = workloadEvents[pick() % workloadEvents.length]!;
  time(atEvent, () => chains.chainAt(pick() % (sptes / 16), event));
  time(history, () => chains.headHistory(gfn));
}
const row = ({ wall, cpu }: ReturnType<typeof timings>) =>
  [wall, cpu]
    .map(
      (xs) =>
        `${percentile(xs, 50).toFixed(2)} / ${percentile(xs, 95).toFixed(2)} / ${Math.max(...xs).toFixed(2)}`,
    )
    .join(' ms   CPU ') + ' ms';
console.log(`random op of ${sptes} sptes over ${sptes / 16} gfns: run ${runMs.toFixed(0)} ms`);
console.log(`${idle}; then the first question ${first}`);
console.log('median / p95 / max of', queries, 'gfns');
console.log(`chain at the end, new gfn:  ${row(atEnd)}`);
console.log(`chain at an event, new gfn: ${row(atEvent)}`);
console.log(`head history, asked gfn:    ${row(history)}`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
