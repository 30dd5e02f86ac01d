import type { Page } from '@playwright/test';
import { loadAllVariants, sourceUrl, VARIANTS } from '../app/engine';
import { findStep } from '../app/engine/edits';
import { expect, SEED_P2, test } from './fixtures';

// What the engine runs here loads on demand, as in the worker (variants/index.ts, loadVariant).
await loadAllVariants();

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

test('v7.1 with TDX: the TDX gate runs inside hardware_setup(), linked to v7.1.3', async ({
  app,
  page,
}) => {
  await app.open();
  await app.choose('Kernel variant', 'v7.1');
  await page.getByText('More parameters').click();
  await app.rerun(() => page.getByLabel('TDX', { exact: true }).check());
  await app.stepUntil('decide whether TDX stays enabled');
  const stack = app.region('Call stack');
  await expect(stack).toContainText('vt_hardware_setup()');
  await expect(stack).toContainText('tdx_hardware_setup()');
  await expect(stack).toContainText('TDX stays enabled');
  await expect(stack.getByRole('link', { name: /tdx\.c:3360/ })).toHaveAttribute(
    'href',
    'https://elixir.bootlin.com/linux/v7.1.3/source/arch/x86/kvm/vmx/tdx.c#L3360',
  );
});

test('a step links to its own call line at the variant’s tree; its frames to their definitions', async ({
  app,
}) => {
  await app.open();
  await app.choose('Kernel variant', 'v6.0');
  await app.choose('Vendor', 'intel');
  await app.stepUntil('kvm_mmu_reset_all_pte_masks()');
  const stack = app.region('Call stack');
  // The engine's line of this call in kvm_mmu_vendor_module_init(), and the callee's definition.
  const v = VARIANTS['v6.0'];
  const call = findStep(v, 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks')!.step.src!;
  expect(call).toMatchObject({ tree: 'v6.0.19', file: 'arch/x86/kvm/mmu/mmu.c' });
  await expect(stack.locator('.source')).toContainText('Called at:');
  await expect(stack.locator('.source a')).toHaveAttribute('href', sourceUrl(call));
  await expect(stack.getByRole('link', { name: 'kvm_mmu_vendor_module_init()' })).toHaveAttribute(
    'href',
    sourceUrl(v.functions.kvm_mmu_vendor_module_init!.src),
  );
  expect(sourceUrl(call)).not.toBe(sourceUrl(v.functions.kvm_mmu_reset_all_pte_masks!.src));
});

test('keyboard: arrows step, Home restarts, ? opens the help with the shortcuts', async ({
  app,
  page,
}) => {
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
  const help = page.getByRole('dialog', { name: 'Welcome to the KVM MMU visualizer' });
  await expect(help).toContainText('Step forward');
  await expect(help).toContainText('play / pause');
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

declare global {
  interface Window {
    /** The mask bits changed at this step, and the flash animations they run. */
    flashing(): { changed: number; animated: number; durations: number[] };
  }
}

/**
 * Presses → `times` times, `gapMs` apart on the page's stopped clock (0: at once, as
 * a held key repeats), and reads the flashing bits as soon as the last step is drawn:
 * in the same task, so no frame can pass first and let a short flash end unseen.
 */
async function pressRight(page: Page, times: number, gapMs: number) {
  const press = () =>
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
  for (let i = 1; i < times; i++) {
    await page.evaluate(press);
    if (gapMs > 0) await page.clock.runFor(gapMs);
  }
  return page.evaluate(async () => {
    const position = () => document.querySelector('.playback .position')?.textContent;
    const before = position();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    // React draws an update from outside its events in a microtask.
    for (let i = 0; i < 100 && position() === before; i++) await Promise.resolve();
    return window.flashing();
  });
}

test('changed bits flash in full at reading pace, briefly when playing briskly, not when stepping rapidly or with reduced motion', async ({
  app,
  page,
}) => {
  await page.addInitScript(() => {
    window.flashing = () => {
      const changed = [...document.querySelectorAll('.masks svg.bits rect')].filter(
        (c) => c.getAttribute('stroke') === 'var(--bit-changed)',
      );
      const durations = changed.flatMap((c) =>
        c.getAnimations().map((a) => Number(a.effect?.getComputedTiming().duration)),
      );
      return {
        changed: changed.length,
        animated: durations.length,
        durations: [...new Set(durations)],
      };
    };
  });
  // The pace of the steps is what the test makes it: the page's clock moves only when told.
  await page.clock.install();
  await app.open(SEED_P2);
  await app.freezeTime();
  await app.timeline.fill('16'); // the next step is the mask reset: many bits change
  await page.clock.runFor(500); // reading pace
  // Read in the page as the step is drawn: a busy machine could otherwise let the flash end first.
  const slow = await pressRight(page, 1, 0);
  expect(slow.changed).toBeGreaterThan(0);
  expect(slow).toEqual({ changed: slow.changed, animated: slow.changed, durations: [450] });

  // 200 ms after the step before it, as when playing at 4–8 steps/s: a short flash.
  await app.timeline.fill('15');
  await page.clock.runFor(500); // reading pace
  expect(await pressRight(page, 2, 200)).toEqual({ ...slow, durations: [100] });

  // Steps closer together than any animation could be seen: drawn at once.
  await app.timeline.fill('15');
  await page.clock.runFor(500); // reading pace
  expect(await pressRight(page, 2, 0)).toEqual({ ...slow, animated: 0, durations: [] });

  await page.emulateMedia({ reducedMotion: 'reduce' });
  await app.timeline.fill('16');
  await page.clock.runFor(500); // reading pace
  expect(await pressRight(page, 1, 0)).toEqual({
    ...slow,
    animated: 0,
    durations: [],
  });
});
