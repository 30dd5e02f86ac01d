/**
 * The production build served as a plain static site from a sub-path, the way GitHub
 * Pages serves a project (README, "Publish as a static site"): dist/ under /kvm-mmu/,
 * from a small file server started here (no SPA fallback, no rewriting), with the
 * Content-Security-Policy the build injects.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { AppPage, expect, test } from './fixtures';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain',
};
/**
 * Where dist/ is mounted. The second is a path that reads like a host when taken
 * alone (issue #17): the app must keep its links on this origin there too.
 */
const MOUNTS = ['/kvm-mmu/', '//evil.example/'];

/** Serves dist/ under each mount, index.html for the mount itself; 404 for anything else. */
function serveDist(): Server {
  return createServer((req, res) => {
    // Not new URL(req.url): a path starting with // would parse as a host.
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const mount = MOUNTS.find((m) => path.startsWith(m));
    const file = mount && normalize(join(DIST, path.slice(mount.length) || 'index.html'));
    if (!file || !file.startsWith(DIST) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
}

let server: Server;
let origin: string;
test.beforeAll(async () => {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('no dist/: run npx vite build first');
  server = serveDist();
  // Port 0: the system picks a free one, so parallel checkouts never collide.
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise((done) => server.close(done));
});

/** Records failed requests and CSP violations (AppPage records console errors). */
async function watch(
  page: Page,
): Promise<{ failed: string[]; violations: () => Promise<string[]> }> {
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => failed.push(`${r.failure()?.errorText} ${r.url()}`));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.effectiveDirective} ${e.blockedURI}`),
    );
  });
  return {
    failed,
    violations: () =>
      page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
  };
}

async function opened(page: Page, url: string): Promise<AppPage> {
  const app = new AppPage(page);
  await page.goto(url);
  await app.waitForRun();
  await app.closeWelcome();
  return app;
}

test('under /kvm-mmu/: the app runs, steps, and its links and files stay under that path', async ({
  page,
  context,
}) => {
  const seen = await watch(page);
  const app = await opened(page, `${origin}/kvm-mmu/`);
  await expect(
    page.getByRole('heading', { name: 'KVM MMU visualizer', exact: true }),
  ).toBeVisible();
  for (let i = 0; i < 3; i++) await app.step();
  await expect(app.position).toHaveText(/^step 3 \//);

  const link = await app.copyLink();
  expect(link).toMatch(new RegExp(`^${origin}/kvm-mmu/#s2/`));
  const again = await opened(await context.newPage(), link);
  await expect(again.position).toHaveText(/^step 3 \//);

  // What the head links to is served, relative to where the app is.
  const assets = await page.evaluate(() =>
    [
      ...document.querySelectorAll<HTMLLinkElement | HTMLMetaElement>(
        'link[rel~="icon"], link[rel="manifest"], meta[property="og:image"], meta[name="twitter:image"]',
      ),
    ].map((e) => new URL('href' in e ? e.href : e.content, location.href).href),
  );
  expect(assets.sort()).toEqual(
    [
      `${origin}/kvm-mmu/favicon.svg`,
      `${origin}/kvm-mmu/manifest.webmanifest`,
      `${origin}/kvm-mmu/social.png`,
      `${origin}/kvm-mmu/social.png`,
    ].sort(),
  );
  const manifest = (await (
    await page.request.get(`${origin}/kvm-mmu/manifest.webmanifest`)
  ).json()) as {
    start_url: string;
    icons: { src: string }[];
  };
  for (const url of [
    ...assets,
    `${origin}/kvm-mmu/robots.txt`,
    new URL(manifest.start_url, `${origin}/kvm-mmu/manifest.webmanifest`).href,
    ...manifest.icons.map((i) => new URL(i.src, `${origin}/kvm-mmu/manifest.webmanifest`).href),
  ])
    expect((await page.request.get(url)).status(), url).toBe(200);

  // Export PNG draws through a blob: image, which the CSP must allow.
  const download = page.waitForEvent('download');
  await app.button('Export PNG').click();
  expect((await download).suggestedFilename()).toMatch(/\.png$/);

  expect(seen.failed).toEqual([]);
  expect(await seen.violations()).toEqual([]);
  expect(app.errors).toEqual([]);
});

test('the built app has a Content-Security-Policy that refuses inline script', async ({ page }) => {
  const seen = await watch(page);
  const app = await opened(page, `${origin}/kvm-mmu/`);
  await app.step();
  expect(await seen.violations()).toEqual([]);
  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  // The check above can fail: an injected inline script is refused and reported.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.inlineRan = true';
    document.head.append(s);
  });
  await expect.poll(seen.violations).toEqual(['script-src-elem inline']);
  expect(await page.evaluate(() => 'inlineRan' in window)).toBe(false);
});

test('embed mode under a sub-path links back to the full app on the same origin and path', async ({
  page,
}) => {
  const app = await opened(page, `${origin}/kvm-mmu/`);
  await app.step();
  const link = await app.copyLink();
  const hash = new URL(link).hash;

  for (const mount of MOUNTS) {
    const embed = await opened(page, `${origin}${mount}?embed=1${hash}`);
    await expect(page.getByLabel('Kernel variant', { exact: true })).toHaveCount(0);
    const full = page.getByRole('link', { name: /Open in the KVM MMU visualizer/ });
    // The resolved address: "//evil.example/…" alone would resolve to another host.
    const href = await full.evaluate((a: HTMLAnchorElement) => a.href);
    expect(new URL(href).origin).toBe(origin);
    expect(href).toBe(`${origin}${mount}${hash}`);
    await embed.step();
    await expect(embed.position).toHaveText(/^step 2 \//);
    expect(embed.errors).toEqual([]);
  }
});
