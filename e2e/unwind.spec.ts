import { expect, test } from './fixtures';

test('a hardware_setup() failure unwinds: the caches v6.0 created are destroyed again', async ({
  app,
}) => {
  await app.open();
  await app.choose('Kernel variant', 'v6.0');
  await app.choose('Fault', 'hardware_setup');
  await app.stepUntil('r = alloc_kvm_area()');
  await expect(app.region('Call stack')).toContainText('-ENOMEM (injected)');
  await expect(app.region('kmem caches').locator('[data-cache="pte_list_desc"]')).toHaveClass(
    /live/,
  );
  // The error climbs back through kvm_init's labels into kvm_arch_exit().
  await app.stepUntil('hardware_setup() returns -ENOMEM');
  await app.stepUntil('kmem_cache_destroy(pte_list_desc_cache)');
  await expect(app.region('Call stack')).toContainText('kvm_arch_exit()');
  await expect(app.region('Call stack')).toContainText('@out_irqfd');
  await expect(app.page.locator('.timeline .legend')).toContainText('error unwind');
  await app.stepUntil('insmod kvm_intel: -ENOMEM');
  await expect(app.region('kmem caches').locator('[data-cache="pte_list_desc"]')).toHaveClass(
    /destroyed/,
  );
  await expect(app.region('kmem caches').locator('[data-lifecycle="mmu_shrinker"]')).toContainText(
    'unregistered',
  );
  await expect(app.region('Findings')).toContainText('No ordering hazard');
});

test('v5.19 leaks the percpu counter when register_shrinker() fails (fixed in v6.1)', async ({
  app,
}) => {
  await app.open();
  await app.choose('Kernel variant', 'v5.19');
  await app.choose('Fault', 'register_shrinker');
  await expect(app.region('Findings').getByText('leak', { exact: true })).toBeVisible();
  await expect(app.region('Findings')).toContainText('kvm_total_used_mmu_pages percpu counter');
});
