/**
 * One page object for the app, using the accessible names of the UI contract
 * (docs/scenario.md), so the tests double as an accessibility check.
 */
import { test as base, expect, type Browser, type Locator, type Page } from '@playwright/test';
import LZString from 'lz-string';

/** The app's localStorage key for a closed welcome (app/views/firstVisit.ts). */
export const WELCOME_SEEN_KEY = 'kvm-mmu-visualizer/welcome-seen';

/** A link (form 2) to a scenario at a step. */
export function linkTo(scenario: object, step = 0, rest: Record<string, unknown> = {}): string {
  const envelope = { v: 2, s: scenario, t: step, ...rest };
  return `#s2/${LZString.compressToEncodedURIComponent(JSON.stringify(envelope))}`;
}

/** The series' patch 2 on Intel: the scenario most specs were written against. */
export const SEED_P2 = linkTo({ v: 1, kernel: 'seed-p2', vendor: 'intel' });

/** Opens `link` in a browser context of its own (no storage, no history): someone the link was sent to. */
export async function openInFreshContext(browser: Browser, link: string): Promise<AppPage> {
  const app = new AppPage(await (await browser.newContext()).newPage());
  await app.page.goto(link);
  return app;
}

export class AppPage {
  readonly errors: string[] = [];
  constructor(readonly page: Page) {
    page.on('pageerror', (e) => this.errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
    });
  }

  region(
    name:
      | 'Call stack'
      | 'PTE masks'
      | 'kmem caches'
      | 'Reverse maps'
      | 'Findings'
      | 'Aligned steps'
      | 'Differences'
      | 'Review summary',
  ): Locator {
    return this.page.getByRole('region', { name, exact: true });
  }
  button(name: string): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }
  /** A mask's name in the masks pane: a glossary term (a button with a tooltip). */
  maskTerm(name: string): Locator {
    return this.region('PTE masks').getByRole('button', { name, exact: true });
  }
  mask(name: string): Locator {
    return this.region('PTE masks').locator(`[data-mask="${name}"] .mask-hex`);
  }
  get timeline(): Locator {
    return this.page.getByLabel('Timeline');
  }
  /** The info notice under the header (why an edit, link or file was not used). */
  get notice(): Locator {
    return this.page.locator('.notice.info');
  }
  /** The URL's hash: the link to what is on screen, once it has been written. */
  hash(): string {
    return new URL(this.page.url()).hash;
  }
  get position(): Locator {
    return this.page.locator('.playback .position');
  }

  /** Clicks Copy link and returns the link, read back from the clipboard. */
  async copyLink(): Promise<string> {
    await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await this.button('Copy link').click();
    await expect(this.page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  private returning = false;

  /**
   * Opens the app at `hash`. As a returning visitor by default (the welcome was closed
   * on an earlier visit); `firstVisit` leaves the browser's storage as new.
   */
  async open(hash = '', { firstVisit = false } = {}): Promise<void> {
    if (!firstVisit && !this.returning) {
      this.returning = true;
      // A returning visitor; where a test blocks storage, it stays a first visit.
      await this.page.addInitScript((key) => {
        try {
          localStorage.setItem(key, '1');
        } catch {
          // blocked storage
        }
      }, WELCOME_SEEN_KEY);
    }
    await this.page.goto(`/${hash}`);
    await expect(
      this.page.getByRole('heading', { name: 'KVM MMU visualizer', exact: true }),
    ).toBeVisible();
    await this.waitForRun();
    // Storage the test blocked could not remember the welcome: close it as the visitor would.
    if (!firstVisit) await this.closeWelcome();
  }

  /** Closes the welcome, as a visitor would, if it opened over the app. */
  async closeWelcome(): Promise<void> {
    const welcome = this.page.getByRole('dialog', { name: 'Welcome to the KVM MMU visualizer' });
    if (await welcome.isVisible()) {
      await this.page.keyboard.press('Escape');
      await expect(welcome).toBeHidden();
    }
  }

  private async runId(): Promise<number> {
    return Number(await this.page.locator('main').getAttribute('data-run-id'));
  }

  /** Waits until a run newer than `after` has finished. */
  async waitForRun(after = 0): Promise<void> {
    await expect(async () => {
      expect(await this.runId()).toBeGreaterThan(after);
      await expect(this.page.locator('main')).toHaveAttribute('data-run-status', 'done', {
        timeout: 100,
      });
    }).toPass({ timeout: 30_000 });
  }

  /** Compare mode: waits until the comparison shown is the newest one asked for. */
  async waitForComparison(): Promise<void> {
    await expect(this.region('Aligned steps')).toHaveAttribute('data-status', 'done', {
      timeout: 30_000,
    });
  }

  /** Compare mode: does something, then waits for a new comparison to be shown. */
  async recompare(action: () => Promise<void>): Promise<void> {
    const pane = this.region('Aligned steps');
    const before = await pane.getAttribute('data-comparison-id');
    await action();
    await expect(pane).not.toHaveAttribute('data-comparison-id', before ?? '', { timeout: 30_000 });
    await this.waitForComparison();
  }

  /** Does something that changes the scenario, then waits for its run to finish. */
  async rerun(action: () => Promise<void>): Promise<void> {
    const before = await this.runId();
    await action();
    await this.waitForRun(before);
  }

  async choose(
    label: 'Kernel variant' | 'Vendor' | 'Modules' | 'Fault' | 'Workload',
    value: string,
  ): Promise<void> {
    const select = this.page.getByLabel(label, { exact: true });
    if ((await select.inputValue()) === value) return;
    await this.rerun(() => select.selectOption(value).then(() => undefined));
  }

  async step(): Promise<void> {
    await this.button('Step forward').click();
  }

  /**
   * Steps forward until the current step's title (in the call stack) contains `text`.
   * The steps are clicked in the page, each drawn before the next (React draws a
   * click's update in a microtask): a round trip per step took over a minute for a
   * hundred steps on a busy machine.
   */
  async stepUntil(text: string, limit = 400): Promise<void> {
    const reached = await this.page.evaluate(
      async ({ text, limit }) => {
        const button = [...document.querySelectorAll('button')].find(
          (b) => b.textContent === 'Step forward',
        );
        const title = () => document.querySelector('.callstack .explain .title')?.textContent ?? '';
        const position = () => document.querySelector('.playback .position')?.textContent;
        for (let i = 0; i < limit && button && !button.disabled; i++) {
          const before = position();
          button.click();
          for (let k = 0; k < 1000 && position() === before; k++) await Promise.resolve();
          if (title().includes(text)) return true;
        }
        return false;
      },
      { text, limit },
    );
    if (!reached) throw new Error(`never reached a step titled "${text}"`);
  }

  /**
   * From here on the page's time (timers, animation frames, performance.now) passes
   * only as the test runs it (page.clock.runFor), so the pace of steps is exactly what
   * the test makes it. Needs page.clock.install() before open().
   */
  async freezeTime(): Promise<void> {
    const now = await this.page.evaluate(() => Date.now());
    await this.page.clock.pauseAt(now + 1000);
  }

  async goToEnd(): Promise<void> {
    await this.page.keyboard.press('End');
  }
}

export const test = base.extend<{ app: AppPage }>({
  app: async ({ page }, use) => {
    const app = new AppPage(page);
    await use(app);
    expect(app.errors, 'no errors in the console').toEqual([]);
  },
});
export { expect };
