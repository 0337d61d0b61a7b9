/**
 * The Reports tab in a real browser: after a $100.00 sale and a $40.00 refund, the merchant opens
 * Reports and sees the chart of volume, fees and net and the day's row in the table ($100.00 gross,
 * -$40.00 refunds, $3.20 fees, $56.80 net), downloads the CSV, then asks for the last 12 months and
 * watches it being prepared before the same figures show. Needs `npm run build:web` and Chromium.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { adminSignInLink, payAsShopper, placeOrder, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../support/journey';
import { launchChromium, newPerson, screenshot } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in the browser: the merchant reads the reports', { timeout: 90_000 }, () => {
  let stack: SettleStack;
  let settleUrl: string;
  let merchant: ConnectedMerchant;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack();
    settleUrl = stack.settleUrl;
    merchant = await signUpAndConnect(settleUrl, stack.sandboxes, 'Lantern Books');

    const product = (await merchant.woo.post('products', { name: 'Atlas', regular_price: '100.00', manage_stock: true, stock_quantity: 5 })).data;
    const order = await placeOrder(merchant.woo, { productId: product.id, quantity: 1 });
    const checkout = await startCheckout(settleUrl, merchant.apiKey, order.id);
    expect(await payAsShopper(settleUrl, checkout.payment.id)).toBe('succeeded');
    await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data.status, (s) => s === 'processing');
    const refund = await fetch(`${settleUrl}/api/payments/${checkout.payment.id}/refunds`, {
      method: 'POST', headers: { Authorization: `Bearer ${merchant.apiKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ amount: 4000 }),
    });
    expect([201, 202]).toContain(refund.status);
    // The refund is in the ledger once the worker has applied Stripe's webhook.
    await eventually(
      async () => (await (await fetch(`${settleUrl}/api/reports/daily-summary`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } })).json()).totals,
      (totals: { refundsFormatted: string }[]) => totals[0]?.refundsFormatted === '-$40.00',
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** The day's row of the daily summary table, cell by cell, once it shows. */
  async function dayRow(page: Page) {
    const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Channel' }) });
    const row = table.getByRole('row').filter({ hasText: 'WooCommerce store' });
    await row.waitFor();
    return (await row.getByRole('cell').allTextContents()).map((t) => t.trim());
  }

  it('shows the chart and the daily table, and downloads the CSV', async () => {
    const page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(settleUrl, merchant.apiKey));
    await page.getByRole('heading', { name: 'Payments', exact: true }).waitFor();

    await page.getByRole('tab', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', exact: true }).waitFor();
    const chart = page.getByRole('img', { name: 'Volume, fees and net per day in USD' });
    await chart.waitFor();
    // Recharts drew the bars and both lines, with their legend.
    await chart.locator('.recharts-bar-rectangle').first().waitFor();
    expect(await chart.locator('.recharts-line').count()).toBe(2);
    expect((await chart.locator('.recharts-legend-item-text').allTextContents())).toEqual(['Volume', 'Fees', 'Net']);

    // Day | Channel | Sales | Gross | Refunds | Disputes | Fees | Net (the day is the row's header cell)
    expect((await dayRow(page)).slice(-6)).toEqual(['1', '$100.00', '-$40.00', '$0.00', '$3.20', '$56.80']);
    const fees = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Fee', exact: true }) });
    const feeRow = fees.getByRole('row').filter({ hasText: 'Stripe fee' });
    await feeRow.waitFor();
    expect((await feeRow.getByRole('cell').allTextContents()).map((t) => t.trim()).slice(-3)).toEqual(['Sales', '1', '$3.20']);
    expect(page.url()).toMatch(/#reports$/);
    await screenshot(page, 'admin-reports');

    const href = await page.getByRole('link', { name: 'Daily summary CSV' }).getAttribute('href');
    expect(href).toMatch(/^\/api\/reports\/daily-summary\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&format=csv$/);
    const download = await page.request.get(`${settleUrl}${href}`);
    expect(download.status()).toBe(200);
    expect((await download.text()).split('\r\n')[1]).toMatch(/^\d{4}-\d{2}-\d{2},USD,woocommerce,1,100\.00,0\.00,0\.00,-40\.00,0\.00,0\.00,3\.20,56\.80$/);
  });

  it('prepares the last 12 months with progress, then shows the same day', async () => {
    const page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(settleUrl, merchant.apiKey));
    await page.getByRole('tab', { name: 'Reports' }).click();
    await page.getByRole('img', { name: 'Volume, fees and net per day in USD' }).waitFor();

    await page.getByLabel('Range').selectOption({ label: 'Last 12 months' });
    // The page says it is preparing the report (the worker may finish quickly; the text shows first).
    await page.getByText(/Preparing the report for .*: \d+ of 1[23] months done/).waitFor();
    await page.getByRole('img', { name: 'Volume, fees and net per day in USD' }).waitFor();
    expect((await dayRow(page)).slice(-6)).toEqual(['1', '$100.00', '-$40.00', '$0.00', '$3.20', '$56.80']);
    expect(await page.getByRole('link', { name: 'Daily summary CSV' }).getAttribute('href')).toMatch(/^\/api\/reports\/runs\/rr_[\w-]+\?format=csv$/);
  });
});
