import { readFileSync } from 'node:fs';
import LZString from 'lz-string';
import { expect, openInFreshContext, SEED_P2, test, type AppPage } from './fixtures';

const findings = (app: AppPage) => app.region('Findings').locator('[data-kind]');

test.beforeEach(async ({ app }) => {
  await app.open(SEED_P2);
  await app.button('Compare…').click();
  await app.waitForComparison();
});

test('seed-p2 vs alt-configure-mmu: a moved step makes its finding appear, undo takes it away', async ({
  app,
  page,
}) => {
  await expect(page.getByLabel('Right kernel variant')).toHaveValue('alt-configure-mmu');
  await expect(app.region('Differences')).toContainText(
    'kmem_cache_create("pte_list_desc") moved from kvm_mmu_hardware_setup() ([PATCH 2/4]) to kvm_configure_mmu() (reconstructed from the review)',
  );
  await expect(app.region('Findings')).toContainText('finds nothing on either side');

  await page.getByRole('tab', { name: 'Ordering' }).click();
  const reset = page.locator(
    '.ordering [data-step="kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks"]',
  );
  await reset.hover();
  await reset.getByRole('button', { name: /^Move .* to…$/ }).click();
  await reset.getByLabel('Move into').selectOption('kvm_arch_hardware_setup');
  await reset.getByLabel('Position').selectOption({ label: 'after kvm_ops_update(ops)' });
  await app.recompare(() => reset.getByRole('button', { name: 'Move', exact: true }).click());

  const clobber = app.region('Findings').locator('[data-kind="clobber"]').first();
  await expect(clobber).toHaveAttribute('data-side', 'left');
  await expect(clobber).toContainText('only on the left (seed-p2)');
  await expect(app.region('Differences')).toContainText(
    'kvm_mmu_reset_all_pte_masks() moved from kvm_arch_hardware_setup() (arch/x86/kvm/x86.c:11710 in v5.19) to kvm_mmu_vendor_module_init() ([PATCH 2/4])',
  );
  await expect(app.region('Review summary').locator('pre')).toContainText(
    'only in seed-p2: [clobber]',
  );

  await app.recompare(() => page.keyboard.press('Control+z'));
  await expect(findings(app)).toHaveCount(0);
  await expect(app.region('Differences')).not.toContainText('kvm_mmu_reset_all_pte_masks');
});

