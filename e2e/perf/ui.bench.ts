/**
 * UI benchmark (npm run bench:ui), not a test: prints numbers for docs/performance.md.
 *  1. Step forward: click → next paint, median and p95 over 200 steps at reading
 *     pace, and the same for 200 presses of → as fast as they come (holding it).
 *  2. Playing a 1M-spte workload: the longest main-thread task (Long Tasks API) and
 *     the longest gap between animation frames, from choosing the workload to the end.
 */
import { writeFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { linkTo, test } from '../fixtures';
import { percentile as pct } from '../../scripts/percentile';
import { printTargets } from './targets';

// Playwright's trace recorder captures frames and slows presentation several-fold: off for measuring.
test.use({ trace: 'off', screenshot: 'off' });

/** Clicks at reading pace: longer apart than the views' longest animation (450 ms). */
const READING_MS = 500;

interface Inputs {
  /** The event the browser reports: a click on a button or a key pressed. */
  type: 'click' | 'keydown';
  /** Sends one input. */
  send: () => Promise<void>;
  /** Whether the next input would do nothing (the end of the trace); not measured. */
  exhausted: () => Promise<boolean>;
  /** Brings the next input back to something to do (Home). */
  rewind: () => Promise<void>;
  /** At least this long from one input to the next (0: as fast as the driver goes). */
  paceMs?: number;
}

/**
 * Sends `n` inputs, one at a time, and returns per input: input → next paint by
 * Event Timing (the browser's own figure, reported only from 16 ms; the others
 * count as 15), input → rAF → next task (ends before the compositor), and the
 * app's own main-thread work: the input's handling plus the frame after it, without
 * the idle wait for that frame (which no page can shorten: see the floor).
 */
async function measureInputs(page: Page, n: number, inputs: Inputs) {
  await page.evaluate((type) => {
    const w = window as unknown as { __lat: number[]; __et: number[]; __own: number[] };
    w.__lat = [];
    w.__et = [];
    w.__own = [];
    let handled = 0;
    // Last on the event's path, so the app's handlers and React's commit are done.
    // A click's own style and layout pass, which Blink runs after this and before the
    // frame, is not counted: stepCpu.bench.ts counts it (by thread time).
    window.addEventListener(type, () => (handled = performance.now()));
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => {
        if (e.name === type) w.__et.push(e.duration);
      }),
    ).observe({ type: 'event', durationThreshold: 16, buffered: false } as PerformanceObserverInit);
    document.addEventListener(
      type,
      (e) => {
        const t0 = e.timeStamp;
        const start = performance.now();
        // rAF runs just before the frame is painted; the task after it runs once it is.
        requestAnimationFrame(() => {
          const frame = performance.now();
          setTimeout(() => {
            const end = performance.now();
            w.__lat.push(end - t0);
            w.__own.push(handled - start + (end - frame));
          }, 0);
        });
      },
      true,
    );
  }, inputs.type);
  // Each sample is recorded before the next input, so the test driver's own work
  // in the page never overlaps a measurement.
  let last = 0;
  for (let i = 0; i < n; i++) {
    if (await inputs.exhausted()) await inputs.rewind();
    const wait = last + (inputs.paceMs ?? 0) - Date.now();
    if (wait > 0) await page.waitForTimeout(wait);
    last = Date.now();
    await inputs.send();
    await page.waitForFunction(
      (k) => (window as unknown as { __lat: number[] }).__lat.length >= k,
      i + 1,
    );
  }
  const { lat, own } = await page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __own: number[] };
    return { lat: w.__lat, own: w.__own };
  });
  const slow = await page.evaluate(() => (window as unknown as { __et: number[] }).__et);
  const eventTiming = [...slow, ...Array<number>(Math.max(0, lat.length - slow.length)).fill(15)];
  return {
    samples: lat.length,
    eventTiming: {
      over16ms: slow.length,
      medianMs: pct(eventTiming, 50),
      p95Ms: pct(eventTiming, 95),
      maxMs: Math.max(...eventTiming),
    },
    rafEstimate: { medianMs: pct(lat, 50), p95Ms: pct(lat, 95), maxMs: Math.max(...lat) },
    ownWork: { medianMs: pct(own, 50), p95Ms: pct(own, 95), maxMs: Math.max(...own) },
  };
}

