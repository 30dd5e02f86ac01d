import { expect, test } from '@playwright/test';

test('the app opens and lists the kernel variants', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'KVM MMU visualizer' })).toBeVisible();
  await expect(page.getByText('v6.0 (what shipped)')).toBeVisible();
});