test('both runs step together, row by row, and the state difference is shown where it starts', async ({
  app,
  page,
}) => {
  await expect(app.position).toHaveText(/^row 0 \/ \d+/);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(app.position).toHaveText(/^row 2 \//);
  await expect(app.region('Aligned steps').locator('[aria-current="step"]')).toHaveAttribute(
    'data-row',
    '2',
  );
  await expect(app.region('Differences')).toContainText('same on both sides');

  await app
    .region('Differences')
    .getByRole('button', { name: /^first differs at row/ })
    .click();
  await expect(app.position).toHaveText(/^row 37 \//);
  // The left run follows the rows: its call stack is inside kvm_configure_mmu().
  await expect(app.region('Call stack')).toContainText('kvm_configure_mmu()');
  await expect(
    app.region('Differences').getByRole('table', { name: 'State differences' }).locator('tbody tr'),
  ).not.toHaveCount(0);

  // A row the left run does not have moves only the right one.
  await app
    .region('Aligned steps')
    .getByRole('button', { name: /^Go to row 38:/ })
    .click();
  await expect(app.region('Aligned steps').locator('[data-row="38"]')).toHaveAttribute(
    'data-kind',
    'right-only',
  );
  // The call stack shows both sides at the row: the left has no step of its own on it,
  // the right's step runs in its kvm_configure_mmu(), with the source a click away.
  const stack = app.region('Call stack');
  await expect(stack.getByRole('group', { name: 'Left: seed-p2' })).toContainText(
    'No step of its own on this row',
  );
  const right = stack.getByRole('group', { name: 'Right: alt-configure-mmu' });
  await expect(right.locator('.frames')).toContainText('kvm_configure_mmu()');
  await expect(right.locator('.explain .title')).toContainText('kmem_cache_create("pte_list_desc"');
  await expect(
    right.getByRole('link', { name: 'kvm_configure_mmu()', exact: true }),
  ).toHaveAttribute(
    'href',
    /^https:\/\/lore\.kernel\.org\//, // the alternative exists only in the review
  );
  // Stepping on moves the right side's call stack to the next row's step.
  const title = await right.locator('.explain .title').textContent();
  await app.step();
  await expect(right.locator('.explain .title')).not.toHaveText(title!);
});

test('the review can be copied and a link reopens the same comparison on the same row', async ({
  app,
  page,
  context,
  browser,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.button('Copy review').click();
  await expect(page.getByRole('status').filter({ hasText: 'review copied' })).toBeVisible();
  const review = await page.evaluate(() => navigator.clipboard.readText());
  expect(review).toMatch(/^Patch-ordering review: seed-p2 vs alt-configure-mmu\n/);
  await page.getByRole('radio', { name: 'Markdown' }).check();
  await expect(app.region('Review summary').locator('pre')).toContainText(
    '### Patch-ordering review: `seed-p2` vs `alt-configure-mmu`',
  );

  await app.timeline.fill('40');
  const link = await app.copyLink();
  const receiver = await openInFreshContext(browser, link);
  await receiver.waitForComparison();
  const fresh = receiver.page;
  await expect(fresh.locator('.playback .position')).toHaveText(/^row 40 \//);
  await expect(fresh.getByLabel('Right kernel variant')).toHaveValue('alt-configure-mmu');
  await fresh.context().close();

  await app.button('Close comparison').click();
  await expect(app.region('PTE masks')).toBeVisible();
  await expect(app.position).toHaveText(/^step \d+ \//);
});

test('an argument from the thread opens the comparison that shows it', async ({ app, page }) => {
  await page
    .getByLabel('Arguments from the review thread')
    .selectOption({ label: 'What a forgotten kvm_unconfigure_mmu() leaks' });
  await expect(page.getByLabel('Kernel variant', { exact: true })).toHaveValue('alt-configure-mmu');
  await expect(page.getByLabel('Right kernel variant')).toHaveValue('bad-alt-no-unconfigure');
  await app.waitForComparison();
  const leak = app.region('Findings').locator('[data-kind="leak"]').first();
  await expect(leak).toHaveAttribute('data-side', 'right');
  await leak.getByText('What the kernel does about it').click();
  await expect(leak).toContainText('kvm_unconfigure_mmu');
});

test('a compare link embeds as the aligned steps, stepped together', async ({ app, page }) => {
  /** The link's envelope: the view (m) and the row (t) it reopens. */
  const linked = () =>
    JSON.parse(
      LZString.decompressFromEncodedURIComponent(app.hash().replace(/^#s2\//, '')) ?? 'null',
    ) as { m?: string; t?: number } | null;
  await app.timeline.fill('5');
  await expect(app.position).toHaveText(/^row 5 \//);
  // The row reaches the URL a moment later.
  await expect.poll(linked).toMatchObject({ m: 'compare', t: 5 });
  const hash = app.hash();
  await page.goto(`/?embed=1${hash}`);
  await app.waitForComparison();
  await expect(page.locator('.embed-header')).toContainText('vs alt-configure-mmu');
  await expect(page.getByLabel('Right kernel variant')).toHaveCount(0);
  await page.getByRole('button', { name: 'Step forward', exact: true }).click();
  await expect(app.position).toHaveText(/^row 6 \//);
  await expect(app.region('Aligned steps').locator('[aria-current="step"]')).toHaveAttribute(
    'data-row',
    '6',
  );
});

test('export in compare mode draws the comparison', async ({ app, page }, info) => {
  await app.timeline.fill('40');
  const [svg] = await Promise.all([
    page.waitForEvent('download'),
    app.button('Export SVG').click(),
  ]);
  expect(svg.suggestedFilename()).toBe('kvm-mmu-seed-p2-intel-vs-alt-configure-mmu-row40.svg');
  const path = info.outputPath('compare.svg');
  await svg.saveAs(path);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain('Patch-ordering review: seed-p2 vs alt-configure-mmu');
  expect(text).toContain('row 40 of');
});

test('a link whose compared scenario cannot run says so and compares with a good one', async ({
  app,
  page,
}) => {
  const envelope = {
    v: 1,
    s: { v: 1, kernel: 'seed-p2', vendor: 'intel' },
    t: 3,
    m: 'compare',
    // The right shape, so the link opens; the run refuses it (kvm_intel before kvm).
    c: { v: 1, kernel: 'v6.0', vendor: 'intel', modules: ['load kvm_intel'] },
  };
  await app.open(`#s1/${LZString.compressToEncodedURIComponent(JSON.stringify(envelope))}`);
  await expect(app.notice).toContainText('The compared scenario could not run');
  await expect(app.notice).toContainText('Comparing with alt-configure-mmu instead');
  await expect(page.getByLabel('Right kernel variant')).toHaveValue('alt-configure-mmu');
  await app.waitForComparison();
  await expect(app.region('Aligned steps').locator('[data-row]')).not.toHaveCount(0);
});

test('an edit that shifts a block of aligned rows moves the rows around it, rewriting none', async ({
  app,
  page,
}) => {
  type Rows = {
    /** Each row element, the steps it shows on either side, and its row number. */
    alignedRows(): [HTMLTableRowElement, string, string | undefined][];
    before: [HTMLTableRowElement, string, string | undefined][];
  };
  await page.evaluate(() => {
    const w = window as unknown as Rows;
    w.alignedRows = () =>
      [
        ...document.querySelectorAll<HTMLTableRowElement>(
          'section[aria-label="Aligned steps"] tbody tr',
        ),
      ].map((tr) => {
        const [left, , right] = tr.querySelectorAll('td');
        return [tr, `${left?.textContent} | ${right?.textContent}`, tr.dataset.row];
      });
    w.before = w.alignedRows();
  });
  // ops->hardware_setup() and the vendor's whole setup under it move one row down.
  await page.getByRole('tab', { name: 'Ordering' }).click();
  await page.locator('.ordering [data-step="kvm_arch_hardware_setup/ops->hardware_setup"]').focus();
  await app.recompare(() => page.keyboard.press('Alt+ArrowDown'));
  const { rewritten, shifted } = await page.evaluate(() => {
    const w = window as unknown as Rows;
    const now = new Map(w.alignedRows().map(([tr, shows, row]) => [tr, { shows, row }]));
    const kept = w.before.filter(([tr]) => now.has(tr));
    return {
      rewritten: kept.filter(([tr, shows]) => now.get(tr)!.shows !== shows).length,
      shifted: kept.filter(([tr, , row]) => now.get(tr)!.row !== row).length,
    };
  });
  expect(shifted).toBeGreaterThan(10);
  expect(rewritten).toBe(0);
});