/** Clicks on `target`, as a person does (reading pace) or as fast as the driver goes. */
async function clicks(
  target: Locator,
  paceMs: number,
  rewind = () => Promise.resolve(),
): Promise<Inputs> {
  const button = (await target.elementHandle())!;
  return {
    type: 'click',
    send: () => button.click(),
    exhausted: () => button.isDisabled(),
    rewind,
    paceMs,
  };
}

test('step-forward latency and long tasks', async ({ app, page }) => {
  test.setTimeout(240_000);
  // The floor: the same clicks in the same browser on a page that only changes one number.
  await page.setContent(
    '<button id="b">Step forward</button> <output id="o">0</output>' +
      '<script>let n = 0; b.onclick = () => { o.textContent = ++n; };</script>',
  );
  const floor = await measureInputs(page, 200, await clicks(page.locator('#b'), 0));
  await app.open();
  await app.choose('Workload', 'alias-unmap');
  const home = () => page.keyboard.press('Home'); // wrap around
  // A person stepping and looking: each step's animations play out (views/motion.ts).
  const stepForward = await measureInputs(
    page,
    200,
    await clicks(app.button('Step forward'), READING_MS, home),
  );
  // Holding →: steps come faster than an animation could be seen and are drawn at once.
  await home();
  const steps = Number((await app.position.textContent())!.match(/\/ (\d+)/)![1]);
  let pressed = 0;
  const holdingRight = await measureInputs(page, 200, {
    type: 'keydown',
    send: () => page.keyboard.press('ArrowRight'),
    // Counted, not read from the page: a round trip per press would slow the presses down.
    exhausted: async () => pressed++ % steps === steps - 1,
    rewind: () => app.button('Restart').click(), // a click: not counted among the keys
  });

  // Long tasks: while the 1M-spte run streams in from the worker, then while it plays.
  const observe = () =>
    page.evaluate(() => {
      const w = window as unknown as {
        __long: number[];
        __gap: number;
        __obs?: PerformanceObserver;
        __raf?: number;
      };
      w.__obs?.disconnect();
      if (w.__raf) cancelAnimationFrame(w.__raf);
      w.__long = [];
      w.__gap = 0;
      w.__obs = new PerformanceObserver((list) =>
        list.getEntries().forEach((e) => w.__long.push(e.duration)),
      );
      w.__obs.observe({ type: 'longtask' });
      let last = performance.now();
      const frame = (t: number) => {
        w.__gap = Math.max(w.__gap, t - last);
        last = t;
        w.__raf = requestAnimationFrame(frame);
      };
      w.__raf = requestAnimationFrame(frame);
    });
  const collect = () =>
    page.evaluate(() => {
      const w = window as unknown as { __long: number[]; __gap: number };
      return {
        longTasks: w.__long.length,
        longestTaskMs: w.__long.length ? Math.max(...w.__long) : 0,
        longestFrameGapMs: w.__gap,
      };
    });
  await observe();
  const t0 = Date.now();
  await app.choose('Workload', 'random-1m');
  const runMs = Date.now() - t0;
  const streaming = await collect();
  await page.getByLabel('Speed').selectOption('64');
  await app.page.keyboard.press('Home');
  await observe();
  await app.button('Play').click();
  await app.button('Play').waitFor({ timeout: 120_000 });
  const playing = await collect();
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const result = {
    stepForward,
    holdingRight,
    floor,
    // How many times the floor's click → paint a step takes (rAF estimate, the finer clock).
    overFloor: {
      median: ratio(stepForward.rafEstimate.medianMs, floor.rafEstimate.medianMs),
      p95: ratio(stepForward.rafEstimate.p95Ms, floor.rafEstimate.p95Ms),
    },
    run1M: { runMs, ...streaming },
    play1M: playing,
  };
  printTargets([
    [
      'step at reading pace, own work p95 ms',
      stepForward.ownWork.p95Ms,
      '≤ 8',
      stepForward.ownWork.p95Ms <= 8,
    ],
    [
      'holding →, own work p95 ms',
      holdingRight.ownWork.p95Ms,
      '≤ 8',
      holdingRight.ownWork.p95Ms <= 8,
    ],
    [
      'step, Event Timing p95 ms over the floor’s',
      stepForward.eventTiming.p95Ms - floor.eventTiming.p95Ms,
      '0: no extra frame',
      stepForward.eventTiming.p95Ms <= floor.eventTiming.p95Ms,
    ],
    ['1M run streaming, tasks over 50 ms', streaming.longTasks, '0', streaming.longTasks === 0],
    ['1M run playing, tasks over 50 ms', playing.longTasks, '0', playing.longTasks === 0],
  ]);
  console.log(JSON.stringify(result, null, 2));
  writeFileSync('test-results/ui-bench.json', JSON.stringify(result, null, 2));
});

