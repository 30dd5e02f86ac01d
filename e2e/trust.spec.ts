/**
 * The trust boundary (issue #17): whatever a link, a file, the worker or the browser's
 * storage does, the app ends up working, with a message saying what was wrong.
 */
import { NEWEST_LONGTERM } from '../app/engine/releases';
import lzString from 'lz-string';
import { expect, test, type AppPage } from './fixtures';

const GOOD = { v: 1, kernel: 'v6.0', vendor: 'intel' };
const link = (envelope: object) =>
  `#s2/${lzString.compressToEncodedURIComponent(JSON.stringify({ v: 2, ...envelope }))}`;

/** The default scenario runs, and stepping works. */
async function working(
  app: AppPage,
  embed = false,
  kernel: string = NEWEST_LONGTERM,
): Promise<void> {
  await app.waitForRun();
  if (!embed)
    await expect(app.page.getByLabel('Kernel variant', { exact: true })).toHaveValue(kernel);
  await app.step();
  await expect(app.position).toHaveText(/^step 1 \//);
}

const WRONGLY_TYPED: [string, object][] = [
  ['kernel {}', { ...GOOD, kernel: {} }],
  ['kernel [{}]', { ...GOOD, kernel: [{}] }],
  ['modules "x"', { ...GOOD, modules: 'x' }],
  ['modules 1', { ...GOOD, modules: 1 }],
  ['modules true', { ...GOOD, modules: true }],
  ['modules {}', { ...GOOD, modules: {} }],
];

for (const [name, bad] of WRONGLY_TYPED)
  test(`a link whose ${name}: explained, the default shown (as s, c, embed and #scenario=)`, async ({
    app,
    page,
  }) => {
    const field = 'modules' in bad ? 'modules' : 'kernel';
    const cases: [string, string, boolean][] = [
      [`/${link({ s: bad })}`, 'scenario', false],
      [`/${link({ s: GOOD, m: 'compare', c: bad })}`, 'compared scenario', false],
      [`/?embed=1${link({ s: bad })}`, 'scenario', true],
      [`/#scenario=${encodeURIComponent(JSON.stringify(bad))}`, 'scenario', false],
    ];
    for (const [url, whose, embed] of cases) {
      await page.goto('about:blank'); // a new page each time, not a hash change
      await page.goto(url);
      const explained = `could not be opened: the link’s ${whose} is not valid: ${field}: expected`;
      await expect(app.notice).toContainText(explained);
      if (url.includes('#scenario=')) {
        await page.reload(); // explained again, never a crash
        await expect(app.notice).toContainText(explained);
      }
      await working(app, embed);
    }
  });

test('a view that cannot be drawn leaves a message and a way back to the default', async ({
  app,
  page,
}) => {
  // Drawing a mask formats a BigInt: make that throw on demand.
  await page.addInitScript(() => {
    const toString = BigInt.prototype.toString;
    BigInt.prototype.toString = function (this: bigint, radix?: number) {
      if ((globalThis as { breakDrawing?: boolean }).breakDrawing) throw new Error('injected');
      return toString.call(this, radix);
    };
  });
  await app.open();
  await page.evaluate(() => ((globalThis as { breakDrawing?: boolean }).breakDrawing = true));
  await app.goToEnd(); // the masks change, and are drawn anew
  await expect(page.getByRole('alert')).toContainText('This view could not be drawn: injected');
  await page.evaluate(() => ((globalThis as { breakDrawing?: boolean }).breakDrawing = false));
  await app.button('Show the default scenario').click();
  await expect(app.notice).toContainText('The last view could not be drawn');
  await working(app);
  // React reports the error it caught; nothing else went wrong.
  expect(app.errors.every((e) => /injected|could not be drawn|above error/i.test(e))).toBe(true);
  app.errors.length = 0;
});

const CANNOT_KEEP = 'does not let the app keep your session';

test('storage blocked: the app works, and says once that it cannot keep the session', async ({
  app,
  page,
}) => {
  await page.addInitScript(() => {
    for (const name of ['localStorage', 'sessionStorage'])
      Object.defineProperty(window, name, {
        get() {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      });
  });
  await app.open();
  await app.choose('Kernel variant', 'v6.0');
  await expect(app.notice).toContainText(CANNOT_KEEP);
  await app.button('Dismiss').click();
  await app.choose('Kernel variant', 'latest');
  await expect.poll(() => app.hash()).toMatch(/^#s2\//);
  await expect(app.notice).toHaveCount(0); // said once
  await working(app, false, 'latest');
});

test('storage full: edits still reach the URL, the older session is not reopened, and the app says so', async ({
  app,
  page,
}) => {
  await app.open();
  await app.choose('Kernel variant', 'seed-p3'); // kept as the last session
  await expect.poll(() => app.hash()).toMatch(/^#s2\//);
  await page.addInitScript(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await page.goto('about:blank');
  await app.open(); // the last session: seed-p3
  await expect(page.getByLabel('Kernel variant', { exact: true })).toHaveValue('seed-p3');
  await app.choose('Kernel variant', 'v6.6');
  await expect(app.notice).toContainText(CANNOT_KEEP);
  await page.goto('about:blank');
  await app.open(); // not seed-p3, an older session than what was shown last
  await working(app);
});

test('after three edits and a reload, Back to the first entry shows what it showed', async ({
  app,
  page,
}) => {
  const variant = page.getByLabel('Kernel variant', { exact: true });
  await app.open(); // without a hash: the default
  for (const kernel of ['v6.0', 'latest', 'v6.6']) {
    const before = app.hash();
    await app.choose('Kernel variant', kernel);
    await expect.poll(() => app.hash()).not.toBe(before);
  }
  await page.reload();
  await expect(variant).toHaveValue('v6.6');
  for (const kernel of ['latest', 'v6.0', NEWEST_LONGTERM]) {
    await page.goBack();
    await expect(variant).toHaveValue(kernel);
  }
  await app.waitForRun();
  await app.step();
  await expect(app.position).toHaveText(/^step 1 \//);
});

/** A link to a run that streams for seconds: 1,000 map ops of 110 sptes, 110,000 events, within its budget. */
const LONG = link({
  s: {
    v: 1,
    kernel: 'seed-p2',
    vendor: 'intel',
    workload: Array.from({ length: 1000 }, (_, i) => ({ op: 'map', gfn: i % 512, sptes: 110 })),
  },
});

/** Opens `hash` in the page already open (a hash change: the same worker). */
const goToHash = (app: AppPage, hash: string) =>
  app.page.evaluate((h) => (location.hash = h), hash);

test('a costly link shows its progress, and Cancel stops it, leaving a working app', async ({
  app,
  page,
}) => {
  test.slow(); // a run of seconds, on a machine that may be busy
  await app.open();
  await goToHash(app, LONG);
  const progress = page.locator('.run-progress');
  await expect(progress).toContainText(/Running the scenario… \d+%/);
  // Without waiting for the page to be still: the run must not end first.
  await progress.getByRole('button', { name: 'Cancel' }).dispatchEvent('click');
  await expect(progress).toHaveCount(0);
  await expect(page.locator('main')).toHaveAttribute('data-run-status', 'cancelled');
  await expect(page.getByRole('status').filter({ hasText: 'Cancelled after' })).toContainText(
    'the rest of this scenario did not run',
  );
  await app.step(); // what ran so far can be stepped through
  await expect(app.position).toHaveText(/^step 1 \//);
  await goToHash(app, link({ s: GOOD }));
  await working(app, false, GOOD.kernel);
});

test('a worker that closes itself is found dead: its run fails with a message, and the app works again', async ({
  app,
  page,
}) => {
  test.slow();
  await app.open();
  const engine = page.workers().find((w) => w.url().includes('engine'))!;
  await goToHash(app, LONG);
  await expect(page.locator('.run-progress')).toBeVisible();
  await engine.evaluate(() => self.close()); // no error event, no answer ever again
  await expect(page.getByRole('alert')).toContainText(
    'The engine stopped (the engine worker stopped) and is being restarted',
  );
  await goToHash(app, link({ s: GOOD }));
  await working(app, false, GOOD.kernel);
  app.errors.length = 0; // the worker's end is logged by the browser
});

test('a worker script that does not load is tried four times, then the app says the engine cannot run', async ({
  app,
  page,
}) => {
  const asked: number[] = [];
  await page.route(/engine\.worker/, (route) => {
    asked.push(Date.now());
    return route.fulfill({ status: 404, body: '' });
  });
  await page.goto('/');
  await expect(page.getByRole('alert')).toContainText(
    'The engine cannot run in this browser: it stopped 4 times in a row',
    { timeout: 20_000 },
  );
  await page.waitForTimeout(2000); // nothing more is asked for
  expect(asked).toHaveLength(4);
  await expect(
    page.getByRole('heading', { name: 'KVM MMU visualizer', exact: true }),
  ).toBeVisible();
  app.errors.length = 0; // the failed script loads are logged by the browser
});

test('a link whose edit names toString, or that asks for gigabytes, is explained and the default shown', async ({
  app,
  page,
}) => {
  const reset = 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks';
  const cases: [object, string][] = [
    [
      { ...GOOD, edits: [{ move: reset, to: 'toString', index: 0 }] },
      'there is no function "toString"',
    ],
    [{ ...GOOD, edits: [{ remove: '__proto__' }] }, 'there is no step "__proto__"'],
    [
      {
        ...GOOD,
        workload: [{ op: 'random', seed: 1, gfns: 2 ** 31 - 1, sptes: 2 ** 25, removePercent: 0 }],
      },
      'GB',
    ],
  ];
  for (const [s, why] of cases) {
    await page.goto('about:blank');
    await page.goto(`/${link({ s })}`);
    await expect(app.notice).toContainText('This link’s scenario could not run');
    await expect(app.notice).toContainText(why);
    await working(app);
  }
});
