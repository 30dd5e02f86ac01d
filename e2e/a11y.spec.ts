import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';

for (const theme of ['light', 'dark'] as const)
  test(`no axe violations mid-run (${theme} theme)`, async ({ app, page }) => {
    await page.emulateMedia({ colorScheme: theme });
    await app.open();
    await app.choose('Workload', 'alias');
    await app.goToEnd();
    await expect(app.region('Reverse maps').locator('g.desc').first()).toBeVisible();
    const result = await new AxeBuilder({ page }).analyze();
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.help}`)).toEqual([]);
  });

test('fits 1280×720 without horizontal scrolling', async ({ app, page }) => {
  await app.open();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
});

for (const theme of ['light', 'dark'] as const)
  test(`compare mode: no axe violations, no horizontal scrolling (${theme} theme)`, async ({
    app,
    page,
  }) => {
    await page.emulateMedia({ colorScheme: theme });
    await app.open();
    await app.choose('Fault', 'hardware_setup');
    await app.button('Compare…').click();
    await app.waitForComparison();
    await app.timeline.fill('40');
    const result = await new AxeBuilder({ page }).analyze();
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.help}`)).toEqual([]);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });
