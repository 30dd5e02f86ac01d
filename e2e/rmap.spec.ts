import { expect, test, type AppPage } from './fixtures';

/**
 * v6.6 with shadow paging, one gfn mapped 20 times, at the VM's creation. The page
 * runs on Playwright's clock (timers, animation frames, performance.now), so a test
 * lets time pass with clock.runFor() rather than sleeping.
 */
async function atAliasWorkload(app: AppPage) {
  await app.page.clock.install();
  await app.open();
  await app.choose('Kernel variant', 'v6.6');
  await app.rerun(() => app.page.getByLabel('TDP', { exact: true }).uncheck());
  await app.choose('Workload', 'alias');
  await app.stepUntil('KVM_CREATE_VM');
}

test('playing a shadow-paging workload grows a gfn’s chain past one pte_list_desc', async ({
  app,
  page,
}) => {
  await atAliasWorkload(app);
  const rmaps = app.region('Reverse maps');
  await expect(rmaps).toContainText('14 sptes per pte_list_desc');
  await page.getByLabel('Speed').selectOption('16');
  await app.button('Play').click();
  const summary = rmaps.getByTestId('chain-summary');
  await expect(summary).toHaveText(/in 2 pte_list_descs/, { timeout: 20_000 });
  await expect(app.button('Play')).toBeVisible({ timeout: 20_000 });
  await expect(summary).toContainText('20 sptes in 2 pte_list_descs; descriptor counts 6, 14');
  await expect(rmaps.locator('[data-field="descs"]')).toHaveText('2 × 128 B = 256 B');
  // v6.4+ puts new entries in a new head descriptor: the full one is the tail.
  await expect(rmaps.locator('g.desc')).toHaveCount(2);

  // Back to one descriptor, then forward at reading pace: the second one slides in.
  // The step after that leaves both where they are, and they are not touched again
  // (no transition rewriting their attributes every frame).
  while (!/in 1 pte_list_desc;/.test((await summary.textContent()) ?? ''))
    await app.button('Step back').click();
  await page.clock.runFor(400); // reading pace
  await app.step();
  await expect(rmaps.locator('g.desc')).toHaveCount(2);
  await page.clock.runFor(400); // longer than the chain's transitions
  await page.evaluate(() => {
    const w = window as unknown as { __descWrites: number };
    w.__descWrites = 0;
    new MutationObserver((records) => (w.__descWrites += records.length)).observe(
      document.querySelector('.rmaps g.descs')!,
      { attributes: true, attributeFilter: ['transform', 'opacity'], subtree: true },
    );
  });
  const before = await summary.textContent();
  await app.step();
  await expect(summary).not.toHaveText(before!);
  await page.clock.runFor(400); // every frame of the step's transitions, had there been any
  expect(
    await page.evaluate(() => (window as unknown as { __descWrites: number }).__descWrites),
  ).toBe(0);

  // A quick step back while the new head descriptor slides in is drawn at once, and the
  // slide in flight does not carry the old descriptor on to where it was going.
  while (!/in 1 pte_list_desc;/.test((await summary.textContent()) ?? ''))
    await app.button('Step back').click();
  await page.clock.runFor(400);
  // Unless a step back came rapidly, the freed descriptor fades out on the document's
  // timeline (Web Animations), which Playwright's clock does not drive: wait for it to go.
  const descs = rmaps.locator('g.desc');
  await expect(descs).toHaveCount(1);
  const place = () =>
    descs.evaluateAll((gs) => gs.map((g) => g.getAttribute('transform')?.replace(/\s/g, '')));
  const alone = await place();
  await app.step();
  await app.button('Step back').click();
  await page.clock.runFor(400);
  await expect(descs).toHaveCount(1);
  expect(await place()).toEqual(alone);
});

test('a random VM-scale workload shows totals and a histogram', async ({ app }) => {
  await app.open();
  await app.choose('Workload', 'random-small');
  await app.goToEnd();
  const rmaps = app.region('Reverse maps');
  await expect(rmaps.locator('[data-field="sptes"]')).not.toHaveText('0');
  await expect(rmaps.getByRole('img', { name: /chain lengths of [\d,]+ gfns/ })).toBeVisible();
});

test('playing briskly shortens the chain’s and the caches’ CSS transitions, stepping rapidly turns them off, until steps pause', async ({
  app,
  page,
}) => {
  await atAliasWorkload(app);
  await app.step();
  await app.freezeTime();
  /**
   * Presses → `presses` times in the page (as a held key repeats), lets the page draw
   * them (a message, not a timer: the clock stands still), then reads the pace and the
   * chain's and the caches' transitions.
   */
  const paceAfter = (presses = 0) =>
    page.evaluate(
      async ({ presses, selectors }) => {
        for (let i = 0; i < presses; i++)
          document.body.dispatchEvent(
            new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }),
          );
        await new Promise((r) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = r;
          channel.port2.postMessage(null);
        });
        return {
          pace: document.documentElement.dataset.pace ?? 'reading',
          transitions: selectors.map(
            (s) => getComputedStyle(document.querySelector(s)!).transitionDuration,
          ),
        };
      },
      { presses, selectors: ['.rmaps rect.slot-box', '.caches .bar-fill'] },
    );
  const reading = { pace: 'reading', transitions: ['0.3s', '0.35s'] };
  const html = page.locator('html');
  await page.clock.runFor(400); // reading pace
  await app.step();
  // Two sptes: the chain has a descriptor, drawn once the worker's chain has come.
  await expect(app.region('Reverse maps').locator('rect.slot-box').first()).toBeAttached();
  await expect(html).not.toHaveAttribute('data-pace');
  expect(await paceAfter()).toEqual(reading);

  await page.getByLabel('Speed').selectOption('8');
  await app.button('Play').click();
  await page.clock.runFor(300); // a step at once, then one every 125 ms
  await expect(html).toHaveAttribute('data-pace', 'brisk');
  expect(await paceAfter()).toEqual({ pace: 'brisk', transitions: ['0.1s', '0.1s'] });
  await app.button('Pause').click();
  await page.clock.runFor(400); // the steps have paused
  await expect(html).not.toHaveAttribute('data-pace');
  expect(await paceAfter()).toEqual(reading);

  // Faster than any transition could be seen.
  expect(await paceAfter(3)).toEqual({ pace: 'rapid', transitions: ['0s', '0s'] });
  await page.clock.runFor(400);
  await expect(html).not.toHaveAttribute('data-pace');
  expect(await paceAfter()).toEqual(reading);
});

test('a step’s chain is drawn in the same frame as the rest of the step', async ({ app, page }) => {
  await atAliasWorkload(app);
  const rmaps = app.region('Reverse maps');
  await expect(rmaps.getByTestId('chain-summary')).toHaveText('empty rmap');
  // Each step maps one more spte. Seen in the frame right after the click, the chain
  // must already show it: not the previous step's, waiting for the worker's answer.
  const seen: [string, string][] = [];
  for (let i = 0; i < 8; i++) {
    await page.clock.runFor(400); // reading pace
    seen.push(
      await page.evaluate(async () => {
        const summary = () =>
          document.querySelector('.rmaps [data-testid="chain-summary"]')!.textContent!;
        const before = summary();
        [...document.querySelectorAll('button')]
          .find((b) => b.textContent === 'Step forward')!
          .click();
        await new Promise(requestAnimationFrame);
        return [before, summary()] as [string, string];
      }),
    );
  }
  for (const [before, after] of seen) expect(after).not.toBe(before);
  expect(seen.at(-1)![1]).toMatch(/^8 sptes in 1 pte_list_desc;/);
});
