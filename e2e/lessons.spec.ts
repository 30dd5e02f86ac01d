/**
 * Teaching, as a learner meets it: the welcome on a first visit, a whole lesson with
 * its predictions, lessons in links and embeds, and the keyboard whatever has focus.
 * Which choice of a prediction is right is computed here by the engine from the
 * lesson file, never written into the test.
 */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { ChainIndex, loadAllVariants, runScenario } from '../app/engine';
import { NEWEST_LONGTERM } from '../app/engine/releases';
import { pinnedEvent } from '../app/lessons/pins';
import { answer, needsChain, sameValue } from '../app/lessons/predictions';
import type { Lesson } from '../app/lessons/schema';
import { expect, linkTo, test, type AppPage } from './fixtures';

// What the engine runs here loads on demand, as in the worker (variants/index.ts, loadVariant).
await loadAllVariants();

const lessonFile = (id: string): Lesson =>
  JSON.parse(readFileSync(new URL(`../app/lessons/${id}.json`, import.meta.url), 'utf8')) as Lesson;

/** The index of the choice the engine's trace says, for each step of the lesson (null: no prediction). */
function rightChoices(lesson: Lesson): (number | null)[] {
  return lesson.steps.map((step) => {
    const p = step.predict;
    if (!p) return null;
    const run = runScenario(step.scenario ?? lesson.scenario);
    if (!run.ok) throw new Error(run.error);
    const at = pinnedEvent(run.value.trace.events, p.answerAt ?? step.at, true)!;
    const chain = needsChain(p.ask) ? new ChainIndex(run.value).chainAt(p.ask.gfn, at) : null;
    const a = answer(p.ask, at, run.value.trace, chain);
    if (a.ok !== true) throw new Error(`${lesson.id}: the engine cannot answer step ${step.title}`);
    return p.choices.findIndex((c) => sameValue(c.value, a.value));
  });
}

