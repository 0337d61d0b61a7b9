/**
 * The whole way with Settle's server and its separate worker (as in production), against the
 * Shopify and Stripe sandboxes: the shop installs Settle through OAuth (and so becomes a merchant),
 * connects Stripe from the embedded admin, and a buyer checks out with Settle at Shopify. Shopify
 * posts the payment session, the shopper pays on Settle's page, Stripe's webhook reaches the
 * worker, and the worker resolves the session at Shopify with the shop's offline token; Shopify
 * records the sale on its order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { payAsShopper } from '../support/journey';
import { beginInstall } from '../server/shopify-fake';
import { startShopifySandbox, type ShopifySandbox } from '../sandbox/shopify';
import { paymentIdOf } from '../support/shopify-payment-sessions';

const SHOP = 'lantern-works.myshopify.com';
const CLIENT = { clientId: 'settle_e2e_client_id', clientSecret: 'shpss_settle_e2e_secret' };
const SCOPES = ['read_orders', 'write_orders', 'read_products', 'read_inventory', 'write_inventory', 'read_customers', 'write_customers', 'write_payment_gateways', 'write_payment_sessions'];

describe('Shopify payment session through Settle’s worker', { timeout: 120_000 }, () => {
  let shopify: ShopifySandbox;
  let stack: SettleStack;

  beforeAll(async () => {
    shopify = await startShopifySandbox({ port: 0 });
    shopify.createShop({ domain: SHOP, currency: 'USD' });
    stack = await startSettleStack({
      env: async (_sandboxes, settleUrl) => {
        shopify.registerApp({
          ...CLIENT, name: 'Settle', appUrl: settleUrl, redirectUrls: [`${settleUrl}/shopify/callback`], scopes: SCOPES,
          payments: {
            paymentSessionUrl: `${settleUrl}/shopify/payments/sessions`, refundSessionUrl: `${settleUrl}/shopify/payments/refunds`,
            captureSessionUrl: `${settleUrl}/shopify/payments/captures`, voidSessionUrl: `${settleUrl}/shopify/payments/voids`,
          },
        });
        return { SHOPIFY_API_KEY: CLIENT.clientId, SHOPIFY_API_SECRET: CLIENT.clientSecret, SHOPIFY_SHOP_URL: shopify.shopUrlTemplate };
      },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await shopify?.close();
  });

  it('install, connect Stripe, check out at Shopify, pay on Settle’s page: the worker resolves the session', async () => {
    // The merchant approved Settle's scopes before, so Shopify's consent page sends the browser straight back with a code.
    await shopify.install(SHOP, CLIENT.clientId, SCOPES);
    const { consent, cookie } = await beginInstall(stack.settleUrl, SHOP);
    const approved = await fetch(consent, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    const callback = await fetch(approved.headers.get('location')!, { redirect: 'manual', headers: { Cookie: cookie, 'User-Agent': 'Mozilla/5.0 Chrome/130.0' } });
    expect(callback.status).toBe(302);

    // From the embedded admin (App Bridge's session token), the merchant connects Stripe.
    const account = stack.sandboxes.stripe.createAccount({ country: 'US', default_currency: 'usd' });
    const connected = await fetch(`${stack.settleUrl}/api/connections/stripe`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${shopify.sessionToken(SHOP, CLIENT.clientId)}` },
      body: JSON.stringify({ secretKey: account.secret_key, publishableKey: account.publishable_key }),
    });
    expect(connected.status).toBe(200);

    const started = (await shopify.startPaymentSession(SHOP, { clientId: CLIENT.clientId, amount: '64.00', kind: 'sale' })) as { id: string; redirectUrl: string };
    expect(await payAsShopper(stack.settleUrl, paymentIdOf(started.redirectUrl))).toBe('succeeded');
    const resolved = await eventually(async () => shopify.paymentSession(SHOP, started.id) as { state: string }, (s) => s.state !== 'PENDING', 60_000);
    expect(resolved.state).toBe('RESOLVED');
  });
});
