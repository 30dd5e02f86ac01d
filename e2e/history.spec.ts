import AxeBuilder from '@axe-core/playwright';
import { loadAllVariants, runScenario, VARIANTS, type ScenarioInput } from '../app/engine';
import { expect, test, type AppPage } from './fixtures';

// What the engine runs here loads on demand, as in the worker (variants/index.ts, loadVariant).
await loadAllVariants();

const V66: ScenarioInput = { v: 1, kernel: 'v6.6', vendor: 'intel' };
const MASK = 'shadow_mmio_mask';

/** Opens a scenario by its readable link. */
const openScenario = (app: AppPage, s: ScenarioInput) =>
  app.open(`#scenario=${encodeURIComponent(JSON.stringify(s))}`);

/** What the engine's own trace says, independently of the app's query: the events that change the mask or declare writing it, and those that only read it. */
function fromTrace(input: ScenarioInput, name: string) {
  const r = runScenario(input);
  if (!r.ok) throw new Error(r.error);
  const { events } = r.value.trace;
  const wrote = events.filter(
    (e) => e.writes.includes(name) || e.changes.some((c) => c.key === name),
  );
  const read = events.filter(
    (e) => !wrote.includes(e) && (e.reads.includes(name) || e.probes.includes(name)),
  );
  return { wrote, read, length: events.length };
}

const panel = (app: AppPage) => app.page.getByRole('complementary', { name: /^History of/ });
const marks = (app: AppPage, access: 'write' | 'read') =>
  app.page.locator(`.timeline svg rect[data-history="${access}"]`);

test(`the history of ${MASK} on v6.6/Intel lists exactly its writers, marks them, and ] / [ move between them`, async ({
  app,
}) => {
  const expected = fromTrace(V66, MASK);
  expect(expected.wrote.length).toBeGreaterThan(1);
  await openScenario(app, V66);
  await app.region('PTE masks').getByRole('button', { name: MASK, exact: true }).click();
  const history = panel(app);
  await expect(history).toBeVisible();
  await expect(history.getByRole('heading')).toHaveText(`History of ${MASK}`);

  const rows = history.locator('li[data-access="write"]');
  await expect(rows).toHaveCount(expected.wrote.length);
  for (const [i, e] of expected.wrote.entries()) {
    await expect(rows.nth(i)).toHaveAttribute('data-event', String(e.index));
    await expect(rows.nth(i)).toContainText(`step ${e.index + 1}`);
    await expect(rows.nth(i)).toContainText(`${e.fn}()`);
  }
  await expect(history.locator('li[data-access="read"]')).toHaveCount(expected.read.length);
  // The values: what the engine's change says, in hex.
  const first = expected.wrote[0]!.changes.find((c) => c.key === MASK)!;
  await expect(rows.first()).toContainText(
    `0x${(first.before as bigint).toString(16)} → 0x${(first.after as bigint).toString(16)}`,
  );

  await expect(marks(app, 'write')).toHaveCount(expected.wrote.length);
  expect(
    await marks(app, 'write').evaluateAll((rs) =>
      rs.map((r) => Number(r.getAttribute('data-event'))),
    ),
  ).toEqual(expected.wrote.map((e) => e.index));
  await expect(marks(app, 'read')).toHaveCount(expected.read.length);

  const [w1, w2] = expected.wrote;
  await app.page.keyboard.press('Home');
  await app.page.keyboard.press(']');
  await expect(app.position).toHaveText(`step ${w1!.index + 1} / ${expected.length}`);
  await expect(rows.first()).toHaveAttribute('aria-current', 'step');
  await app.page.keyboard.press(']');
  await expect(app.position).toHaveText(`step ${w2!.index + 1} / ${expected.length}`);
  await app.page.keyboard.press('[');
  await expect(app.position).toHaveText(`step ${w1!.index + 1} / ${expected.length}`);
  // The selection survives stepping; a row is a way to its step.
  await app.step();
  await expect(history).toBeVisible();
  await rows.nth(1).getByRole('button').click();
  await expect(app.position).toHaveText(`step ${w2!.index + 1} / ${expected.length}`);

  await app.page.keyboard.press('Escape');
  await expect(history).toBeHidden();
  await expect(marks(app, 'write')).toHaveCount(0);
});

