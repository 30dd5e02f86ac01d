/**
 * Opening an ftrace function_graph capture: traces rendered from the engine's own run
 * (app/engine/ftrace/testing.ts), through the file picker and by drag-and-drop; a file that
 * is not a capture; and, where scripts/kernel-truth.sh has booted one, the real kernel's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { readCapture } from '../scripts/kernel-truth/capture';
import { NOT_TRACEABLE } from '../app/engine/ftrace/kernel';
import { renderFunctionGraph } from '../app/engine/ftrace/testing';
import { loadAllVariants, sourceUrl, VARIANTS } from '../app/engine';
import { findStep } from '../app/engine/edits';
import { mustRun } from '../app/engine/testing';
import { expect, test, type AppPage } from './fixtures';

// What the engine runs here loads on demand, as in the worker (variants/index.ts, loadVariant).
await loadAllVariants();

/** The load as Debian's 6.12 build traces it: inlined and notrace functions gone, 6.12's names. */
const amdTrace = renderFunctionGraph(mustRun('v6.6', 'amd'), {
  inline: NOT_TRACEABLE.map((n) => n.name),
  rename: { kmem_cache_create: '__kmem_cache_create_args' },
});
const withoutConfigureMmu = amdTrace
  .split('\n')
  .filter((l) => !l.includes('kvm_configure_mmu'))
  .join('\n');

const view = (page: Page) => page.getByRole('region', { name: /^Trace against the model/ });
const rows = (page: Page, kind: string) => view(page).locator(`tr[data-kind="${kind}"]`);

async function openTrace(page: Page, name: string, text: string): Promise<void> {
  await page.getByLabel('Trace file').setInputFiles({
    name,
    mimeType: 'text/plain',
    buffer: Buffer.from(text),
  });
}

/** Drops a file on the app the way a file manager does. */
async function dropFile(page: Page, name: string, text: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ([n, t]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], n, { type: 'text/plain' }));
      return dt;
    },
    [name, text] as const,
  );
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
}

async function onV66Amd(app: AppPage): Promise<void> {
  await app.open();
  await app.choose('Kernel variant', 'v6.6');
  await app.choose('Vendor', 'amd');
}

test('a capture opened with the file picker is shown against the model, and closes', async ({
  app,
  page,
}) => {
  await onV66Amd(app);
  await openTrace(page, 'kvm-amd.txt', withoutConfigureMmu);
  await expect(view(page)).toHaveAttribute('data-status', 'done');
  await expect(view(page).getByRole('heading')).toContainText('kvm-amd.txt');
  expect(await rows(page, 'agree').count()).toBeGreaterThan(20);
  // The call the capture lacks is only in the model, linked to its call in
  // svm_hardware_setup() at the variant's version (the engine's line).
  const missing = rows(page, 'model-only');
  await expect(missing).toHaveCount(1);
  await expect(missing).toContainText('kvm_configure_mmu()');
  const called = findStep(VARIANTS['v6.6'], 'svm_hardware_setup/kvm_configure_mmu')!.step.src!;
  expect(called).toMatchObject({ tree: 'v6.6.87', file: 'arch/x86/kvm/svm/svm.c' });
  await expect(missing.getByRole('link')).toHaveAttribute('href', sourceUrl(called));
  // What the build inlined is shown as such, never matched.
  const inlined = rows(page, 'not-visible').filter({ hasText: '__kvm_x86_vendor_init()' });
  await expect(inlined).toContainText('not visible: inlined in this build');
  // A call as the trace spells it, next to the model's name for it.
  // The emulator's, pte_list_desc, kvm_mmu_page_header, and kvm_init()'s "kvm_vcpu".
  await expect(rows(page, 'agree').filter({ hasText: '__kmem_cache_create_args()' })).toHaveCount(
    4,
  );
  await expect(view(page)).toContainText('The model and the trace disagree');

  await view(page).getByLabel('Only rows that differ').check();
  await expect(view(page).locator('tbody tr')).toHaveCount(1);

  await app.button('Close trace').click();
  await expect(view(page)).toHaveCount(0);
  await expect(app.region('PTE masks')).toBeVisible();
  expect(app.errors).toEqual([]);
});

