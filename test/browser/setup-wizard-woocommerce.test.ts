/**
 * Guided setup in Chromium for a merchant who came from the WooCommerce plugin (the store is
 * connected, nothing else): choose, connect Stripe (keys) and QuickBooks (Intuit's consent page),
 * preflight with a failing check and its one-click fix, the dry run with its progress and the
 * documents QuickBooks would get (nothing posted), then live keys and the switch. Server and worker
 * run as in production. Needs the built pages (`npm run build:web`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSettleStack, type SettleStack } from '../support/stack';
import { adminSignInLink, merchantApi, readBooks } from '../support/journey';
import { setUpIntuitApp } from '../support/quickbooks-connect';
import { launchChromium, newPerson, screenshot, typeInto } from '../support/browser';
import { WooCommerceRestApi } from '../../connectors/woocommerce/client';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in Chromium: guided setup for a WooCommerce merchant', { timeout: 240_000 }, () => {
  let stack: SettleStack;
  let browser: Browser;
  let page: Page;
  let apiKey: string;
  let woo: WooCommerceRestApi;
  let productId: number;
  const api = (path: string, init: { method?: string; body?: unknown } = {}) => merchantApi(stack.settleUrl, apiKey, path, init);
  const next = () => page.getByRole('button', { name: 'Continue' }).click();
  const atStep = (n: number, title: string) => page.getByRole('heading', { name: `Step ${n} of 7: ${title}` }).waitFor();

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    stack = await startSettleStack({ env: async (s, url) => (await setUpIntuitApp(s, url)).env });
    browser = await launchChromium();
    // The plugin's "Connect to Settle" made the merchant and the store connection.
    const signUp = await fetch(`${stack.settleUrl}/api/merchants`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Wizard Woollens' }) });
    apiKey = ((await signUp.json()) as { apiKey: string }).apiKey;
    const keys = stack.sandboxes.woo.createApiKeys('read_write');
    expect((await api('/api/connections/woocommerce', { method: 'PUT', body: { siteUrl: stack.sandboxes.woo.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret } })).status).toBe(200);
    woo = new WooCommerceRestApi({ url: stack.sandboxes.woo.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret, version: 'wc/v3' });
    productId = Number(stack.sandboxes.woo.createProduct({ name: 'Merino scarf', regular_price: '45.00', manage_stock: true, stock_quantity: 4, status: 'publish' }).id);
    page = await (await newPerson(browser)).newPage();
    await page.goto(await adminSignInLink(stack.settleUrl, apiKey));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('opens on setup, the store already connected, and connects Stripe and QuickBooks with their own flows', async () => {
    await atStep(1, 'Choose what to connect');
    await page.getByText('You came from the WooCommerce plugin').waitFor();
    expect(await page.getByLabel('WooCommerce').isChecked()).toBe(true);
    await screenshot(page, 'setup-wizard-woocommerce-1-choose');
    await next();

    await atStep(2, 'Connect');
    const account = stack.sandboxes.stripe.createAccount();
    await typeInto(page, 'Secret key', account.secret_key);
    await typeInto(page, 'Publishable key', account.publishable_key);
    await page.getByRole('button', { name: 'Connect Stripe' }).click();
    await page.getByText('Still to connect: QuickBooks Online').waitFor();
    await page.getByRole('link', { name: 'Connect to QuickBooks' }).click();
    await page.getByRole('button', { name: 'Connect', exact: true }).click(); // Intuit's consent page
    // Back from Intuit: the same step, everything connected.
    await atStep(2, 'Connect');
    expect(await page.getByText('Connected', { exact: true }).count()).toBe(3);
    await screenshot(page, 'setup-wizard-woocommerce-2-connected');
    await next();
    await atStep(3, 'Posting mode and accounts');
    await next();
    await atStep(4, 'Payment methods and currencies');
    await next();
  });

  it('preflight: a store webhook WooCommerce turned off fails, "Turn webhooks back on" fixes it', async () => {
    await atStep(5, 'Preflight checks');
    // Settle's webhooks in the store, then one turned off by WooCommerce after failed deliveries.
    await api('/api/setup/preflight/repair-store-webhooks', { body: {} });
    const hooks = (await woo.get('webhooks', { status: 'all' })).data as { id: number; topic: string }[];
    await woo.put(`webhooks/${hooks.find((h) => h.topic === 'order.updated')!.id}`, { status: 'disabled' });

    await page.getByRole('button', { name: 'Run the checks' }).click();
    await page.getByText('Some checks found a problem').waitFor();
    await page.getByText('order.updated (turned off by the store after failed deliveries)', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
    await screenshot(page, 'setup-wizard-woocommerce-3-preflight-problem');

    await page.getByRole('button', { name: 'Turn webhooks back on' }).click();
    await page.getByText('Every check passed').waitFor({ timeout: 30_000 });
    expect(await page.getByText('Problem', { exact: true }).count()).toBe(0);
    const status = ((await woo.get('webhooks', { status: 'all' })).data as { topic: string; status: string }[]).find((h) => h.topic === 'order.updated')!.status;
    expect(status).toBe('active');
    await screenshot(page, 'setup-wizard-woocommerce-4-preflight-passed');
    await next();
  });

  it('dry run: progress while it runs, a paid test order in the store with stock down, the QuickBooks documents shown and none posted', async () => {
    await atStep(6, 'Dry run');
    const setup = (await api('/api/setup')).body.setup as { choices: unknown };
    const realmId = ((await api('/api/connections')).body.connections as { platform: string; settings: { realmId?: string } }[]).find((c) => c.platform === 'quickbooks')!.settings.realmId!;
    const before = await readBooks(stack.sandboxes, realmId);
    await page.getByRole('button', { name: 'Run the dry run' }).click();
    await page.getByRole('progressbar').waitFor();
    await page.getByText('The dry run worked').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'What would be posted to QuickBooks' }).waitFor();
    await page.getByText('SalesReceipt (sales receipt)', { exact: false }).waitFor();
    await page.getByText('Transfer (payout transfer)', { exact: false }).waitFor();
    await page.getByRole('rowheader', { name: 'Stripe clearing' }).first().waitFor();
    await page.getByRole('cell', { name: '$45.00' }).first().waitFor();
    await screenshot(page, 'setup-wizard-woocommerce-5-dry-run');

    expect(((await woo.get(`products/${productId}`)).data as { stock_quantity: number }).stock_quantity).toBe(3);
    const orders = (await woo.get('orders')).data as { status: string; total: string }[];
    expect(orders.map((o) => [o.status, o.total])).toEqual([['processing', '45.00']]);
    await stack.sandboxes.stripe.webhooksIdle();
    await new Promise((r) => setTimeout(r, 2000)); // the worker has taken Stripe's webhooks for the test card
    expect(await readBooks(stack.sandboxes, realmId)).toEqual(before);
    expect(setup.choices).toBeTruthy();
    await next();
  });

  it('go live: live keys, every check again, and the switch', async () => {
    await atStep(7, 'Go live');
    const live = stack.sandboxes.stripe.createAccount({ livemode: true });
    await typeInto(page, 'Live secret key', live.secret_key);
    await typeInto(page, 'Live publishable key', live.publishable_key);
    await page.getByRole('button', { name: 'Switch to live payments' }).click();
    await page.getByText('Settle takes live payments').waitFor({ timeout: 60_000 });
    await screenshot(page, 'setup-wizard-woocommerce-6-live');
    expect((await api('/api/setup')).body.setup).toMatchObject({ mode: 'live', preflight: { passed: true, mode: 'live' } });
    await page.getByRole('button', { name: 'Go to Payments' }).click();
    await page.getByRole('tab', { name: 'Setup' }).waitFor();
  });
});
