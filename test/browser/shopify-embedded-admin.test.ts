/**
 * Settle's admin inside Shopify admin, in Chromium: a page playing Shopify admin frames the embedded
 * admin, App Bridge (a stand-in for Shopify's CDN script) hands it session tokens, and the merchant
 * sees their payments through API calls that carry them. An expired or forged token is refused with
 * 401 and the page says so. Without shopify-app's install flow, the shop is linked to the merchant
 * by writing the Shopify connection shopify-app's install writes (settings.accountId = the shop).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { payAsShopper, placeOrder, readPayments, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../support/journey';
import { launchChromium, newPerson, screenshot } from '../support/browser';
import { signSessionToken, startShopifyAdmin, useAppBridgeStandIn, type ShopifyAdmin } from '../support/shopify-admin';
import { TEST_DATABASE_URL } from '../support/databases';
import { openDatabase } from '../../connectors/database/open';
import { ConnectionStore } from '../../core/merchants/connections';
import { SecretBox } from '../../core/secrets/secret-box';
import { PostgresShopifySessions } from '../../connectors/shopify/sessions';
import { Session } from '@shopify/shopify-api';

const WEB_DIST = fileURLToPath(new URL('../../web/app/dist/', import.meta.url));
const SHOP = 'harbour-kayaks.myshopify.com';
const CLIENT_ID = 'settle_client_id_0001';
const SECRET = 'settle-client-secret-for-tests';

describe('in Chromium: Settle inside Shopify admin', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let admin: ShopifyAdmin;
  let m: ConnectedMerchant;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let app: FrameLocator;
  let orderNumber: string;
  const apiAuthorizations: (string | undefined)[] = [];

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}admin.html`)) throw new Error(`The built web pages are missing from ${WEB_DIST}: run \`npm run build:web\` first.`);
    browser = await launchChromium();
    stack = await startSettleStack({
      env: async (_sandboxes, settleUrl) => {
        admin = await startShopifyAdmin({ shop: SHOP, clientId: CLIENT_ID, secret: SECRET, settleUrl });
        return { SHOPIFY_API_KEY: CLIENT_ID, SHOPIFY_API_SECRET: SECRET, SHOPIFY_ADMIN_ORIGIN: admin.origin };
      },
    });
    m = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Harbour Kayaks');
    const product = (await m.woo.post('products', { name: 'Sea kayak', regular_price: '100.00' })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1 });
    orderNumber = order.number;
    const checkout = await startCheckout(stack.settleUrl, m.apiKey, order.id);
    expect(await payAsShopper(stack.settleUrl, checkout.payment.id)).toBe('succeeded');
    await eventually(() => readPayments(stack.settleUrl, m.apiKey), (v) => v.payments.some((p) => p.status === 'succeeded'));

    // The shop's Shopify connection, as shopify-app's install leaves it.
    const db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema: stack.env.DATABASE_SCHEMA });
    const connections = new ConnectionStore(db, new SecretBox(Buffer.from(stack.env.SETTLE_ENCRYPTION_KEY!, 'base64')));
    await connections.save({ merchantId: m.merchantId, platform: 'shopify', settings: { accountId: SHOP, shop: SHOP, status: 'active' }, secrets: {} });
    // …and the offline token it keeps (sealed), so the embedded admin's tokens need no token exchange.
    const box = new SecretBox(Buffer.from(stack.env.SETTLE_ENCRYPTION_KEY!, 'base64'));
    await new PostgresShopifySessions(db, box).storeSession(new Session({ id: `offline_${SHOP}`, shop: SHOP, state: '', isOnline: false, accessToken: 'shpat_offline_for_tests', scope: 'read_orders' }));
    await db.close();

    context = await newPerson(browser);
    await useAppBridgeStandIn(context, admin);
    context.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/payments') apiAuthorizations.push(request.headers().authorization);
    });
    page = await context.newPage();
    await page.goto(admin.appUrl);
    app = page.frameLocator('iframe[name="app-iframe"]');
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await admin?.close();
  });

  it('the embedded admin shows the merchant’s payments, loaded with a session token the server verified', async () => {
    await app.getByRole('heading', { name: 'Payments', exact: true }).waitFor();
    await app.getByText(`#${orderNumber}`, { exact: true }).waitFor();
    await app.getByText('Paid', { exact: true }).first().waitFor();
    // App Bridge React's title bar and nav menu appear in Shopify admin's own chrome.
    await page.getByTestId('title-bar').getByText('Payments and books').waitFor();
    await page.getByRole('navigation', { name: 'Settle' }).getByText('Payouts').waitFor();
    // Each API call carried a token the admin page issued, a fresh one each time (they live a minute).
    expect(apiAuthorizations.length).toBeGreaterThan(0);
    expect(apiAuthorizations.every((a) => admin.issued.some((t) => a === `Bearer ${t}`))).toBe(true);
    expect(new Set(apiAuthorizations).size).toBe(apiAuthorizations.length);
    await screenshot(page, 'shopify-embedded-admin');
  });

  it('the page is served with App Bridge first in <head> and framable only by the shop and Shopify admin', async () => {
    const res = await fetch(`${stack.settleUrl}/admin?shop=${SHOP}&host=aG9zdA&embedded=1`);
    expect(res.headers.get('content-security-policy')).toBe(`frame-ancestors https://${SHOP} ${admin.origin};`);
    const head = (await res.text()).split('<head>')[1]!.trimStart();
    expect(head.startsWith(`<meta name="shopify-api-key" content="${CLIENT_ID}" />\n    <script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>`)).toBe(true);
    expect((await fetch(`${stack.settleUrl}/admin?shop=evil.example.com&host=aG9zdA&embedded=1`)).status).toBe(400);
    // Outside Shopify (WooCommerce merchants) the admin page is as before: no App Bridge.
    expect(await (await fetch(`${stack.settleUrl}/admin`)).text()).not.toContain('cdn.shopify.com');
  });

  it('the API refuses tokens Shopify did not sign, for another app, or expired', async () => {
    const call = (token: string) => fetch(`${stack.settleUrl}/api/payments`, { headers: { Authorization: `Bearer ${token}` } });
    const good = await call(signSessionToken({ shop: SHOP, clientId: CLIENT_ID, secret: SECRET }));
    expect(((await good.json()) as { merchant: { id: string } }).merchant.id).toBe(m.merchantId);
    for (const token of [
      signSessionToken({ shop: SHOP, clientId: CLIENT_ID, secret: 'someone-else' }),
      signSessionToken({ shop: SHOP, clientId: 'another_app_client', secret: SECRET }),
      signSessionToken({ shop: SHOP, clientId: CLIENT_ID, secret: SECRET, now: Math.floor(Date.now() / 1000) - 120 }),
    ]) {
      const res = await call(token);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_session_token');
    }
    // (A genuine token from a shop Settle does not know asks Shopify for access by token exchange:
    // test/e2e/shopify-install.test.ts, against the Shopify sandbox.)
  });

  for (const kind of ['expired', 'forged'] as const) {
    it(`a ${kind} session token gets 401 and the embedded admin says so`, async () => {
      // Every token the admin page issues from now on is bad (switched before the reload, so no good one slips in between).
      admin.tokenKind = kind;
      const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/payments' && r.status() === 401);
      await page.reload();
      await app.getByRole('heading', { name: 'Payments', exact: true }).waitFor();
      expect((await refused).status()).toBe(401);
      await app.getByText('Reload Settle from your Shopify admin.').waitFor();
      await page.getByRole('status').getByText('Reload Settle from your Shopify admin.').waitFor();
      await expect(app.getByText(`#${orderNumber}`, { exact: true }).count()).resolves.toBe(0);
      await screenshot(page, `shopify-embedded-admin-${kind}-token`);
      admin.tokenKind = 'valid';
    });
  }
});
