/**
 * The payout report in a real browser: after one $100.00 sale is paid out, the merchant opens the
 * admin's Payouts tab, sees the payout explained, opens it and finds the proof, the totals, the
 * line and the CSV link. Needs the built pages (`npm run build:web`) and Chromium (test/support/browser.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import {
  adminSignInLink, advanceStripeClock, payAsShopper, placeOrder, signUpAndConnect, startCheckout, type ConnectedMerchant, type Sandboxes,
} from '../support/journey';
import { launchChromium, newPerson, screenshot } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in the browser: the merchant reads a payout in the admin', { timeout: 90_000 }, () => {
  let sandboxes: Sandboxes;
  let stack: SettleStack;
  let settleUrl: string;
  let merchant: ConnectedMerchant;
  let browser: Browser;
  let payoutId: string;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack();
    ({ sandboxes, settleUrl } = stack);
    merchant = await signUpAndConnect(settleUrl, sandboxes, 'Harbour Books');

    const product = (await merchant.woo.post('products', { name: 'Atlas', regular_price: '100.00', manage_stock: true, stock_quantity: 5 })).data;
    const order = await placeOrder(merchant.woo, { productId: product.id, quantity: 1 });
    const checkout = await startCheckout(settleUrl, merchant.apiKey, order.id);
    expect(await payAsShopper(settleUrl, checkout.payment.id)).toBe('succeeded');
    await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data.status, (s) => s === 'processing');
    await advanceStripeClock(sandboxes, 3 * 86_400);
    const listed = await eventually(
      async () => (await (await fetch(`${settleUrl}/api/payouts`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } })).json()).payouts,
      (p: { id: string }[]) => p.length > 0,
    );
    payoutId = listed[0]!.id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('the Payouts tab lists the payout as explained; opening it shows the proof, totals, line and CSV link', async () => {
    const page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(settleUrl, merchant.apiKey));
    await page.getByRole('heading', { name: 'Payments', exact: true }).waitFor();

    await page.getByRole('tab', { name: 'Payouts' }).click();
    await page.getByRole('heading', { name: 'Payouts', exact: true }).waitFor();
    const row = page.getByRole('row').filter({ hasText: payoutId });
    await row.getByText('Explained', { exact: true }).waitFor();
    await row.getByText('$96.80', { exact: true }).waitFor();
    await row.getByText('Paid', { exact: true }).waitFor();

    await row.click();
    await page.getByText('Explained to the cent').waitFor();
    const summary = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Group' }) });
    // The group's name is the row's header cell; the figures are its cells.
    const figures = async (group: string) =>
      (await summary.getByRole('row').filter({ has: page.getByRole('rowheader', { name: group, exact: true }) }).getByRole('cell').allTextContents()).map((t) => t.trim());
    expect(await figures('Charges')).toEqual(['1', '$100.00', '$3.20', '$96.80']);
    expect(await figures('Disputes')).toEqual(['0', '$0.00', '$0.00', '$0.00']);
    const lines = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Source' }) });
    await lines.getByRole('row').filter({ hasText: 'Charge' }).getByText('$96.80', { exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toBe(`/api/payouts/${payoutId}/lines.csv`);
    expect(page.url()).toMatch(/#payouts$/);
    await screenshot(page, 'admin-payout-report');

    // The link downloads with the admin's session cookie, as a person clicking it would.
    const download = await page.request.get(`${settleUrl}/api/payouts/${payoutId}/lines.csv`);
    expect(download.status()).toBe(200);
    expect((await download.text()).split('\r\n')[1]).toContain(',charge,');
  });
});
