import AxeBuilder from '@axe-core/playwright';
import { expect, test, type AppPage } from './fixtures';

const violations = async (app: AppPage) =>
  (await new AxeBuilder({ page: app.page }).analyze()).violations.map(
    (v) => `${v.id}: ${v.nodes.length} × ${v.help} (${v.nodes[0]?.target.join(' ')})`,
  );
const horizontalOverflow = (app: AppPage) =>
  app.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** Every mode the app has, each brought to a state that shows most of what it draws. */
const MODES: Record<string, (app: AppPage) => Promise<void>> = {
  // Mid-run: a function's step listing (a scrolling region) is on screen.
  stepping: async (app) => {
    await app.open();
    await app.timeline.fill('30');
    await expect(app.page.locator('.callstack .listing')).toBeVisible();
  },
  'reverse maps': async (app) => {
    await app.open();
    await app.choose('Workload', 'alias');
    await app.goToEnd();
    await expect(app.region('Reverse maps').locator('g.desc').first()).toBeVisible();
  },
  'findings, all shown, bits opened': async (app) => {
    await app.open();
    await app.choose('Kernel variant', 'bad-reset-after-setup');
    await app.page.getByRole('button', { name: /^Show all \d+ findings$/ }).click();
    await app.page.getByRole('button', { name: 'Bits of shadow_mmio_mask' }).click();
  },
  compare: async (app) => {
    await app.open();
    await app.choose('Fault', 'hardware_setup');
    await app.button('Compare…').click();
    await app.waitForComparison();
    await app.timeline.fill('40');
  },
  ordering: async (app) => {
    await app.open();
    await app.page.getByRole('tab', { name: 'Ordering' }).click();
    await expect(app.page.locator('.ordering .fn').first()).toBeVisible();
  },
  help: async (app) => {
    await app.open();
    await app.button('Help').click();
    await expect(
      app.page.getByRole('dialog', { name: 'Welcome to the KVM MMU visualizer' }),
    ).toBeVisible();
  },
  embed: async (app) => {
    await app.page.goto('/?embed=1');
    await app.waitForRun();
    await app.timeline.fill('30');
  },
  'compare embed': async (app) => {
    await app.open();
    await app.button('Compare…').click();
    await app.waitForComparison();
    // The comparison reaches the URL a moment after it opens.
    await expect.poll(() => app.hash()).not.toBe('');
    await app.page.goto(`/?embed=1${app.hash()}`);
    await app.waitForComparison();
    await app.timeline.fill('40');
  },
};

const DESKTOP = { width: 1280, height: 720 };
const PHONE = { width: 390, height: 844 };

// axe checks the contrast of every node: on a mask table and a trace, 10-30 s on two cores.
// So axe runs on every mode in both themes at the laptop size, and on the phone layout in
// both themes once (layout.spec.ts checks the phone layout's width pane by pane).
const AXE_RUNS = [
  ...Object.keys(MODES).flatMap((mode) =>
    (['light', 'dark'] as const).map((theme) => ({ mode, size: 'desktop', theme })),
  ),
  { mode: 'stepping', size: 'phone', theme: 'light' as const },
  { mode: 'stepping', size: 'phone', theme: 'dark' as const },
];

for (const { mode, size, theme } of AXE_RUNS)
  test(`${mode}, ${size}, ${theme}: no axe violations, no horizontal scrolling`, async ({
    app,
    page,
  }) => {
    test.setTimeout(120_000);
    await page.setViewportSize(size === 'phone' ? PHONE : DESKTOP);
    await page.emulateMedia({ colorScheme: theme });
    await MODES[mode]!(app);
    await expect(page.locator(':root')).toHaveAttribute('data-theme', theme);
    expect(await violations(app)).toEqual([]);
    expect(await horizontalOverflow(app)).toBeLessThanOrEqual(0);
  });
