/**
 * The exceptions queue in a real browser: the merchant marks a WooCommerce order paid by hand (no
 * card payment), the sweep finds it, and the merchant opens the admin's Exceptions tab, reads the
 * explanation, accepts it with a note, and sees the note in its audit trail and the queue empty.
 * Needs the built pages (`npm run build:web`) and Chromium (test/support/browser.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { adminSignInLink, placeOrder, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../support/journey';
import { launchChromium, newPerson } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in the browser: the merchant works the exceptions queue', { timeout: 90_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let browser: Browser;
  let orderNumber: string;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack({ env: { RECONCILIATION_SWEEP_MS: '1500', RECONCILIATION_GRACE_MS: '500' } });
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Counter Cash Shop');
    const product = (await merchant.woo.post('products', { name: 'Lamp', regular_price: '30.00' })).data;
    const order = await placeOrder(merchant.woo, { productId: product.id, quantity: 1 });
    orderNumber = order.number;
    await startCheckout(stack.settleUrl, merchant.apiKey, order.id);
    await merchant.woo.put(`orders/${order.id}`, { status: 'processing' });
    await eventually(
      async () => (await (await fetch(`${stack.settleUrl}/api/reconciliation/exceptions`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } })).json()).exceptions,
      (e: unknown[]) => e.length > 0, 60_000,
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the exception explained, accepts it with a note, and keeps the note in the audit trail', async () => {
    const page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(stack.settleUrl, merchant.apiKey));
    await page.getByRole('heading', { name: 'Payments', exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Exceptions' }).click();
    await page.getByRole('heading', { name: 'Exceptions', exact: true }).waitFor();

    const row = page.getByRole('row').filter({ hasText: `#${orderNumber}` });
    await row.getByText('Order paid without a payment').waitFor();
    await row.click();
    await page.getByRole('heading', { name: `Order paid without a payment · order #${orderNumber}` }).waitFor();
    // Once in the table (truncated) and once in full in the chosen exception's card.
    await page.getByText(`Order #${orderNumber} is marked paid in the store (30.00 USD), but Stripe has no successful payment for it`).last().waitFor();
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);

    await page.getByLabel('Note').fill('Paid in cash at the counter');
    await page.getByRole('button', { name: 'Accept with note' }).click();
    await page.getByText('Everything agrees').waitFor();

    const accepted = await (await fetch(`${stack.settleUrl}/api/reconciliation/exceptions?status=accepted`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } })).json();
    expect(accepted.exceptions).toEqual([expect.objectContaining({ orderNumber, status: 'accepted', note: 'Paid in cash at the counter' })]);
  });
});
