import { expect, test } from './fixtures';

test('stepping through seed-p2 on Intel with TDP: masks before and after VMX hardware_setup()', async ({
  app,
}) => {
  await app.open();
  await app.choose('Kernel variant', 'seed-p2');
  await app.choose('Vendor', 'intel');
  await expect(app.page.getByLabel('TDP', { exact: true })).toBeChecked();

  // Before the vendor runs: the reset's x86 defaults.
  await app.stepUntil('ops->hardware_setup = hardware_setup()');
  await expect(app.region('Call stack')).toContainText('kvm_arch_hardware_setup()');
  await expect(app.mask('shadow_present_mask')).toHaveText('0x1');
  await expect(app.mask('shadow_user_mask')).toHaveText('0x4');
  await expect(app.mask('shadow_x_mask')).toHaveText('0x0');
  await expect(app.mask('shadow_nx_mask')).toHaveText('0x8000000000000000');
  await expect(app.mask('shadow_mmio_value')).toHaveText('0x8000000000001');

  // VMX rewrites the masks for EPT before it calls kvm_configure_mmu().
  await app.stepUntil('EPT values for the shadow_* masks');
  await expect(app.region('Call stack')).toContainText('kvm_mmu_set_ept_masks()');
  await expect(app.region('PTE masks').locator('[data-mask="shadow_present_mask"]')).toHaveClass(
    /changed/,
  );
  await app.stepUntil('tdp_enabled, root levels');
  await expect(app.mask('shadow_present_mask')).toHaveText('0x0');
  await expect(app.mask('shadow_user_mask')).toHaveText('0x1');
  await expect(app.mask('shadow_x_mask')).toHaveText('0x4');
  await expect(app.mask('shadow_accessed_mask')).toHaveText('0x100');
  await expect(app.mask('shadow_mmio_value')).toHaveText('0x6');
  await expect(
    app.region('PTE masks').locator('[data-mask="shadow_present_mask"] .badge'),
  ).toHaveText('VMX');

  // seed-p2 creates the caches only now, after kvm_ops_update().
  await expect(app.region('kmem caches')).toContainText('No MMU cache exists yet');
  await app.stepUntil('kmem_cache_create("pte_list_desc"');
  await expect(app.region('kmem caches').locator('[data-cache="pte_list_desc"]')).toContainText(
    '128 B objects',
  );
  await app.stepUntil('kvm_intel loaded');
  await expect(app.region('Findings')).toContainText('No ordering hazard');
});

test('keyboard: arrows step, Home restarts, ? lists the shortcuts', async ({ app, page }) => {
  await app.open();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(app.position).toHaveText(/^step 2 \//);
  await page.keyboard.press('ArrowLeft');
  await expect(app.position).toHaveText(/^step 1 \//);
  await page.keyboard.press('End');
  await expect(app.position).toHaveText(/^step (\d+) \/ \1$/);
  await page.keyboard.press('Home');
  await expect(app.position).toHaveText(/^step 0 \//);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Step forward');
  await expect(help).toContainText('Play / Pause');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.keyboard.press(' ');
  await expect(app.button('Pause')).toBeVisible();
  await page.keyboard.press(' ');
  await expect(app.button('Play')).toBeVisible();
});

test('the timeline scrubber seeks and names the phase', async ({ app }) => {
  await app.open();
  await app.timeline.fill('30');
  await expect(app.position).toHaveText(/^step 30 \//);
  await expect(app.timeline).toHaveAttribute('aria-valuetext', /step 30 of \d+: /);
});

test('changed bits flash when stepping at reading pace, not when stepping fast or with reduced motion', async ({
  app,
  page,
}) => {
  const flashing = () =>
    page.evaluate(() => {
      const changed = [...document.querySelectorAll('.masks svg.bits rect')].filter(
        (c) => c.getAttribute('stroke') === 'var(--bit-changed)',
      );
      return {
        changed: changed.length,
        animated: changed.filter((c) => c.getAnimations().length > 0).length,
      };
    });
  await app.open();
  await app.timeline.fill('16'); // the next step is the mask reset: many bits change
  await page.waitForTimeout(500);
  await app.step();
  const slow = await flashing();
  expect(slow.changed).toBeGreaterThan(0);
  expect(slow.animated).toBe(slow.changed);

  // Two steps closer together than the flash lasts: the second is drawn at once.
  await app.timeline.fill('16');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await app.page.keyboard.press('ArrowRight');
  await app.page.keyboard.press('ArrowRight');
  await expect(app.position).toHaveText(/^step 18 \//);
  const fast = await flashing();
  expect(fast.changed).toBeGreaterThan(0);
  expect(fast.animated).toBe(0);

  await page.emulateMedia({ reducedMotion: 'reduce' });
  await app.timeline.fill('16');
  await page.waitForTimeout(500);
  await app.step();
  const reduced = await flashing();
  expect(reduced.changed).toBe(slow.changed);
  expect(reduced.animated).toBe(0);
});
