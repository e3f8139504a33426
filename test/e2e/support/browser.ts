import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * Debian's chromium driven by playwright-core (no downloaded browser): headless, as root in CI,
 * with the background-networking features off so a closed network stays quiet.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '../../../docs/screenshots');
export const DESKTOP = { width: 1366, height: 768 };
export const WIDE = { width: 1920, height: 1080 };

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`No chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  // libfaketime (npm run test:on-date) is for this process only: Chromium does not run under it.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'LD_PRELOAD' && !k.startsWith('FAKETIME'))) as Record<string, string>;
  return chromium.launch({
    executablePath: CHROMIUM,
    env,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Runs in each page before its own scripts: Date (constructor without arguments, Date.now) reads the
 * real time plus `shiftMs`; everything else about time is untouched.
 */
function shiftDateScript(shiftMs: number): void {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + shiftMs);
      else super(...(args as [string]));
    }
    static override now(): number {
      return RealDate.now() + shiftMs;
    }
  }
  (globalThis as { Date: DateConstructor }).Date = ShiftedDate as unknown as DateConstructor;
}

/** Console errors and uncaught page errors seen by a page, for the "no console errors" checks. */
export interface ConsoleLog {
  errors: string[];
  /** Errors that are not the browser's note about an HTTP status the test provoked on purpose. */
  unexpected(allowedStatuses?: number[]): string[];
}

export async function newSession(browser: Browser, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page; console: ConsoleLog }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  // On a moved date (npm run test:on-date) this process runs under libfaketime, shifted by FAKETIME
  // seconds; Chromium cannot (its zygote dies), so its pages get the same shift of Date alone. Their
  // timers, animation frames and performance clock stay real: Playwright's own clock (which fakes
  // those too) stalled the dialogs' opening animations on some dates.
  const shiftSeconds = /^[+-]?\d+$/.test(process.env.FAKETIME ?? '') ? Number(process.env.FAKETIME) : 0;
  if (shiftSeconds !== 0) await context.addInitScript(shiftDateScript, shiftSeconds * 1000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  const log: ConsoleLog = {
    errors,
    unexpected(allowed = []) {
      return errors.filter((e) => {
        const m = /Failed to load resource: the server responded with a status of (\d{3})/.exec(e);
        return !(m && allowed.includes(Number(m[1])));
      });
    },
  };
  return { context, page, console: log };
}

export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // Let fonts, charts, transitions and passing notices settle so the picture shows the screen itself.
  await page.evaluate('document.fonts.ready.then(() => true)');
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 6000 }).catch(() => undefined);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: opts.fullPage ?? false });
}

/** The open Ant Design select dropdown's option with this label. */
export function option(page: Page, label: string): Locator {
  return page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: new RegExp(`^${escapeRegex(label)}$`) });
}

export async function choose(page: Page, scope: Locator | Page, label: string, value: string): Promise<void> {
  // The select's box, not its search input (a chosen value covers the input).
  const box = scope.getByLabel(label, { exact: true }).locator('xpath=ancestor::div[contains(concat(" ", @class, " "), " ant-select-selector ")][1]');
  const chosen = box.locator('.ant-select-selection-item').filter({ hasText: new RegExp(`^${escapeRegex(value)}$`) });
  // A click can land while the dropdown is still sliding open on a busy machine: check and retry.
  // (No Escape to close a dropdown: in a dialog it would close the dialog.)
  for (let attempt = 1; ; attempt++) {
    if (!(await option(page, value).first().isVisible())) await box.click();
    await option(page, value).first().click();
    try {
      await chosen.waitFor({ timeout: 3000 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

/** Types a date into an Ant Design date picker in its display format (2026年1月5日) and confirms it. */
export async function pickDate(scope: Locator | Page, label: string, isoDate: string): Promise<void> {
  const [y, m, d] = isoDate.split('-').map(Number);
  const input = scope.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(`${y}年${m}月${d}日`);
  await input.press('Enter');
}

/** Picks 是 or 否 in a yes/no radio group of a form item. */
export async function yesNo(scope: Locator, label: string, yes: boolean): Promise<void> {
  await scope.locator('.ant-form-item').filter({ has: scope.page().locator(`label[title="${label}"]`) }).getByText(yes ? '是' : '否', { exact: true }).click();
}

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const CST_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** YYYY-MM-DD in China Standard Time, `days` from today. */
export function cstDate(days = 0): string {
  return new Date(Date.now() + CST_MS + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole CST calendar days from today to an instant (negative when past), as the console counts them. */
export function cstDaysFromToday(iso: string): number {
  const day = (t: number) => Math.floor((t + CST_MS) / DAY_MS);
  return day(Date.parse(iso)) - day(Date.now());
}
