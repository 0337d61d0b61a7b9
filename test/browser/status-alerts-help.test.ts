/**
 * Running live, in a real browser: the merchant's QuickBooks is disconnected, the alert banner
 * shows above every tab and can be dismissed; the Status tab shows the connections' health, when
 * each platform last sent a webhook, the work waiting and the alert; and each help panel (refunds,
 * disputes, exceptions) opens where a shop assistant needs it, in plain words. Screenshots in
 * test-results/screenshots/. Needs the built pages (`npm run build:web`) and Chromium.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { adminSignInLink, merchantApi, payAsShopper, placeOrder, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../support/journey';
import { launchChromium, newPerson, screenshot } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in the browser: status, alerts and help for staff', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let browser: Browser;
  let page: Page;
  let orderNumber: string;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack({ env: { ALERTS_CHECK_MS: '700' } });
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Status Ceramics');
    const product = (await merchant.woo.post('products', { name: 'Bowl', regular_price: '40.00' })).data;
    const order = await placeOrder(merchant.woo, { productId: product.id, quantity: 1 });
    orderNumber = order.number;
    const { payment } = await startCheckout(stack.settleUrl, merchant.apiKey, order.id);
    expect(await payAsShopper(stack.settleUrl, payment.id)).toBe('succeeded');
    await eventually(async () => (await merchant.woo.get(`orders/${order.id}`)).data.status, (s) => s === 'processing');
    await merchantApi(stack.settleUrl, merchant.apiKey, '/api/connections/quickbooks', { method: 'DELETE' });
    await eventually(async () => (await merchantApi(stack.settleUrl, merchant.apiKey, '/api/alerts')).body.alerts, (a: unknown[]) => a.length === 1);
    page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(stack.settleUrl, merchant.apiKey));
    await page.getByRole('heading', { name: 'Payments', exact: true }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the alert above the admin, and the Status tab with its figures', async () => {
    const alerts = page.getByTestId('alerts');
    await alerts.getByText('QuickBooks is not connected').waitFor();
    await alerts.getByText('QuickBooks was disconnected from Settle.', { exact: false }).waitFor();

    await page.getByRole('tab', { name: 'Status' }).click();
    await page.getByRole('heading', { name: 'Status', exact: true }).waitFor();
    const connections = page.getByTestId('connections');
    await connections.getByRole('row').filter({ hasText: 'QuickBooks' }).getByText('Disconnected').waitFor();
    await connections.getByRole('row').filter({ hasText: 'Stripe' }).getByText('Connected').waitFor();
    // Stripe's webhooks for the payment arrived: a time, not "None yet".
    const stripeWebhooks = page.getByTestId('last-webhooks').getByRole('row').filter({ hasText: 'Stripe' });
    await stripeWebhooks.waitFor();
    expect(await stripeWebhooks.textContent()).not.toContain('None yet');
    await page.getByTestId('pending-work').getByRole('row').filter({ hasText: 'Entries to post to the books' }).waitFor();
    await page.getByText('Open exceptions').waitFor();
    expect(await page.getByText('Last store update').locator('..').textContent()).not.toContain('Not yet');
    await page.getByText('Sales, fees and payouts wait to be posted to your books', { exact: false }).last().waitFor();
    await page.getByLabel('Email alerts to').fill('owner@status-ceramics.test');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Alerts will be emailed to owner@status-ceramics.test.').waitFor();
    await screenshot(page, 'status-page');

    // Dismissed: the banner goes, the alert stays on the status page until QuickBooks is back.
    await alerts.getByRole('button', { name: /dismiss/i }).click();
    await expect.poll(() => page.getByTestId('alerts').count()).toBe(0);
    await page.getByText('Since', { exact: false }).first().waitFor();
    expect((await merchantApi(stack.settleUrl, merchant.apiKey, '/api/alerts')).body.alerts[0].dismissedAt).not.toBeNull();
  });

  it('explains refunds beside the refund form', async () => {
    await page.getByRole('tab', { name: 'Payments' }).click();
    await page.getByRole('row').filter({ has: page.getByText(`#${orderNumber}`, { exact: true }) }).getByText(`#${orderNumber}`, { exact: true }).click();
    await page.getByRole('button', { name: 'How refunds work' }).click();
    const panel = page.getByRole('region', { name: 'Giving a shopper their money back' });
    await panel.getByText('5 to 10 business days', { exact: false }).waitFor();
    await panel.getByText('A refund cannot be undone', { exact: false }).waitFor();
    await screenshot(page, 'help-refunds');
  });

  it('explains what a dispute is and what to do, with the deadline', async () => {
    await page.getByRole('tab', { name: 'Disputes' }).click();
    await page.getByRole('button', { name: 'What is a dispute?' }).click();
    const panel = page.getByRole('region', { name: 'When a shopper’s bank takes a payment back' });
    await panel.getByText('chargeback', { exact: false }).waitFor();
    await panel.getByText('before the "Evidence due by" date', { exact: false }).waitFor();
    await panel.getByText('Do not refund a disputed payment', { exact: false }).waitFor();
    await screenshot(page, 'help-disputes');
  });

  it('explains why an order is flagged, kind by kind', async () => {
    await page.getByRole('tab', { name: 'Exceptions' }).click();
    await page.getByRole('button', { name: 'Why is an order flagged?' }).click();
    const panel = page.getByRole('region', { name: 'Why Settle flags an order' });
    await panel.getByText('Order paid without a payment', { exact: true }).waitFor();
    await panel.getByText('Often it was paid in cash', { exact: false }).waitFor();
    await panel.getByText('Payout not explained', { exact: true }).waitFor();
    await screenshot(page, 'help-exceptions');
  });
});