/** The ordering editor's row for ops->hardware_setup(), which the edits move. */
const EDITED_STEP = 'kvm_arch_hardware_setup/ops->hardware_setup';

/**
 * Presses keys on ops->hardware_setup() in the ordering editor and measures, per key,
 * keydown → the watched element reporting a new finished result → the next frame, and
 * keydown → that result in the DOM (the mutation's microtask, once the commit is done).
 * ops->hardware_setup() moves twice later (past kvm_mmu_hardware_setup(): the WARN
 * and -EIO appear), then both moves are undone: four edits per round.
 */
async function measureEdits(page: Page, watch: { selector: string; attrs: string[] }) {
  await page.evaluate(({ selector, attrs }) => {
    const w = window as unknown as { __edit: number[]; __inDom: number[]; __t0: number | null };
    w.__edit = [];
    w.__inDom = [];
    w.__t0 = null;
    document.addEventListener('keydown', (e) => (w.__t0 = e.timeStamp), true);
    const el = document.querySelector<HTMLElement>(selector)!;
    // The first attribute says "done"; together they change with every new result.
    const key = () => attrs.map((a) => el.getAttribute(a)).join('|');
    let seen = key();
    new MutationObserver(() => {
      if (key() === seen) return;
      seen = key();
      const t0 = w.__t0;
      if (el.getAttribute(attrs[0]!) !== 'done' || t0 === null) return;
      w.__t0 = null;
      w.__inDom.push(performance.now() - t0);
      requestAnimationFrame(() => setTimeout(() => w.__edit.push(performance.now() - t0), 0));
    }).observe(el, { attributes: true });
  }, watch);
  const setup = page.locator(`.ordering [data-step="${EDITED_STEP}"]`);
  let n = 0;
  for (let round = 0; round < 50; round++) {
    for (const key of ['Alt+ArrowDown', 'Alt+ArrowDown', 'Control+z', 'Control+z']) {
      await setup.focus();
      await page.keyboard.press(key);
      n++;
      await page.waitForFunction(
        (k) => (window as unknown as { __edit: number[] }).__edit.length >= k,
        n,
      );
    }
  }
  const { lat, inDom } = await page.evaluate(() => {
    const w = window as unknown as { __edit: number[]; __inDom: number[] };
    return { lat: w.__edit, inDom: w.__inDom };
  });
  return {
    samples: lat.length,
    medianMs: pct(lat, 50),
    p95Ms: pct(lat, 95),
    maxMs: Math.max(...lat),
    inDom: { medianMs: pct(inDom, 50), p95Ms: pct(inDom, 95), maxMs: Math.max(...inDom) },
  };
}

/**
 * The floor of an edit: the same keys, measured the same way, on a page where a key only
 * changes one number. Even there the answer waits for the next frame, so what the app
 * adds is its figure minus this one.
 */