test('a capture dropped on the app opens; the model follows the scenario', async ({
  app,
  page,
}) => {
  await app.open(); // seed-p2 on Intel
  await dropFile(page, 'kvm-amd.txt', amdTrace);
  await expect(view(page)).toHaveAttribute('data-status', 'done');
  await expect(view(page)).toContainText('This capture loads kvm_amd; the model loads kvm_intel.');
  const before = await view(page).getAttribute('data-check-id');
  await app.button('Check against kvm_amd').click();
  await expect(view(page)).not.toHaveAttribute('data-check-id', before ?? '');
  await expect(page.getByLabel('Vendor', { exact: true })).toHaveValue('amd');
  await expect(view(page)).not.toContainText('This capture loads kvm_amd');
  await app.choose('Kernel variant', 'v6.6');
  await expect(view(page)).toContainText('The model and the trace agree on every call both know.');
  expect(app.errors).toEqual([]);
});

test('a file that is not a capture is explained, and the app keeps working', async ({
  app,
  page,
}) => {
  await app.open();
  await openTrace(page, 'notes.txt', 'shopping list\n- eggs\n');
  await expect(app.notice).toContainText(
    'notes.txt was not opened: not ftrace function_graph output: expected lines like',
  );
  await expect(app.notice).toContainText('The current view is unchanged.');
  await dropFile(page, 'photo.jpg', '\u0000\u0001JFIF');
  await expect(app.notice).toContainText('photo.jpg was not opened: this is a binary file');
  await expect(view(page)).toHaveCount(0);
  await app.step();
  await expect(app.position).toContainText('1');
  expect(app.errors).toEqual([]);
});

for (const theme of ['light', 'dark'] as const)
  test(`the trace view: no axe violations, no horizontal scrolling (${theme} theme)`, async ({
    app,
    page,
  }) => {
    await page.emulateMedia({ colorScheme: theme });
    await onV66Amd(app);
    await openTrace(page, 'kvm-amd.txt', withoutConfigureMmu);
    await expect(view(page)).toHaveAttribute('data-status', 'done');
    const result = await new AxeBuilder({ page }).analyze();
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.help}`)).toEqual([]);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  });

test('the trace view fits a 390 px wide screen', async ({ app, page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await onV66Amd(app);
  await openTrace(page, 'kvm-amd.txt', withoutConfigureMmu);
  await expect(view(page)).toHaveAttribute('data-status', 'done');
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
});

test('the real kernel’s capture (scripts/kernel-truth.sh) opens against v6.6', async ({
  app,
  page,
}) => {
  const capture = readCapture();
  test.skip(!capture.ok, capture.ok ? '' : capture.error);
  if (!capture.ok) return;
  const run = capture.value.runs.get('npt-on');
  test.skip(!run?.traces['kvm-amd'], `no npt-on kvm_amd trace in ${capture.value.dir}`);
  const text = readFileSync(join(run!.dir, 'trace-kvm-amd.txt'), 'utf8');
  await onV66Amd(app);
  await openTrace(page, 'trace-kvm-amd.txt', text);
  await expect(view(page)).toHaveAttribute('data-status', 'done');
  expect(await rows(page, 'agree').count()).toBeGreaterThan(15);
  // The v6.6 model registers its shrinker the old way; 6.12 allocates it
  // (docs/ground-truth.md, v6.6-shrinker-api): the one known difference of this run.
  await expect(rows(page, 'model-only')).toHaveText([/register_shrinker\(\)/]);
  await expect(rows(page, 'trace-only')).toHaveCount(0);
  await expect(rows(page, 'nesting')).toHaveCount(0);
  expect(app.errors).toEqual([]);
});
