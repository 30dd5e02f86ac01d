import type { Route } from '@playwright/test';
import { expect, SEED_P2, test, type AppPage } from './fixtures';

/** The ordering editor's row for a step, by the step's own name (the end of its id). */
const row = (app: AppPage, fn: string, step: string) =>
  app.page.locator(`.ordering [data-step="${fn}/${step}"]`);

const clobbers = (app: AppPage) => app.region('Findings').locator('[data-kind="clobber"]');

test.beforeEach(async ({ app }) => {
  await app.open(SEED_P2);
  await app.page.getByRole('tab', { name: 'Ordering' }).click();
  // The editor is a chunk of its own: its function blocks are there once it has loaded.
  await expect(app.page.locator('.ordering details.fn').first()).toBeVisible();
});

test('moving the mask reset after vendor setup names the clobber; undo and redo follow', async ({
  app,
}) => {
  await expect(clobbers(app)).toHaveCount(0);
  const reset = row(app, 'kvm_mmu_vendor_module_init', 'kvm_mmu_reset_all_pte_masks');
  await reset.hover();
  await reset.getByRole('button', { name: /^Move .* to…$/ }).click();
  await reset.getByLabel('Move into').selectOption('kvm_arch_hardware_setup');
  await reset.getByLabel('Position').selectOption({ label: 'after kvm_ops_update(ops)' });
  await app.rerun(() => reset.getByRole('button', { name: 'Move', exact: true }).click());

  await expect(app.page.getByRole('list', { name: 'Edits' })).toContainText(
    'kvm_mmu_reset_all_pte_masks',
  );
  await expect(clobbers(app).first()).toContainText('after VMX set them');
  await expect(app.page.getByRole('tab', { name: /Ordering/ })).toContainText('1');

  await app.rerun(() => app.page.keyboard.press('Control+z'));
  await expect(clobbers(app)).toHaveCount(0);
  await app.rerun(() => app.page.keyboard.press('Control+Shift+Z'));
  await expect(clobbers(app).first()).toBeVisible();
  await app.rerun(() => app.button('Reset').click());
  await expect(clobbers(app)).toHaveCount(0);
});

test('a step moves by drag and drop', async ({ app }) => {
  const reset = row(app, 'kvm_mmu_vendor_module_init', 'kvm_mmu_reset_all_pte_masks');
  const target = row(app, 'kvm_arch_hardware_setup', 'ops_update');
  await app.rerun(() => reset.dragTo(target, { targetPosition: { x: 20, y: 16 } }));
  await expect(clobbers(app).first()).toBeVisible();
  const hwSetup = app.page.getByRole('list', { name: 'kvm_arch_hardware_setup body' });
  await expect(hwSetup.locator('[data-step]').nth(3)).toHaveAttribute(
    'data-step',
    /kvm_mmu_reset_all_pte_masks$/,
  );
});

test('Alt+arrow keys move the focused step and keep it focused', async ({ app }) => {
  const body = app.page.getByRole('list', { name: 'kvm_arch_hardware_setup body' });
  const mmuSetup = row(app, 'kvm_arch_hardware_setup', 'kvm_mmu_hardware_setup');
  await mmuSetup.focus();
  // The row moves with its focus: a screen reader hears nothing until the next key.
  await app.page.evaluate(() => {
    const w = window as unknown as { focusMoves: number };
    w.focusMoves = 0;
    document.addEventListener('focusout', () => w.focusMoves++);
  });
  await app.rerun(() => app.page.keyboard.press('Alt+ArrowUp'));
  await expect(body.locator('[data-step]').nth(2)).toHaveAttribute(
    'data-step',
    /kvm_mmu_hardware_setup$/,
  );
  await expect(body.locator('[data-step]').nth(2)).toBeFocused();
  await expect(app.page.getByRole('list', { name: 'Edits' })).toContainText(
    'kvm_mmu_hardware_setup',
  );
  await app.rerun(() => app.page.keyboard.press('Alt+ArrowDown'));
  await expect(body.locator('[data-step]').nth(3)).toHaveAttribute(
    'data-step',
    /kvm_mmu_hardware_setup$/,
  );
  await expect(body.locator('[data-step]').nth(3)).toBeFocused();
  expect(
    await app.page.evaluate(() => (window as unknown as { focusMoves: number }).focusMoves),
  ).toBe(0);
});