async function editFloor(page: Page) {
  await page.setContent(
    `<main data-run-status="done" data-run-id="0"><section aria-label="Aligned steps" data-status="done" data-comparison-id="0">` +
      `<ol class="ordering"><li tabindex="0" data-step="${EDITED_STEP}">ops-&gt;hardware_setup()</li></ol>` +
      `<output>0</output></section></main>` +
      `<script>let n = 0; addEventListener('keydown', () => { n++; ` +
      `for (const [el, a] of [[document.querySelector('main'), 'data-run-id'], [document.querySelector('section'), 'data-comparison-id']]) el.setAttribute(a, n); ` +
      `document.querySelector('output').textContent = n; });</script>`,
  );
  return measureEdits(page, { selector: 'main', attrs: ['data-run-status', 'data-run-id'] });
}

interface Figures {
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

/** Figures (an edit's, a chain's), the floor's, and their own share: figure minus floor. */
function withFloor<T extends Figures>(measured: T, floor: Figures) {
  return {
    ...measured,
    floor: { medianMs: floor.medianMs, p95Ms: floor.p95Ms, maxMs: floor.maxMs },
    ownWork: {
      medianMs: measured.medianMs - floor.medianMs,
      p95Ms: measured.p95Ms - floor.p95Ms,
    },
  };
}

/** An edit's p95 as worded (key → painted) and read against the floor, each against `targetMs`. */
function printEditTargets(what: string, result: ReturnType<typeof withFloor>, targetMs: number) {
  printTargets([
    [`${what}, key → painted p95 ms`, result.p95Ms, `≤ ${targetMs}`, result.p95Ms <= targetMs],
    [
      `${what}, own work (painted − floor) p95 ms`,
      result.ownWork.p95Ms,
      `≤ ${targetMs}`,
      result.ownWork.p95Ms <= targetMs,
    ],
  ]);
}

test('ordering edit → re-run, re-check and paint', async ({ app, page }) => {
  test.setTimeout(240_000);
  const floor = await editFloor(page);
  await app.open();
  await app.choose('Kernel variant', 'seed-p3');
  await page.getByRole('tab', { name: 'Ordering' }).click();
  const result = withFloor(
    await measureEdits(page, { selector: 'main', attrs: ['data-run-status', 'data-run-id'] }),
    floor,
  );
  console.log(JSON.stringify({ orderingEdit: result }, null, 2));
  printEditTargets('edit', result, 16);
  writeFileSync('test-results/ui-bench-edit.json', JSON.stringify(result, null, 2));
});

test('ordering edit in compare mode → both sides re-run, re-aligned and painted', async ({
  app,
  page,
}) => {
  test.setTimeout(240_000);
  const floor = await editFloor(page);
  await app.open();
  await app.choose('Kernel variant', 'seed-p3');
  await app.button('Compare…').click();
  await app.waitForComparison();
  await page.getByRole('tab', { name: 'Ordering' }).click();
  const watch = {
    selector: 'section[aria-label="Aligned steps"]',
    attrs: ['data-status', 'data-comparison-id'],
  };
  const result = withFloor(await measureEdits(page, watch), floor);
  console.log(JSON.stringify({ compareEdit: result }, null, 2));
  printEditTargets('compare-mode edit', result, 24);
  writeFileSync('test-results/ui-bench-compare-edit.json', JSON.stringify(result, null, 2));
});

/**
 * Per input, the time from its event (`startOn`, caught first) to the end of the frame
 * that first shows the answer: `ready`'s element, its text starting as given.
 */
async function untilShown(
  page: Page,
  startOn: 'submit' | 'input',
  inputs: { send: () => Promise<void>; ready: { selector: string; startsWith?: string } }[],
) {
  const times: number[] = [];
  for (const { send, ready } of inputs) {
    await page.evaluate(
      ({ startOn, ready }) => {
        const w = window as unknown as { __shown: number | null };
        w.__shown = null;
        const isReady = () =>
          document.querySelector(ready.selector)?.textContent?.startsWith(ready.startsWith ?? '');
        document.addEventListener(
          startOn,
          () => {
            const t0 = performance.now();
            // Checked each frame: once the answer is in the DOM, this frame paints it.
            const tick = () =>
              isReady()
                ? setTimeout(() => (w.__shown = performance.now() - t0), 0)
                : requestAnimationFrame(tick);
            requestAnimationFrame(tick);
          },
          { capture: true, once: true },
        );
      },
      { startOn, ready },
    );
    await send();
    const handle = await page.waitForFunction(
      () => (window as unknown as { __shown: number | null }).__shown,
      null,
      { timeout: 60_000 },
    );
    times.push((await handle.jsonValue()) as number);
  }
  return {
    samples: times.length,
    medianMs: pct(times, 50),
    p95Ms: pct(times, 95),
    maxMs: Math.max(...times),
  };
}

/** Each gfn typed into "Show gfn" and submitted; shown once its chain's element names it. */
function gfnQueries(page: Page, picks: number[]) {
  const input = page.getByLabel('Show gfn');
  return picks.map((gfn) => ({
    send: async () => {
      await input.fill(String(gfn));
      await input.press('Enter');
    },
    ready: { selector: `.chain[data-gfn="${gfn}"]` },
  }));
}

/**
 * The floor of a chain query: the same submits, measured the same way, on a page where
 * the form shows the gfn at once. The answer still waits for the next frame, so what the
 * app adds (the worker's replay, the message, the drawing) is its figure minus this one.
 */
async function chainFloor(page: Page, picks: number[]) {
  await page.setContent(
    '<form><input aria-label="Show gfn"></form><div class="chain"></div>' +
      '<script>document.querySelector("form").onsubmit = (e) => { e.preventDefault(); ' +
      'const gfn = document.querySelector("input").value; const c = document.querySelector(".chain"); ' +
      'c.dataset.gfn = gfn; c.textContent = "gfn " + gfn; };</script>',
  );
  return untilShown(page, 'submit', gfnQueries(page, picks));
}

test('the 16M-spte workload: any gfn’s chain, scrubbing, long tasks', async ({ app, page }) => {
  test.setTimeout(600_000);
  const gfns = 1 << 20;
  // Spread over the gfn space, the same every run (a Weyl sequence).
  const picks = Array.from({ length: 30 }, (_, i) => Math.floor(((i * 0.618034) % 1) * gfns));
  const floor = await chainFloor(page, picks);
  await app.open(
    linkTo({
      v: 1,
      kernel: 'v6.12',
      vendor: 'intel',
      workload: [{ op: 'random', seed: 1, gfns, sptes: 1 << 24, removePercent: 50 }],
    }),
  );
  await app.goToEnd();
  const steps = Number((await app.position.textContent())!.match(/\/ (\d+)/)![1]);
  await page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => w.__long.push(e.duration)),
    ).observe({ type: 'longtask' });
  });
  const chain = await untilShown(page, 'submit', gfnQueries(page, picks));
  const chainTasks = await page.evaluate(() =>
    (window as unknown as { __long: number[] }).__long.splice(0),
  );
  const to = Array.from(
    { length: 30 },
    (_, i) => 1 + Math.floor(((i * 0.414214) % 1) * (steps - 1)),
  );
  const scrub = await untilShown(
    page,
    'input',
    to.map((step) => ({
      send: () => app.timeline.fill(String(step)),
      ready: { selector: '.playback .position', startsWith: `step ${step} /` },
    })),
  );
  const scrubTasks = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
  const result = {
    steps,
    chain: withFloor(chain, floor),
    chainLongTasks: chainTasks,
    scrub,
    scrubLongTasks: scrubTasks,
  };
  console.log(JSON.stringify({ random16M: result }, null, 2));
  writeFileSync('test-results/ui-bench-16m.json', JSON.stringify(result, null, 2));
  printTargets([
    ['16M: a new gfn’s chain shown, p95 ms', chain.p95Ms, '≤ 16', chain.p95Ms <= 16],
    [
      '16M: a chain’s own share (shown − floor) p95 ms',
      result.chain.ownWork.p95Ms,
      '≤ 16',
      result.chain.ownWork.p95Ms <= 16,
    ],
    ['16M: scrub to a step shown, p95 ms', scrub.p95Ms, '≤ 50', scrub.p95Ms <= 50],
    [
      '16M: tasks over 50 ms while choosing gfns and scrubbing',
      chainTasks.length + scrubTasks.length,
      '0',
      chainTasks.length + scrubTasks.length === 0,
    ],
  ]);
});
