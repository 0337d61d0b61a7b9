/**
 * The admin and the payment page still work under their Content-Security-Policy: opened in
 * Chromium, each renders and the browser reports no policy violation (a blocked script, style or
 * request would show as one). Needs the built pages and Chromium, as the browser tests do.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchChromium } from '../support/browser';
import { startTwoMerchants, type TwoMerchants } from './two-merchants';

const READY = existsSync(fileURLToPath(new URL('../../web/app/dist/admin.html', import.meta.url))) && existsSync(CHROMIUM_PATH);

describe.runIf(READY)('pages under their Content-Security-Policy, in a browser', { timeout: 120_000 }, () => {
  let world: TwoMerchants;
  let browser: Browser;

  beforeAll(async () => {
    [world, browser] = await Promise.all([startTwoMerchants(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  async function open(path: string, ready: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`));
    });
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await page.goto(`${world.settle.url}${path}`);
    await page.getByText(ready).first().waitFor({ timeout: 60_000 });
    await context.close();
    return violations;
  }

  it("the merchant's admin renders its payments with no violation", async () => {
    const link = (await (await fetch(`${world.settle.url}/api/admin-links`, { method: 'POST', headers: { Authorization: `Bearer ${world.a.apiKey}`, 'Content-Type': 'application/json' }, body: '{}' })).json()) as { url: string };
    const url = new URL(link.url);
    expect(await open(`${url.pathname}${url.search}`, '501')).toEqual([]);
  });

  it('the payment page renders the order with no violation', async () => {
    expect(await open(`/pay/${world.a.paymentId}`, 'Alder Books')).toEqual([]);
  });
});
