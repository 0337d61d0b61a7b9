/**
 * A real browser for the tests that look at Settle's pages as people do: the system's Chromium
 * driven by playwright-core (no browser download), plus screenshots and a log of every request
 * the pages make, so a test can check where data went.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// What this Chromium needs to run headless as root in a container. Playwright adds its own fresh,
// empty --user-data-dir. The rest keeps the browser from calling Google on its own.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** A fresh browser profile (no cookies) with a fixed locale and screen, so pages render the same every run. */
export function newPerson(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1280, height: 900 } });
}

export interface RecordedRequest {
  url: string;
  method: string;
  postData: string | null;
}

/** Records every request any page of the context makes (documents, scripts, fetches, preflights). */
export function recordRequests(context: BrowserContext): RecordedRequest[] {
  const requests: RecordedRequest[] = [];
  context.on('request', (request) => requests.push({ url: request.url(), method: request.method(), postData: request.postData() }));
  return requests;
}

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/** Full-page PNG in test-results/screenshots/<name>.png (git-ignored), for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Clicks into a field and types, as a shopper does (replacing what was there): the click gives the
 * frame the keyboard, where a script's focus() into a cross-origin frame may leave the keys with the
 * page around it. Then checks the field shows every character typed.
 */
export async function typeInto(scope: FrameLocator | Page, label: string, text: string): Promise<void> {
  const field = scope.getByLabel(label);
  await field.click();
  await field.fill('');
  await field.pressSequentially(text);
  await expect.poll(() => field.inputValue()).toBe(text);
}

/** A test card typed into Settle's payment form (number grouped in fours, expiry 12/30, CVC 123). */
export async function typeCardDetails(scope: FrameLocator | Page, cardNumber: string): Promise<void> {
  await typeInto(scope, 'Card number', cardNumber.replace(/(\d{4})(?=\d)/g, '$1 '));
  await typeInto(scope, 'Expiry (MM / YY)', '12 / 30');
  await typeInto(scope, 'Security code', '123');
}