test('an edit that changes the call order leaves the function blocks in place', async ({ app }) => {
  const body = app.page.getByRole('list', { name: 'kvm_arch_hardware_setup body' });
  const functions = () => app.page.locator('.ordering details.fn > summary code').allTextContents();
  const listed = await functions();
  expect(listed.indexOf('hardware_setup()')).toBeLessThan(
    listed.indexOf('kvm_mmu_hardware_setup()'),
  );
  await row(app, 'kvm_arch_hardware_setup', 'kvm_mmu_hardware_setup').focus();
  await app.rerun(() => app.page.keyboard.press('Alt+ArrowUp'));
  await app.rerun(() => app.page.keyboard.press('Alt+ArrowUp'));
  // kvm_mmu_hardware_setup() now runs before VMX's hardware_setup(); its block stays below.
  await expect(body.locator('[data-step]').nth(1)).toHaveAttribute(
    'data-step',
    /kvm_mmu_hardware_setup$/,
  );
  expect(await functions()).toEqual(listed);
});

test('an impossible edit is explained and not applied', async ({ app }) => {
  const call = row(app, 'kvm_arch_init', 'kvm_mmu_vendor_module_init');
  await call.hover();
  await call.getByRole('button', { name: /^Move .* to…$/ }).click();
  await call.getByLabel('Move into').selectOption('kvm_mmu_vendor_module_init');
  await call.getByRole('button', { name: 'Move', exact: true }).click();
  await expect(app.notice).toContainText('call itself');
  await expect(app.page.getByRole('list', { name: 'Edits' })).toHaveCount(0);
  await expect(app.button('Undo')).toBeDisabled();
});

test('edits stay with their kernel variant', async ({ app }) => {
  const mmuSetup = row(app, 'kvm_arch_hardware_setup', 'kvm_mmu_hardware_setup');
  await mmuSetup.focus();
  await app.rerun(() => app.page.keyboard.press('Alt+ArrowUp'));
  await app.choose('Kernel variant', 'v6.0');
  await expect(app.notice).toContainText('choose seed-p2 again');
  await expect(app.page.getByRole('list', { name: 'Edits' })).toHaveCount(0);
  await app.choose('Kernel variant', 'seed-p2');
  await expect(app.page.getByRole('list', { name: 'Edits' })).toContainText(
    'kvm_mmu_hardware_setup',
  );
  await expect(app.button('Undo')).toBeEnabled();
});

test('edits survive a reload straight after them, on a bare page and on one opened from a link', async ({
  app,
  page,
}) => {
  const edits = page.getByRole('list', { name: 'Edits' });
  const before = app.hash(); // seed-p2's link (beforeEach)
  await app.choose('Kernel variant', 'seed-p3');
  // The link follows the change 100 ms later, not with its run: wait for seed-p3's.
  await expect.poll(() => app.hash()).not.toBe(before);
  const link = app.hash();
  expect(link).toMatch(/^#s2\//);
  // The page reloads the moment the edit's run is done, most often before the edit reaches
  // the URL, so the reload takes the URL as it was. A quick reload leaves the old page to
  // write the edit as it goes away; a slow one (its page takes 0.4 s to arrive) gives it
  // time to write the edit while the reload waits.
  for (const opened of ['', link])
    for (const arrivesAfterMs of [0, 400]) {
      await app.open(opened); // bare: the last session, seed-p3 as chosen above
      await page.getByRole('tab', { name: 'Ordering' }).click();
      await expect(edits).toHaveCount(0);
      await row(app, 'kvm_arch_hardware_setup', 'kvm_mmu_hardware_setup').focus();
      const reloadedPage = (url: URL) => url.pathname === '/';
      const late = (r: Route) => setTimeout(() => void r.continue(), arrivesAfterMs);
      await page.route(reloadedPage, late, { times: 1 });
      await page.evaluate(() => {
        const main = document.querySelector('main')!;
        const id = main.dataset.runId;
        new MutationObserver(() => {
          if (main.dataset.runId !== id && main.dataset.runStatus === 'done') location.reload();
        }).observe(main, { attributes: true });
      });
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('Alt+ArrowUp')]);
      await app.waitForRun();
      await page.getByRole('tab', { name: 'Ordering' }).click();
      await expect(edits).toContainText('kvm_mmu_hardware_setup');
      await expect(page.getByLabel('Kernel variant', { exact: true })).toHaveValue('seed-p3');
      await app.rerun(() => app.button('Reset').click()); // the next round starts without edits
    }
});
