/**
 * Every mode the app has, each brought to a state that shows most of what it draws: the
 * accessibility and layout specs walk the same list.
 */
import { readFileSync } from 'node:fs';
import type { Lesson } from '../app/lessons/schema';
import { expect, linkTo, type AppPage } from './fixtures';

export const MODES: Record<string, (app: AppPage) => Promise<void>> = {
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
  lesson: async (app) => {
    const lesson = JSON.parse(
      readFileSync(new URL('../app/lessons/rmap-growth.json', import.meta.url), 'utf8'),
    ) as Lesson;
    await app.open(linkTo(lesson.scenario, 0, { l: { id: lesson.id, step: 2 } }));
    await expect(app.page.getByRole('region', { name: 'Lesson' })).toHaveAttribute(
      'data-lesson-ready',
      'true',
      { timeout: 30_000 },
    );
  },
  'value history': async (app) => {
    await app.open();
    await app.timeline.fill('30');
    await app
      .region('PTE masks')
      .getByRole('button', { name: 'shadow_mmio_mask', exact: true })
      .click();
    await expect(app.page.getByRole('complementary', { name: /^History of/ })).toBeVisible();
  },
};
