/**
 * What `mmu review` hands over (docs/importer.md, "mmu review"): a comparison file and a
 * link that open the same comparison, and a scenario that carries an imported kernel tree.
 * The files are built here from the committed v6.12 data, as review writes them; the
 * built-in v6.1 and v6.12 are in the kernel picker.
 */
import { readFileSync } from 'node:fs';
import { expect, openInFreshContext, test } from './fixtures';

const V6_12 = JSON.parse(
  readFileSync(new URL('../app/engine/variants/trees/v6.12.json', import.meta.url), 'utf8'),
);
const situation = {
  v: 1,
  vendor: 'intel',
  modules: ['load kvm', 'load kvm_intel', 'unload kvm_intel'],
};
/** The reset moved after ops->hardware_setup(), as one edit of v6.12 (what review makes of that patch). */
function resetMovedComparison() {
  const vendorInit = V6_12.functions.find(
    (f: { name: string }) => f.name === 'kvm_x86_vendor_init',
  );
  const after = vendorInit.body.findIndex((s: { op?: string }) => s.op === 'hardware_setup');
  const left = { ...situation, kernel: 'v6.12' };
  return {
    left,
    right: {
      ...left,
      edits: [
        {
          move: 'kvm_mmu_vendor_module_init/kvm_mmu_reset_all_pte_masks',
          to: 'kvm_x86_vendor_init',
          index: after + 1,
        },
      ],
    },
  };
}

test('v6.1 and v6.12 are in the kernel picker and run', async ({ app, page }) => {
  await app.open();
  const picker = page.getByLabel('Kernel variant', { exact: true });
  await expect(picker.locator('option[value="v6.1"]')).toHaveText(
    'v6.1 (Debian 6.1.192, imported)',
  );
  await app.choose('Kernel variant', 'v6.12');
  await app.timeline.fill('20');
  await expect(app.position).toHaveText(/^step 20 \//);
  await expect(app.region('Call stack').locator('a[href*="v6.12.118"]').first()).toBeVisible();
  await app.choose('Kernel variant', 'v6.1');
  await expect(app.region('Findings')).not.toContainText('clobber');
  expect(app.errors).toEqual([]);
});

test('a comparison file opens compare mode; its link opens the same comparison', async ({
  app,
  page,
  browser,
}) => {
  await app.open();
  await page.getByLabel('Scenario file').setInputFiles({
    name: 'review.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(resetMovedComparison())),
  });
  await expect(page.getByText('Opened review.json side by side.')).toBeVisible();
  await app.waitForComparison();
  await expect(page.getByLabel('Right kernel variant')).toHaveValue('v6.12');
  await expect(app.region('Differences')).toContainText(
    'kvm_mmu_reset_all_pte_masks() moved from kvm_mmu_vendor_module_init() (arch/x86/kvm/mmu/mmu.c:7402 in v6.12.118) to kvm_x86_vendor_init() (arch/x86/kvm/x86.c:9271 in v6.12.118), after ops->hardware_setup()',
  );
  await expect(
    app.region('Findings').locator('[data-kind="clobber"][data-side="right"]').first(),
  ).toBeVisible();

  const link = await app.copyLink();
  const receiver = await openInFreshContext(browser, link);
  await receiver.waitForComparison();
  const fresh = receiver.page;
  await expect(fresh.getByRole('region', { name: 'Differences' })).toContainText(
    'kvm_mmu_reset_all_pte_masks() moved from kvm_mmu_vendor_module_init() (arch/x86/kvm/mmu/mmu.c:7402 in v6.12.118) to kvm_x86_vendor_init() (arch/x86/kvm/x86.c:9271 in v6.12.118), after ops->hardware_setup()',
  );
  await fresh.context().close();
});

test('a scenario carrying an imported tree opens, runs that tree, and its link carries it', async ({
  app,
  page,
  browser,
}) => {
  // A patched tree edits cannot say: the reset after hardware_setup() and an error edge changed.
  const tree = structuredClone(V6_12);
  const mmu = tree.functions.find((f: { name: string }) => f.name === 'kvm_mmu_vendor_module_init');
  const reset = mmu.body.shift();
  const vendorInit = tree.functions.find((f: { name: string }) => f.name === 'kvm_x86_vendor_init');
  const at = vendorInit.body.findIndex((s: { op?: string }) => s.op === 'hardware_setup');
  vendorInit.body.splice(at + 1, 0, reset);
  mmu.body.find((s: { effect?: string }) => s.effect === 'percpu_counter_init').onError =
    'out_shrinker';
  await app.open();
  await app.rerun(() =>
    page.getByLabel('Scenario file').setInputFiles({
      name: 'patched.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...situation, kernel: 'v6.12', imported: tree })),
    }),
  );
  await expect(
    page.getByText('Opened patched.json: Linux 6.12.118 as the importer read it.'),
  ).toBeVisible();
  await expect(page.getByLabel('Kernel variant', { exact: true })).toHaveValue('v6.12');
  await expect(app.region('Findings').locator('[data-kind="clobber"]').first()).toBeVisible();

  const link = await app.copyLink();
  expect(link.length).toBeLessThan(16_000);
  const receiver = await openInFreshContext(browser, link);
  await receiver.waitForRun();
  const fresh = receiver.page;
  await expect(
    fresh.getByRole('region', { name: 'Findings' }).locator('[data-kind="clobber"]').first(),
  ).toBeVisible();
  await fresh.context().close();

  // A broken tree is refused with the reason; the view stays.
  tree.intel.init = 'nowhere';
  await page.getByLabel('Scenario file').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ ...situation, kernel: 'v6.12', imported: tree })),
  });
  await expect(
    page.getByText(/broken\.json was not opened: .*the module entries name nowhere/),
  ).toBeVisible();
  await expect(app.region('Findings').locator('[data-kind="clobber"]').first()).toBeVisible();
});
