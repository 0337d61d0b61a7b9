/**
 * The WooCommerce tab in a real browser: the merchant connects a store holding 150 orders while the
 * store is failing, sees the import stopped with the reason, imports again once the store answers
 * and watches it complete ("150 of 150 orders", the bar full), sees Settle's webhooks in a table,
 * then shows the connection secret and rotates it: the new one is shown once and the old is gone.
 * Needs the built pages (`npm run build:web`) and Chromium (test/support/browser.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WooCommerceRestApi } from '../../connectors/woocommerce/client';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { adminSignInLink, placeOrder, signUpAndConnect, type ConnectedMerchant } from '../support/journey';
import { launchChromium, newPerson } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));
const ORDERS = 150;

describe('in the browser: the merchant watches the store\'s orders import and rotates the connection secret', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let browser: Browser;
  const connection = async () => (await (await fetch(`${stack.settleUrl}/api/woocommerce/connection`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } })).json()) as { latestImport: { status: string } | null };

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack({ env: { WOO_WEBHOOK_CHECK_MS: '2000' } });
    const woo = stack.sandboxes.woo;
    const keys = woo.createApiKeys();
    const store = new WooCommerceRestApi({ url: woo.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret, version: 'wc/v3' });
    const product = woo.createProduct({ name: 'Notebook', regular_price: '4.00' }) as { id: number };
    for (let i = 0; i < ORDERS; i++) await placeOrder(store, { productId: product.id, quantity: 1 });
    // The store's order listing is failing when the merchant connects.
    woo.setFault({ path: 'orders', status: 500 });
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Paper Goods');
    await eventually(connection, (c) => c.latestImport?.status === 'failed', 60_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the stopped import, imports again to 150 of 150 orders, and lists the webhooks', async () => {
    const page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(stack.settleUrl, merchant.apiKey));
    await page.getByRole('heading', { name: 'Payments', exact: true }).waitFor();
    await page.getByRole('tab', { name: 'WooCommerce' }).click();
    await page.getByRole('heading', { name: 'WooCommerce store', exact: true }).waitFor();
    await page.getByText(stack.sandboxes.woo.url).first().waitFor();

    await page.getByText('The import stopped', { exact: true }).waitFor();
    await page.getByText(/WooCommerce did not answer while importing recent orders: .*500/).waitFor();

    stack.sandboxes.woo.setFault(null);
    await page.getByRole('button', { name: 'Import again' }).click();
    await page.getByText(`${ORDERS} of ${ORDERS} orders imported`, { exact: false }).waitFor({ timeout: 60_000 });
    await page.getByText('Imported', { exact: true }).waitFor();
    expect(await page.locator('progress').getAttribute('value')).toBe('100');

    // The scheduled check has created Settle's webhooks in the store: each topic is a row.
    const created = page.getByRole('row').filter({ hasText: 'Order created' });
    await created.getByText('Active').waitFor({ timeout: 30_000 });
    expect(await created.getByText('Yes').count()).toBe(1);
    for (const topic of ['Order updated', 'Order deleted', 'Product updated']) expect(await page.getByRole('row').filter({ hasText: topic }).count()).toBe(1);
  });

  it('shows the connection secret only when asked, and a rotation replaces it and shows the new one once', async () => {
    const page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(stack.settleUrl, merchant.apiKey));
    await page.getByRole('tab', { name: 'WooCommerce' }).click();
    const field = page.getByLabel('Connection secret');
    await field.waitFor();
    expect(await field.inputValue()).not.toMatch(/^sss_/);

    await page.getByRole('button', { name: 'Show secret' }).click();
    await expect.poll(() => field.inputValue()).toMatch(/^sss_[0-9a-f]{64}$/);
    const old = await field.inputValue();

    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    await page.getByText('New connection secret').waitFor();
    await expect.poll(() => field.inputValue()).not.toBe(old);
    const rotated = await field.inputValue();
    expect(rotated).toMatch(/^sss_[0-9a-f]{64}$/);

    const stored = (await (await fetch(`${stack.settleUrl}/api/connections/woocommerce/connection-secret`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } })).json()) as { connectionSecret: string };
    expect(stored.connectionSecret).toBe(rotated);

    // Opened again, the page hides it until asked.
    await page.reload();
    await field.waitFor();
    expect(await field.inputValue()).not.toMatch(/^sss_/);
  });
});
