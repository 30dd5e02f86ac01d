/**
 * npm run bench:edits — an ordering edit's share in the engine, per built-in
 * variant: every step of every function body moved one place later (what Alt+↓
 * does in the ordering editor), on Intel and on AMD, each validated, applied, run
 * and checked through createEngineApi() exactly as the worker does, plus a
 * structured clone of the answer (what postMessage() copies). The UI bench times
 * the whole key → painted update in Chromium.
 */
import { VARIANTS, type Edit } from '../app/engine';
import { VARIANT_IDS, type VariantId } from '../app/engine/ids';
import { loadAllVariants } from '../app/engine/variants';
import { createEngineApi } from '../app/worker/api';
import { percentile as pct } from './percentile';

// The eras and the kernels' data load on demand, as in the worker; every variant is edited here.
await loadAllVariants();

/** Alt+↓ on every step that has a step after it. */
function moveEachLater(id: VariantId): Edit[] {
  const edits: Edit[] = [];
  for (const f of Object.values(VARIANTS[id].functions))
    for (let i = 0; i + 1 < f.body.length; i++)
      edits.push({ move: f.body[i]!.id, to: f.name, index: i + 1 });
  return edits;
}

const api = createEngineApi();
let runId = 0;

/** One edit, start to findings; returns ms. */
async function timeEdit(kernel: string, vendor: string, edit: Edit): Promise<number> {
  const t0 = performance.now();
  let done = false;
  await api.run(++runId, { v: 1, kernel, vendor, edits: [edit] }, (m) => {
    structuredClone(m);
    if (m.outcome) done = true;
  });
  if (!done) throw new Error(`no outcome for ${kernel} ${JSON.stringify(edit)}`);
  return performance.now() - t0;
}

async function pass(): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>();
  for (const id of VARIANT_IDS) {
    const ms: number[] = [];
    for (const vendor of ['intel', 'amd'])
      for (const edit of moveEachLater(id)) ms.push(await timeEdit(id, vendor, edit));
    times.set(id, ms);
  }
  return times;
}

await pass(); // warm-up: the JIT, as a page that has been used for a while
const times = await pass();
console.log(`node ${process.version}; edit = move one step one place later, run + check + clone\n`);
console.log(['variant', 'edits', 'median ms', 'p95 ms', 'max ms'].join('\t'));
const all: number[] = [];
for (const [id, ms] of times) {
  all.push(...ms);
  const row = [pct(ms, 50), pct(ms, 95), Math.max(...ms)].map((x) => x.toFixed(2));
  console.log([id, ms.length, ...row].join('\t'));
}
console.log(
  ['all', all.length, pct(all, 50), pct(all, 95), Math.max(...all)]
    .map((x) => (typeof x === 'number' && !Number.isInteger(x) ? x.toFixed(2) : x))
    .join('\t'),
);
console.log('target (the UI bench measures it end to end): edit → updated findings under 16 ms');
