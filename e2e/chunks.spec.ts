/**
 * What the first screen does not show loads as its own chunk (docs/performance.md,
 * "Bundle"). A chunk that cannot be fetched — offline, or a deployment replaced the
 * files — leaves a clear message and a way to try again, never a blank page.
 */
import type { Page, Route } from '@playwright/test';
import { expect, linkTo, SEED_P2, test, type AppPage } from './fixtures';

/** Fails every fetch of the chunk whose file name starts with `name`, until the returned function is called. */
async function breakChunk(page: Page, name: string): Promise<() => Promise<void>> {
  const pattern = new RegExp(`/assets/${name}-[^/]*\\.js$`);
  const handler = (route: Route) => route.abort('internetdisconnected');
  await page.route(pattern, handler);
  return () => page.unroute(pattern, handler);
}

/** The console errors the broken fetches logged (and React's report of the caught one) are expected; any other is not. */
function forgetFailedFetches(app: AppPage) {
  const other = app.errors.filter(
    (e) =>
      !/Failed to load resource|ERR_INTERNET_DISCONNECTED|Failed to fetch dynamically imported module/.test(
        e,
      ),
  );
  app.errors.splice(0, app.errors.length, ...other);
}

test('compare mode whose chunk does not load says so; Try again loads it', async ({
  app,
  page,
}) => {
  const repair = await breakChunk(page, 'ComparePanes');
  await app.open(SEED_P2);
  await app.button('Compare…').click();
  const alert = page.getByRole('alert').filter({ hasText: 'Could not load the comparison' });
  await expect(alert).toBeVisible();
  // The rest of the app is still there and works.
  await expect(app.region('Call stack')).toBeVisible();
  await repair();
  await alert.getByRole('button', { name: 'Try again' }).click();
  await app.waitForComparison();
  await expect(alert).toBeHidden();
  forgetFailedFetches(app);
});

test('first-screen panes whose chunk does not load say so; one Try again brings all five', async ({
  app,
  page,
}) => {
  const repair = await breakChunk(page, 'panes');
  await app.open(SEED_P2);
  // The shell works without them: header, controls and player are in the main chunk.
  await expect(app.button('Compare…')).toBeVisible();
  const alerts = page.getByRole('alert').filter({ hasText: 'Could not load the panes' });
  await expect(alerts).toHaveCount(5);
  await repair();
  await alerts.first().getByRole('button', { name: 'Try again' }).click();
  await expect(alerts).toHaveCount(0);
  await expect(
    app.region('PTE masks').getByRole('table', { name: 'shadow_* masks' }),
  ).toBeVisible();
  await expect(app.region('Reverse maps')).toBeVisible();
  forgetFailedFetches(app);
});

test('a term whose definitions do not load says so on hover, and shows them on the next', async ({
  app,
  page,
}) => {
  const repair = await breakChunk(page, 'glossaryDefinitions');
  await app.open();
  const term = app.maskTerm('shadow_present_mask');
  const tip = page.locator('.glossary-tip');
  await term.hover();
  await expect(tip).toContainText('The definitions could not be loaded');
  await page.mouse.move(0, 0);
  await expect(tip).toBeHidden();
  await repair();
  await term.hover();
  await expect(tip).toContainText('The bits KVM sets in an SPTE to make it present');
  await expect(term).toHaveAccessibleDescription(/The bits KVM sets in an SPTE/);
  forgetFailedFetches(app);
});

test('export whose renderers do not load says so; the next press exports', async ({
  app,
  page,
}) => {
  const repair = await breakChunk(page, 'exportCurrent');
  await app.open(SEED_P2);
  await app.button('Export SVG').click();
  await expect(page.getByRole('status').filter({ hasText: 'SVG export failed' })).toContainText(
    'could not load the exporter',
  );
  await repair();
  const [svg] = await Promise.all([
    page.waitForEvent('download'),
    app.button('Export SVG').click(),
  ]);
  expect(svg.suggestedFilename()).toMatch(/\.svg$/);
  forgetFailedFetches(app);
});

test('a lesson link whose lessons do not load shows its scenario and says why', async ({
  app,
  page,
}) => {
  await breakChunk(page, 'lessons');
  await app.open(
    linkTo({ v: 1, kernel: 'seed-p2', vendor: 'intel' }, 0, { l: { id: 'mask-reset', step: 1 } }),
  );
  await expect(app.notice).toContainText('The lessons could not be loaded');
  await expect(page.getByLabel('Kernel variant', { exact: true })).toHaveValue('seed-p2');
  forgetFailedFetches(app);
});
