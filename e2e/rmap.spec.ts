import { expect, test } from './fixtures';

test('playing a shadow-paging workload grows a gfn’s chain past one pte_list_desc', async ({
  app,
  page,
}) => {
  await app.open();
  await app.choose('Kernel variant', 'v6.6');
  await app.rerun(() => page.getByLabel('TDP', { exact: true }).uncheck());
  await app.choose('Workload', 'alias');
  await app.stepUntil('KVM_CREATE_VM');
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
});

test('a random VM-scale workload shows totals and a histogram', async ({ app }) => {
  await app.open();
  await app.choose('Workload', 'random-small');
  await app.goToEnd();
  const rmaps = app.region('Reverse maps');
  await expect(rmaps.locator('[data-field="sptes"]')).not.toHaveText('0');
  await expect(rmaps.getByRole('img', { name: /chain lengths of [\d,]+ gfns/ })).toBeVisible();
});
