import { expect, SEED_P2, test } from './fixtures';

test('a bad variant shows its finding, and the finding jumps to its step', async ({ app }) => {
  await app.open();
  await app.choose('Kernel variant', 'bad-reset-after-setup');
  const findings = app.region('Findings');
  await expect(findings.locator('[data-kind="clobber"]').first()).toBeVisible();
  await expect(findings).toContainText('after VMX set them');
  const clobber = findings.locator('[data-kind="clobber"]').first();
  await clobber.getByText('What the kernel does about it').click();
  await expect(clobber).toContainText('kvm_mmu_vendor_module_init()');
  await expect(clobber.getByRole('link').first()).toHaveAttribute(
    'href',
    /^https:\/\/elixir\.bootlin\.com\/linux\/v6\.0\.19\/source\/arch\/x86\/kvm\/mmu\/mmu\.c#L\d+$/,
  );
  await clobber.getByRole('button', { name: /^Go to step \d+$/ }).click();
  await expect(app.region('Call stack')).toContainText('kvm_mmu_reset_all_pte_masks()');
  await expect(app.region('Call stack')).toContainText('kvm_arch_hardware_setup()');
});

test('each teaching variant yields its kind of finding', async ({ app }) => {
  await app.open();
  await app.choose('Kernel variant', 'bad-create-before-configure');
  await expect(app.region('Findings').locator('[data-kind="stale-read"]')).toContainText(
    'nr_sptes_per_pte_list',
  );
  await expect(app.region('Findings').locator('[data-kind="warn"]')).toBeVisible();
  await app.choose('Kernel variant', 'bad-alt-no-unconfigure');
  await expect(app.region('Findings').locator('[data-kind="leak"]').first()).toContainText(
    'will leak when kvm_intel unloads',
  );
});

test('removing kvm_configure_mmu() from hardware_setup() is reported, and the review copies as a reply', async ({
  app,
  page,
  context,
}) => {
  await app.open(SEED_P2);
  await page.getByRole('tab', { name: 'Ordering' }).click();
  const configure = page.locator('.ordering [data-step="hardware_setup/kvm_configure_mmu"]');
  await configure.hover();
  await app.rerun(() =>
    configure.getByRole('button', { name: 'Remove kvm_configure_mmu()' }).click(),
  );
  await expect(page.getByRole('list', { name: 'Edits' })).toContainText(
    'removed kvm_configure_mmu() from hardware_setup()',
  );
  const missing = app.region('Findings').locator('[data-kind="missing-step"]');
  await expect(missing).toHaveCount(1);
  await expect(missing).toContainText('kvm_configure_mmu() in hardware_setup() never ran');
  await expect(missing).toContainText('VMX decided enable_ept = 1, but tdp_enabled is 0');
  await missing.getByText('What the kernel does about it').click();
  await expect(missing.getByRole('link').first()).toHaveAttribute(
    'href',
    'https://elixir.bootlin.com/linux/v5.19/source/arch/x86/kvm/mmu/mmu.c#L5510',
  );

  // The same finding in a comparison with the unedited ordering, copied as a reply.
  await app.button('Compare…').click();
  await app.waitForComparison();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.region('Review summary').getByRole('button', { name: 'Copy as reply' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Reply copied' })).toBeVisible();
  const reply = await page.evaluate(() => navigator.clipboard.readText());
  for (const line of reply.split('\n'))
    if (!line.startsWith('Link: ')) expect(line.length, line).toBeLessThanOrEqual(72);
  const words = reply.replace(/\s+/g, ' ');
  expect(words).toContain('> hardware_setup(): ');
  expect(words).toContain('[missing step] kvm_configure_mmu() in hardware_setup() never ran');
  expect(reply).toContain(
    'Link: https://elixir.bootlin.com/linux/v5.19/source/arch/x86/kvm/mmu/mmu.c#L5510',
  );
});