test('a config value opens its history from the keyboard; Space does not play', async ({ app }) => {
  await openScenario(app, V66);
  const pick = app.region('PTE masks').getByRole('button', { name: 'tdp_enabled', exact: true });
  await pick.focus();
  await app.page.keyboard.press('Space');
  await expect(pick).toHaveAttribute('aria-pressed', 'true');
  await expect(app.button('Play')).toBeVisible();
  const expected = fromTrace(V66, 'tdp_enabled');
  await expect(panel(app).locator('li[data-access="write"]')).toHaveCount(expected.wrote.length);
  await expect(panel(app).locator('li').first()).toContainText('kvm_configure_mmu()');
  await app.page.keyboard.press('Enter');
  await expect(panel(app)).toBeHidden();
});

test('an rmap head’s history: one write per spte the workload maps', async ({ app }) => {
  const input: ScenarioInput = {
    ...V66,
    params: { tdp: false },
    workload: [{ op: 'map', gfn: 4096, sptes: 20 }],
  };
  await openScenario(app, input);
  // The gfn picker is there once the VM exists.
  await app.page.keyboard.press('End');
  await app
    .region('Reverse maps')
    .getByRole('button', { name: /rmap head history/ })
    .click();
  const rows = panel(app).locator('li[data-access="write"]');
  await expect(rows).toHaveCount(20);
  await expect(rows.first()).toContainText('0 sptes → 1 spte');
  await expect(rows.last()).toContainText('19 sptes → 20 sptes');
  await app.page.keyboard.press('Home');
  await app.page.keyboard.press(']');
  await expect(app.region('Call stack')).toContainText('map gfn 4096');
});

test('a finding names the ordering edit that produced it, in the ordering pane and the findings pane', async ({
  app,
}) => {
  const [reset] = VARIANTS['bad-reset-after-setup'].edits!;
  await openScenario(app, {
    v: 1,
    kernel: 'v6.0',
    vendor: 'intel',
    modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'],
    edits: [reset!, { remove: 'kvm_mmu_vendor_module_exit/unregister_shrinker' }],
  });
  await app.page.getByRole('tab', { name: 'Ordering' }).click();
  const list = app.page.getByRole('list', { name: 'Which edit produced each finding' });
  // Each finding names its edit in the edit list's own words.
  const edits = app.page.getByRole('list', { name: 'Edits', exact: true }).getByRole('listitem');
  await expect(edits).toHaveCount(2);
  const [first, second] = await edits.allTextContents();
  expect(first).toContain('kvm_mmu_reset_all_pte_masks');
  expect(second).toContain('unregister_shrinker');
  const resetEdit = `from: edit 1, ${first}`;
  await expect(list.locator('[data-kind="clobber"]').first()).toContainText(resetEdit);
  await expect(list.locator('[data-kind="leak"]')).toContainText(`from: edit 2, ${second}`);
  const findings = app.region('Findings');
  await expect(findings.locator('[data-kind="clobber"]').first()).toContainText(resetEdit);
});

for (const theme of ['light', 'dark'] as const)
  test(`no axe violations with a value history open (${theme} theme)`, async ({ app, page }) => {
    await page.emulateMedia({ colorScheme: theme });
    await openScenario(app, V66);
    await app.region('PTE masks').getByRole('button', { name: MASK, exact: true }).click();
    await page.keyboard.press(']');
    await expect(panel(app).locator('li[aria-current="step"]')).toBeVisible();
    const result = await new AxeBuilder({ page }).analyze();
    expect(
      result.violations.map(
        (v) => `${v.id}: ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
    ).toEqual([]);
  });

test('the history panel fits a 390 px wide screen', async ({ app, page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openScenario(app, V66);
  const pick = app.region('PTE masks').getByRole('button', { name: 'tdp_enabled', exact: true });
  await pick.focus();
  await page.keyboard.press('Enter');
  const box = (await panel(app).boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await expect(panel(app).getByRole('button', { name: /next write/ })).toBeInViewport();
});
