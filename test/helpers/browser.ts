// A real browser on the test stack's Temporal Web UI: Debian's Chromium driven by playwright-core,
// headless, with a fresh profile per test file. Screenshots go to test/artifacts/ (git-ignored);
// with R1FLOW_README_SCREENSHOTS=1 the ones the README shows are written to docs/ui/ as well.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before } from 'node:test';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../infra/browser';
import { projectRoot } from '../../infra/paths';
import { testConnection } from './services';

export const ARTIFACTS_DIR = join(projectRoot, 'test', 'artifacts');
export const README_SCREENSHOTS_DIR = join(projectRoot, 'docs', 'ui');
/** the Web UI's navigation column at the tests' viewport width */
const NAV_WIDTH = 256;

/** The test stack's UI and namespace, e.g. `http://127.0.0.1:17234/namespaces/default`. */
export function uiNamespaceUrl(): string {
  const { uiUrl, namespace } = testConnection().temporal;
  if (!uiUrl) throw new Error('R1FLOW_TEMPORAL_UI_URL is not set: run the browser tests through `npm run test:ui`');
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}`;
}

export function workflowPageUrl(workflowId: string): string {
  return `${uiNamespaceUrl()}/workflows/${encodeURIComponent(workflowId)}`;
}

export interface UiBrowser {
  context: BrowserContext;
  page: Page;
}

/** Registers hooks that open a browser for the file's tests and close it afterwards. */
export function useBrowser(): UiBrowser {
  const browser = {} as UiBrowser;
  let profile: string | undefined;
  before(async () => {
    profile = mkdtempSync(join(tmpdir(), 'r1flow-chromium-'));
    browser.context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
      timezoneId: 'UTC',
    });
    browser.context.setDefaultTimeout(30_000);
    browser.page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  // what the page showed when each test ended, pass or fail: the first thing to look at when one fails
  afterEach(async (t) => {
    if (browser.page) await screenshot(browser.page, `end-of-${t.name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60)}`);
  });
  after(async () => {
    await browser.context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });
  return browser;
}

/** Saves what the page shows as test/artifacts/<name>.png (and docs/ui/<name>.png for the README's). */
export async function screenshot(page: Page, name: string, options: { readme?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  // the README's leave out the UI's navigation column, to stay small
  const size = page.viewportSize();
  const clip =
    options.readme && size ? { x: NAV_WIDTH, y: 0, width: size.width - NAV_WIDTH, height: size.height } : undefined;
  await page.screenshot({ path, clip });
  if (options.readme && process.env.R1FLOW_README_SCREENSHOTS === '1') {
    mkdirSync(README_SCREENSHOTS_DIR, { recursive: true });
    copyFileSync(path, join(README_SCREENSHOTS_DIR, `${name}.png`));
  }
  return path;
}

/** Text as the user sees it: the UI keeps hidden copies of some (toasts for screen readers). */
export function visibleText(page: Page, text: string | RegExp) {
  return page.getByText(text).filter({ visible: true }).first();
}

function frameShows(body: string, text: string | RegExp): boolean {
  return typeof text === 'string' ? body.includes(text) : text.test(body);
}

/**
 * The UI renders each markdown field (summary, details, current details) in an iframe of its
 * own: the one that shows `text`, once it does. With `reload`, the page is reloaded between
 * looks (the current details are read when the page loads, not polled).
 */
export async function markdownFrame(
  page: Page,
  text: string | RegExp,
  options: { timeoutMs?: number; reload?: boolean } = {},
): Promise<Frame> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  // the UI is a single-page app that takes seconds to render on a busy machine: look for a while
  // before reloading again
  const lookMs = options.reload ? 10_000 : Number.POSITIVE_INFINITY;
  for (;;) {
    const lookUntil = Math.min(deadline, Date.now() + lookMs);
    while (Date.now() < lookUntil) {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame()) continue;
        const body = await frame
          .locator('body')
          .innerText({ timeout: 1000 })
          .catch(() => '');
        if (frameShows(body, text)) return frame;
      }
      await page.waitForTimeout(500);
    }
    if (Date.now() >= deadline) throw new Error(`no markdown on ${page.url()} shows ${String(text)}`);
    await page.reload();
  }
}

/**
 * Runs `check` on the markdown frame that shows `text`. The UI replaces a details frame whenever
 * a running workflow's details change, which detaches the frame `check` is reading; then the
 * frame is looked up again and `check` runs again, a few times at most.
 */
export async function inMarkdownFrame(
  page: Page,
  text: string | RegExp,
  check: (frame: Frame) => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const frame = await markdownFrame(page, text);
    try {
      await check(frame);
      return;
    } catch (err) {
      if (attempt >= 5 || !/detached/i.test(String(err))) throw err;
    }
  }
}

/** Types into one of the UI's JSON editors (CodeMirror: a contenteditable named by its label), then leaves it. */
export async function typeJson(page: Page, editorName: string, value: unknown): Promise<void> {
  const editor = page.getByRole('textbox', { name: editorName });
  await editor.click();
  await page.keyboard.type(JSON.stringify(value));
  // the editor reformats its text when it loses focus; a click on a button before that is lost
  await editor.blur();
}
