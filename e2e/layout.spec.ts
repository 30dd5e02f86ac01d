import { expect, test, type AppPage } from './fixtures';
import { MODES } from './modes';

const SHARE_BUTTONS = [
  'Copy link',
  'Download scenario',
  'Open scenario',
  'Export SVG',
  'Export PNG',
] as const;

/** The tops of the share buttons: one value when they sit on one row. */
const shareRowTops = async (app: AppPage) =>
  new Set(
    await Promise.all(
      SHARE_BUTTONS.map(async (name) => Math.round((await app.button(name).boundingBox())!.y)),
    ),
  );

/**
 * How many pixels a select's shown option has left beside the drop-down arrow: negative or
 * small when the option's text is cut off.
 */
const selectSlack = (app: AppPage, label: string) =>
  app.page.getByLabel(label, { exact: true }).evaluate((el) => {
    const select = el as HTMLSelectElement;
    const style = getComputedStyle(select);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = style.font;
    const text = ctx.measureText(select.selectedOptions[0]!.text).width;
    return (
      select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - text
    );
  });
/** Chromium's drop-down arrow takes about 20 px of a select's content box. */
const ARROW = 16;

/** Elements that cut their text off with an ellipsis, with the text they cut. */
const ellipsized = (app: AppPage) =>
  app.page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('body *')]
      .filter(
        (el) => getComputedStyle(el).textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth,
      )
      .map((el) => el.textContent),
  );

test.describe('at 1280×720', () => {
  test('the share buttons sit on one row, alone and beside the compare controls', async ({
    app,
  }) => {
    await app.open();
    expect(await shareRowTops(app)).toHaveProperty('size', 1);
    await app.button('Compare…').click();
    await app.waitForComparison();
    expect(await shareRowTops(app)).toHaveProperty('size', 1);
  });

  test('the theme and help buttons sit at the top, on the title’s row', async ({ app, page }) => {
    await app.open();
    const title = (await page.getByRole('heading', { level: 1 }).boundingBox())!;
    for (const name of ['Help', 'Switch to dark theme']) {
      const box = (await app.button(name).boundingBox())!;
      expect(box.y, name).toBeLessThan(title.y + title.height);
      expect(box.x + box.width, name).toBeLessThanOrEqual(1280);
    }
  });

  test('no variant name is cut off in the variant selects, and no pane cuts text off', async ({
    app,
    page,
  }) => {
    await app.open();
    const variants = await page
      .getByLabel('Kernel variant', { exact: true })
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(variants.length).toBeGreaterThan(5);
    for (const v of variants) {
      await app.choose('Kernel variant', v);
      expect(await selectSlack(app, 'Kernel variant'), v).toBeGreaterThanOrEqual(ARROW);
      expect(await ellipsized(app), v).toEqual([]);
    }
    await app.button('Compare…').click();
    await app.waitForComparison();
    expect(await selectSlack(app, 'Right kernel variant')).toBeGreaterThanOrEqual(ARROW);
    await app.timeline.fill('40');
    expect(await ellipsized(app)).toEqual([]);
  });

  test('a long list of findings folds behind "Show all", the current one still shown', async ({
    app,
    page,
  }) => {
    await app.open();
    await app.choose('Kernel variant', 'bad-reset-after-setup');
    const findings = app.region('Findings');
    const items = findings.getByRole('listitem').filter({ has: page.locator('.kind') });
    const total = await findings.locator('li.finding').count();
    expect(total).toBeGreaterThan(3);
    await expect(items).toHaveCount(3);
    await expect(findings).toContainText(/\d+ stale reads?, \d+ clobbers?/);
    // Stepping to a folded finding's step shows it while the step is there.
    const last = findings.locator('li.finding').last();
    const step = Number(
      (await last
        .getByRole('button', { name: /^Go to step/, includeHidden: true })
        .first()
        .getAttribute('aria-label'))!.match(/step (\d+)/)![1],
    );
    await app.timeline.fill(String(step));
    await expect(last).toBeVisible();
    await expect(items).toHaveCount(4);
    const show = app.button(`Show all ${total} findings`);
    await show.click();
    await expect(items).toHaveCount(total);
    await expect(app.button('Show the first 3')).toHaveAttribute('aria-expanded', 'true');
  });
});

test.describe('at 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('a mask is a hex row whose bits open and close from the keyboard', async ({ app }) => {
    await app.open();
    await app.choose('Kernel variant', 'v6.6');
    await app.goToEnd();
    const row = app.region('PTE masks').locator('[data-mask="shadow_mmio_mask"]');
    const strip = row.locator('svg.bits');
    await expect(app.mask('shadow_mmio_mask')).toHaveText('0x7');
    await expect(strip).toBeHidden();
    const toggle = row.getByRole('button', { name: 'Bits of shadow_mmio_mask' });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.focus();
    await app.page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(strip).toBeVisible();
    // 0x7 in an EPT entry: read, write, execute, one line each.
    await expect(row.getByRole('listitem')).toHaveText([
      /^bit 0: read/,
      /^bit 1: write/,
      /^bit 2: execute/,
    ]);
    const pane = (await app.region('PTE masks').boundingBox())!;
    const box = (await strip.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(pane.x + pane.width);
    await app.page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(strip).toBeHidden();
  });

  test('on a phone the player wraps within the width and the panes stack', async ({ app }) => {
    await app.open();
    const width = await app.page.evaluate(() => window.innerWidth);
    for (const region of ['Call stack', 'PTE masks', 'Findings', 'kmem caches'] as const) {
      const box = (await app.region(region).boundingBox())!;
      expect(box.x, region).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, region).toBeLessThanOrEqual(width);
    }
    for (const name of ['Restart', 'Step back', 'Play', 'Step forward']) {
      const box = (await app.button(name).boundingBox())!;
      expect(box.x + box.width, name).toBeLessThanOrEqual(width);
    }
  });

  for (const [mode, open] of Object.entries(MODES))
    test(`${mode}: nothing scrolls sideways`, async ({ app }) => {
      await open(app);
      const overflow = await app.page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      const cut = await app.page.evaluate(() =>
        [...document.querySelectorAll('button')]
          .filter((b) => b.checkVisibility() && b.scrollWidth > b.clientWidth + 1)
          .map((b) => b.textContent),
      );
      expect(cut, 'buttons whose text is cut off').toEqual([]);
    });
});