async function noAxeViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  expect(
    result.violations.map(
      (v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([]);
}

const card = (page: Page) => page.getByRole('region', { name: 'Lesson' });

/** Waits until the lesson card stands on step `n` (from 1) of its run, marks placed. */
async function atLessonStep(page: Page, n: number, of: number) {
  await expect(card(page).locator('.lesson-progress')).toHaveText(`Step ${n} of ${of}`);
  await expect(card(page)).toHaveAttribute('data-lesson-ready', 'true', { timeout: 30_000 });
}

test('a first visit opens the newest longterm kernel with a welcome; the tour starts; closed, it stays closed', async ({
  app,
  page,
}) => {
  await app.open('', { firstVisit: true });
  const welcome = page.getByRole('dialog', { name: 'Welcome to the KVM MMU visualizer' });
  await expect(welcome).toBeVisible();
  await expect(page.getByLabel('Kernel variant', { exact: true })).toHaveValue(NEWEST_LONGTERM);
  for (const way of ['Take the tour', 'Step through a kernel', 'Review the 2022 series'])
    await expect(welcome.getByRole('button', { name: way })).toBeVisible();
  await expect(welcome.getByRole('button', { name: 'Take the tour' })).toBeFocused();
  await noAxeViolations(page);

  await welcome.getByRole('button', { name: 'Take the tour' }).click();
  await expect(welcome).toBeHidden();
  const tour = lessonFile('tour');
  await atLessonStep(page, 1, tour.steps.length);
  await expect(card(page).getByRole('heading', { level: 2 })).toHaveText(tour.steps[0]!.title);
  await expect(page.locator('section.playback')).toHaveAttribute('data-lesson-mark', 'pane');

  // Closed once (here by taking the tour): a new visit is not greeted again, ? greets.
  await app.open();
  await expect(welcome).toBeHidden();
  await page.keyboard.press('?');
  await expect(welcome).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(welcome).toBeHidden();
});

test('a whole lesson: a wrong and a right prediction, each explained; back, next and a link to a step', async ({
  app,
  page,
  browser,
}) => {
  test.setTimeout(180_000); // eight steps, each a run of its own
  const lesson = lessonFile('mask-reset');
  const right = rightChoices(lesson);
  expect(right.filter((r) => r !== null).length).toBeGreaterThanOrEqual(2);
  expect(right.every((r) => r === null || r >= 0)).toBe(true);

  await app.open();
  await page.keyboard.press('?');
  await page.getByRole('button', { name: lesson.title }).click();
  const total = lesson.steps.length;
  let predicted = 0;
  for (let n = 0; n < total; n++) {
    const step = lesson.steps[n]!;
    await atLessonStep(page, n + 1, total);
    await expect(card(page).getByRole('heading', { level: 2 })).toHaveText(step.title);
    if (step.highlight)
      await expect(
        page.locator(`[data-lesson-mark="pane"]`),
        `step ${n + 1} marks its pane`,
      ).toHaveCount(1);
    const r = right[n];
    if (r !== null && r !== undefined) {
      const prediction = card(page).getByRole('group', { name: /Predict/ });
      const choices = prediction.locator('button.choice');
      await expect(choices).toHaveCount(step.predict!.choices.length);
      // The first prediction is answered wrong, every later one right.
      const chosen = predicted === 0 ? (r + 1) % step.predict!.choices.length : r;
      await choices.nth(chosen).click();
      const verdict = prediction.locator('.verdict');
      await expect(verdict).toContainText(predicted === 0 ? 'Not quite.' : 'Right.');
      await expect(choices.nth(r)).toHaveClass(/\bright\b/);
      if (predicted === 0) {
        await expect(choices.nth(chosen)).toHaveClass(/\bwrong\b/);
        await expect(verdict).toContainText('The engine says:');
      }
      // The explanation is the lesson's, with the engine's answer put in.
      const words = step
        .predict!.explain.split('{answer}')[0]!
        .replace(/\[\[([^|\]]+\|)?([^\]]+)\]\]/g, '$2')
        .replace(/`/g, '');
      await expect(verdict).toContainText(words.slice(0, 40));
      predicted++;
    }
    if (n === 2) {
      // Back, then on again: the step before, and this one afresh.
      await card(page).getByRole('button', { name: 'Back', exact: true }).click();
      await atLessonStep(page, n, total);
      await card(page).getByRole('button', { name: 'Next', exact: true }).click();
      await atLessonStep(page, n + 1, total);
      // The URL is a link into the lesson at this step.
      const other = await browser.newPage();
      await other.goto(page.url());
      await atLessonStep(other, n + 1, total);
      await other.close();
    }
    if (n + 1 < total) await card(page).getByRole('button', { name: 'Next', exact: true }).click();
  }
  expect(predicted).toBeGreaterThanOrEqual(2);
  await noAxeViolations(page);
  await card(page).getByRole('button', { name: 'Finish' }).click();
  await expect(card(page)).toBeHidden();
});

test('a lesson plays in embed mode, one step at a time', async ({ app, page }) => {
  const lesson = lessonFile('kmem-caches');
  const hash = linkTo(lesson.scenario, 0, { l: { id: lesson.id, step: 1 } });
  await page.goto(`/?embed=1${hash}`);
  await expect(page.getByRole('heading', { level: 1, name: lesson.title })).toBeVisible();
  await atLessonStep(page, 2, lesson.steps.length);
  await expect(card(page).getByRole('button', { name: 'Exit lesson' })).toHaveCount(0);
  await noAxeViolations(page);
  await card(page).getByRole('button', { name: 'Next', exact: true }).click();
  await atLessonStep(page, 3, lesson.steps.length);
  expect(app.errors).toEqual([]);
});

async function stepNumber(app: AppPage): Promise<number> {
  return Number(/^step (\d+)/.exec((await app.position.textContent()) ?? '')![1]);
}

test('after clicking the TDP checkbox, → steps and Space plays; Space presses a focused button', async ({
  app,
  page,
}) => {
  await app.open();
  const tdp = page.getByRole('checkbox', { name: 'TDP', exact: true });
  await app.rerun(() => tdp.click());
  await expect(tdp).not.toBeChecked();
  await expect(tdp).toBeFocused();
  const before = await stepNumber(app);
  await page.keyboard.press('ArrowRight');
  await expect(app.position).toHaveText(new RegExp(`^step ${before + 1} /`));
  await page.keyboard.press(' ');
  await expect(app.button('Pause')).toBeVisible();
  await expect(tdp).not.toBeChecked(); // Space played, it did not toggle TDP
  await page.keyboard.press(' ');
  await expect(app.button('Play')).toBeVisible();
  // A button reached with Tab is pressed by Space, not by the play shortcut.
  await app.button('Restart').focus();
  await page.keyboard.press(' ');
  await expect(app.position).toHaveText(/^step 0 \//);
  await expect(app.button('Play')).toBeVisible();
});

test('a kernel term explains itself on hover and on keyboard focus, from the glossary', async ({
  app,
  page,
}) => {
  await app.open();
  const term = app.maskTerm('shadow_present_mask');
  const tip = page.locator('.glossary-tip');
  await term.hover();
  await expect(tip).toContainText('shadow_present_mask');
  const description = await term.getAttribute('aria-describedby');
  const definition = (await page.locator(`#${description}`).textContent())!;
  await expect(tip).toContainText(definition);
  await page.mouse.move(0, 0);
  await expect(tip).toBeHidden();
  await term.focus();
  await expect(tip).toContainText(definition);
});

test('a term pressed on a phone opens the glossary at its entry', async ({ app, page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const tour = lessonFile('tour');
  await app.open(linkTo(tour.scenario, 0, { l: { id: tour.id, step: 2 } }));
  // A term that sorts far down the list, so the glossary has to scroll to it.
  const term = card(page).locator('button.term', { hasText: /^SPTE$/ });
  await term.click();
  const dialog = page.getByRole('dialog', { name: 'Glossary' });
  await expect(dialog).toBeVisible();
  const entry = dialog.locator('.focused');
  await expect(entry.locator('dt')).toHaveText('SPTE');
  await expect(entry).toBeInViewport();
});
