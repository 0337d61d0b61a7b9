/**
 * Guided setup in Chromium for a merchant who installed Settle from the Shopify App Store, inside
 * Shopify admin (a page playing Shopify admin frames the embedded admin; App Bridge's stand-in hands
 * it session tokens). Same wizard as for WooCommerce: connect Stripe, a currency the Stripe account
 * cannot take fails the preflight and is fixed, the dry run pays a test order in the Shopify shop
 * (stock down) and shows the QuickBooks documents without posting them, then live keys and the
 * switch. Needs the built pages (`npm run build:web`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { startSettleStack, type SettleStack } from '../support/stack';
import { connectQuickBooks, merchantApi, readBooks } from '../support/journey';
import { installShop, SHOPIFY_CLIENT, withShopify, type ShopifyWorld } from '../support/shopify';
import { signSessionToken, startShopifyAdmin, useAppBridgeStandIn, type ShopifyAdmin } from '../support/shopify-admin';
import { launchChromium, newPerson, screenshot, typeInto } from '../support/browser';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));

describe('in Chromium: guided setup for a Shopify merchant, inside Shopify admin', { timeout: 240_000 }, () => {
  const world: ShopifyWorld = { shop: 'wizard-ceramics.myshopify.com', variants: {} };
  let stack: SettleStack;
  let admin: ShopifyAdmin;
  let browser: Browser;
  let page: Page;
  let app: FrameLocator;
  let realmId: string;
  const token = () => signSessionToken({ shop: world.shop, clientId: SHOPIFY_CLIENT.clientId, secret: SHOPIFY_CLIENT.clientSecret });
  const api = (path: string, init: { method?: string; body?: unknown } = {}) => merchantApi(stack.settleUrl, token(), path, init);
  const next = () => app.getByRole('button', { name: 'Continue' }).click();
  const atStep = (n: number, title: string) => app.getByRole('heading', { name: `Step ${n} of 7: ${title}` }).waitFor();
  const stock = async () => ((await (await fetch(`${world.sandbox!.url}/_sandbox/shops/${world.shop}/stock/${encodeURIComponent(world.variants.MUG!)}`)).json()) as { available: number }).available;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    stack = await startSettleStack({
      env: async (sandboxes, settleUrl) => {
        const shopify = await withShopify(world, [{ title: 'Stoneware mug', sku: 'MUG', price: '24.00', available: 9 }])(sandboxes, settleUrl);
        admin = await startShopifyAdmin({ shop: world.shop, clientId: SHOPIFY_CLIENT.clientId, secret: SHOPIFY_CLIENT.clientSecret, settleUrl });
        return { ...shopify, SHOPIFY_ADMIN_ORIGIN: admin.origin };
      },
    });
    // Installed from the Shopify App Store: the shop is now a Settle merchant, nothing else connected.
    expect((await installShop(stack.settleUrl, world.shop)).status).toBe(302);
    browser = await launchChromium();
    const context = await newPerson(browser);
    await useAppBridgeStandIn(context, admin);
    page = await context.newPage();
    await page.goto(admin.appUrl);
    app = page.frameLocator('iframe[name="app-iframe"]');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await admin?.close();
  });

  it('opens on setup with the Shopify store chosen and connected; Stripe is connected in the wizard', async () => {
    await atStep(1, 'Choose what to connect');
    await app.getByText('You came from the Shopify App Store').waitFor();
    expect(await app.getByLabel('Shopify').isChecked()).toBe(true);
    await next();

    await atStep(2, 'Connect');
    const account = stack.sandboxes.stripe.createAccount();
    await typeInto(app as unknown as Page, 'Secret key', account.secret_key);
    await typeInto(app as unknown as Page, 'Publishable key', account.publishable_key);
    await app.getByRole('button', { name: 'Connect Stripe' }).click();
    await app.getByText('Still to connect: QuickBooks Online').waitFor();
    // Intuit's consent page cannot be framed inside Shopify admin: the merchant connects QuickBooks
    // in a tab of its own (here with the same calls), and comes back to the same step.
    realmId = (await connectQuickBooks(stack.sandboxes, stack.settleUrl, token(), 'Wizard Ceramics books')).realmId;
    await page.reload();
    await atStep(2, 'Connect');
    expect(await app.getByText('Connected', { exact: true }).count()).toBe(3);
    await screenshot(page, 'setup-wizard-shopify-1-connected');
    await next();
    await atStep(3, 'Posting mode and accounts');
    await next();
    await atStep(4, 'Payment methods and currencies');
    await app.getByLabel('CHF').check();
    await next();
  });

  it('preflight: a currency the Stripe account cannot take (CHF) fails; without it every check passes', async () => {
    await atStep(5, 'Preflight checks');
    await app.getByRole('button', { name: 'Run the checks' }).click();
    await app.getByText('Some checks found a problem').waitFor({ timeout: 30_000 });
    await app.getByText('cannot take payments in CHF', { exact: false }).waitFor();
    await screenshot(page, 'setup-wizard-shopify-2-preflight-problem');

    await app.getByRole('button', { name: 'Back' }).click();
    await atStep(4, 'Payment methods and currencies');
    await app.getByLabel('CHF').uncheck();
    await next();
    await atStep(5, 'Preflight checks');
    await app.getByRole('button', { name: 'Run the checks again' }).click();
    await app.getByText('Every check passed').waitFor({ timeout: 30_000 });
    await app.getByText('The store sells in USD.').waitFor();
    await screenshot(page, 'setup-wizard-shopify-3-preflight-passed');
    await next();
  });

  it('dry run: a paid test order in the Shopify shop with stock down, the QuickBooks documents shown and none posted', async () => {
    await atStep(6, 'Dry run');
    const before = await readBooks(stack.sandboxes, realmId);
    expect(await stock()).toBe(9);
    await app.getByRole('button', { name: 'Run the dry run' }).click();
    await app.getByText(/The dry run (worked|stopped)/).waitFor({ timeout: 60_000 });
    const shown = (await api('/api/setup/dry-run')).body.dryRun as { error: string | null };
    expect(shown.error).toBeNull();
    await app.getByText('Stoneware mug stock 9 → 8', { exact: false }).waitFor();
    await app.getByRole('heading', { name: 'What would be posted to QuickBooks' }).waitFor();
    await app.getByText('SalesReceipt (sales receipt)', { exact: false }).waitFor();
    await app.getByRole('cell', { name: '$24.00' }).first().waitFor();
    await screenshot(page, 'setup-wizard-shopify-4-dry-run');
    expect(await stock()).toBe(8);
    const run = (await api('/api/setup/dry-run')).body.dryRun as { order: { paid: boolean | null; status: string } };
    expect(run.order.paid).toBe(true);
    await stack.sandboxes.stripe.webhooksIdle();
    await new Promise((r) => setTimeout(r, 2000)); // the worker has taken Stripe's webhooks for the test card
    expect(await readBooks(stack.sandboxes, realmId)).toEqual(before);
    await next();
  });

  it('go live: test keys entered as live ones are refused and Settle stays in test mode; live keys switch', async () => {
    await atStep(7, 'Go live');
    const test = stack.sandboxes.stripe.createAccount();
    await typeInto(app as unknown as Page, 'Live secret key', test.secret_key);
    await typeInto(app as unknown as Page, 'Live publishable key', test.publishable_key);
    await app.getByRole('button', { name: 'Switch to live payments' }).click();
    await app.getByText('Settle stays in test mode', { exact: true }).waitFor({ timeout: 60_000 });
    await app.getByText('your Stripe secret key is a test key', { exact: false }).waitFor();
    expect((await api('/api/setup')).body.setup.mode).toBe('test');
    await screenshot(page, 'setup-wizard-shopify-5-live-refused');

    const live = stack.sandboxes.stripe.createAccount({ livemode: true });
    await typeInto(app as unknown as Page, 'Live secret key', live.secret_key);
    await typeInto(app as unknown as Page, 'Live publishable key', live.publishable_key);
    await app.getByRole('button', { name: 'Switch to live payments' }).click();
    await app.getByText('Settle takes live payments').waitFor({ timeout: 60_000 });
    await screenshot(page, 'setup-wizard-shopify-6-live');
    expect((await api('/api/setup')).body.setup).toMatchObject({ mode: 'live', completedAt: expect.any(String) });
  });
});
