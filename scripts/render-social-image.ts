/**
 * Renders public/social.svg to public/social.png (1200×630), the link-preview image
 * that Open Graph and Twitter cards need as a bitmap. Run it after editing the SVG:
 *
 *   npx tsx scripts/render-social-image.ts
 *
 * Uses Debian's chromium, as the e2e tests do (scripts/ensure-chromium.sh), then
 * Debian's pngquant and optipng when they are installed (apt-get install pngquant
 * optipng), which take the image from about 65 KB to about 21 KB with no visible change.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const WIDTH = 1200;
const HEIGHT = 630;
const svgPath = fileURLToPath(new URL('../public/social.svg', import.meta.url));
const pngPath = fileURLToPath(new URL('../public/social.png', import.meta.url));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
  await page.setContent(
    `<!doctype html><style>html,body{margin:0}</style>${readFileSync(svgPath, 'utf8')}`,
  );
  await page.screenshot({ path: pngPath, clip: { x: 0, y: 0, width: WIDTH, height: HEIGHT } });
} finally {
  await browser.close();
}

/** Runs a tool if it is installed; false when it is not. */
function tryRun(tool: string, args: string[]): boolean {
  try {
    execFileSync(tool, args, { stdio: 'inherit' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
const shrunk = [
  tryRun('pngquant', ['--quality=80-95', '--speed=1', '--force', '--output', pngPath, pngPath]),
  tryRun('optipng', ['-quiet', '-o5', pngPath]),
];
if (shrunk.includes(false)) console.log('pngquant or optipng not installed: the PNG is larger');
console.log(`wrote ${pngPath} (${statSync(pngPath).size} bytes)`);
