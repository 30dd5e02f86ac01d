import { NEWEST_LONGTERM } from '../app/engine/releases';
import { readFileSync } from 'node:fs';
import { expect, linkTo, openInFreshContext, test } from './fixtures';

test('a copied link opens the same view in a fresh page', async ({ app, browser }) => {
  await app.open();
  await app.choose('Kernel variant', 'seed-p3');
  await app.choose('Vendor', 'amd');
  await app.choose('Workload', 'alias');
  await app.timeline.fill('66');
  await expect(app.position).toHaveText(/^step 66 \//);
  const present = await app.mask('shadow_present_mask').textContent();
  const title = await app.region('Call stack').locator('.explain .title').textContent();
  const link = await app.copyLink();
  expect(link).toMatch(/#s2\//);
  expect(link.length).toBeLessThan(2000);

  const receiver = await openInFreshContext(browser, link);
  await receiver.waitForRun();
  const fresh = receiver.page;
  await expect(fresh.locator('.playback .position')).toHaveText(/^step 66 \//);
  await expect(fresh.getByLabel('Kernel variant', { exact: true })).toHaveValue('seed-p3');
  await expect(fresh.getByLabel('Vendor', { exact: true })).toHaveValue('amd');
  await expect(fresh.locator('[data-mask="shadow_present_mask"] .mask-hex')).toHaveText(present!);
  await expect(
    fresh.getByRole('region', { name: 'Call stack' }).locator('.explain .title'),
  ).toHaveText(title!);
  await fresh.context().close();
});

test('a broken link says what is wrong and leaves a working app', async ({ app, page }) => {
  await page.goto('/#s1/this-was-cut-off');
  await expect(page.getByRole('status').filter({ hasText: 'could not be opened' })).toContainText(
    'damaged',
  );
  await app.waitForRun();
  await app.step();
  await expect(app.position).toHaveText(/^step 1 \//);
  await page.goto('/#s7/whatever');
  await expect(page.getByText(/newer version of this app/)).toBeVisible();
});

test('a link whose scenario cannot run falls back to the default with the reason', async ({
  app,
  page,
}) => {
  const bad = encodeURIComponent(
    JSON.stringify({ v: 1, kernel: 'v6.0', vendor: 'intel', edits: [{ remove: 'no/such-step' }] }),
  );
  await page.goto(`/#scenario=${bad}`);
  await expect(
    page.getByText(/scenario could not run: .*there is no step "no\/such-step"/),
  ).toBeVisible();
  await app.waitForRun();
  // The default: the newest longterm kernel the app models.
  await expect(page.getByLabel('Kernel variant', { exact: true })).toHaveValue(NEWEST_LONGTERM);
});

test('Back and Forward move through scenario changes, back to the view first opened', async ({
  app,
  page,
}) => {
  const variant = page.getByLabel('Kernel variant', { exact: true });
  /** Chooses a variant and waits for its history entry (written once changes pause). */
  const choose = async (kernel: string) => {
    const before = app.hash();
    await app.choose('Kernel variant', kernel);
    await expect.poll(() => app.hash()).not.toBe(before);
  };
  await app.open(); // without a hash: the first entry stays bare
  await choose('v6.0');
  await choose('latest');
  await page.goBack();
  await expect(variant).toHaveValue('v6.0');
  await page.goBack();
  await expect(variant).toHaveValue(NEWEST_LONGTERM); // the default
  await page.goForward();
  await page.goForward();
  await expect(variant).toHaveValue('latest');
});

test('scenario files: download, open a bad one (view kept), open a good one', async ({
  app,
  page,
}, info) => {
  await app.open();
  await app.choose('Kernel variant', 'v6.6');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    app.button('Download scenario').click(),
  ]);
  const saved = info.outputPath('scenario.json');
  await download.saveAs(saved);
  expect(JSON.parse(readFileSync(saved, 'utf8'))).toMatchObject({
    v: 1,
    kernel: 'v6.6',
    vendor: 'intel',
  });

  const input = page.getByLabel('Scenario file');
  await input.setInputFiles({
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"v":1,"kernel":"v9"'),
  });
  await expect(page.getByText(/bad\.json was not opened: .*not valid JSON/)).toBeVisible();
  await input.setInputFiles({
    name: 'odd.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"v":1,"kernel":"v6.0","vendor":"intel","colour":"red"}'),
  });
  await expect(page.getByText(/odd\.json was not opened: .*unknown field "colour"/)).toBeVisible();
  await expect(page.getByLabel('Kernel variant', { exact: true })).toHaveValue('v6.6'); // kept

  await app.rerun(() =>
    input.setInputFiles({
      name: 'good.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"v":1,"kernel":"latest","vendor":"amd"}'),
    }),
  );
  await expect(page.getByLabel('Kernel variant', { exact: true })).toHaveValue('latest');
  await expect(page.getByLabel('Vendor', { exact: true })).toHaveValue('amd');
});

test('export the view as SVG and PNG', async ({ app, page }, info) => {
  await app.open();
  await app.timeline.fill('30');
  const [svg] = await Promise.all([
    page.waitForEvent('download'),
    app.button('Export SVG').click(),
  ]);
  expect(svg.suggestedFilename()).toMatch(/\.svg$/);
  const svgPath = info.outputPath('view.svg');
  await svg.saveAs(svgPath);
  expect(readFileSync(svgPath, 'utf8')).toContain('shadow_present_mask');
  const [png] = await Promise.all([
    page.waitForEvent('download'),
    app.button('Export PNG').click(),
  ]);
  const pngPath = info.outputPath('view.png');
  await png.saveAs(pngPath);
  expect(readFileSync(pngPath).subarray(1, 4).toString()).toBe('PNG');
});

test('embed mode: a compact player without editing controls', async ({ app, page }) => {
  await app.open();
  await app.choose('Kernel variant', 'v6.0');
  const hash = app.hash();
  await page.goto(`/?embed=1${hash}`);
  await expect(page.locator('main')).toHaveAttribute('data-run-status', 'done');
  await expect(page.getByLabel('Kernel variant', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: /Open in the KVM MMU visualizer/ })).toHaveAttribute(
    'href',
    new URL(`/${hash}`, page.url()).href,
  );
  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Call stack' })).toContainText('insmod kvm');
});

test('a compare link embeds with both call stacks and the current row in view', async ({
  app,
  page,
}) => {
  await app.open(linkTo({ v: 1, kernel: 'v6.6', vendor: 'intel' }));
  await app.button('Compare…').click();
  await app.waitForComparison();
  await app
    .region('Aligned steps')
    .getByRole('button', { name: /^Go to row 39:/ })
    .click();
  const link = await app.copyLink();
  await page.goto(link.replace('#', '?embed=1#'));
  await expect(page.getByText(/^row 39 \//)).toBeVisible();
  await expect(page.locator('[aria-current="step"][data-row="39"]')).toBeInViewport();
  const stack = page.getByRole('region', { name: 'Call stack' });
  await expect(stack.getByRole('group', { name: /^Left: / })).toBeVisible();
  await expect(stack.getByRole('group', { name: /^Right: / })).toContainText('kvm_configure_mmu()');
});
