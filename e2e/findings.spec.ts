import { expect, test } from './fixtures';

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
