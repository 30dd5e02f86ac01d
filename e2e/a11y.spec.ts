import AxeBuilder from '@axe-core/playwright';
import { expect, test, type AppPage } from './fixtures';
import { MODES } from './modes';

const violations = async (app: AppPage) =>
  (await new AxeBuilder({ page: app.page }).analyze()).violations.map(
    (v) => `${v.id}: ${v.nodes.length} × ${v.help} (${v.nodes[0]?.target.join(' ')})`,
  );
/** Animations that end (a cache card fading in) have ended: axe reads colours as drawn. */
const settled = (app: AppPage) =>
  app.page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
const horizontalOverflow = (app: AppPage) =>
  app.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

const DESKTOP = { width: 1280, height: 720 };
const PHONE = { width: 390, height: 844 };

// axe checks the contrast of every node: on a mask table and a trace, 10-30 s on two cores.
// So axe runs on every mode in both themes at the laptop size, and on the phone layout in
// both themes once (layout.spec.ts checks the phone layout's width pane by pane).
// history.spec.ts runs axe on a value history itself, in both themes.
const AXE_MODES = Object.keys(MODES).filter((mode) => mode !== 'value history');
const AXE_RUNS = [
  ...AXE_MODES.flatMap((mode) =>
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
    await settled(app);
    expect(await violations(app)).toEqual([]);
    expect(await horizontalOverflow(app)).toBeLessThanOrEqual(0);
  });
