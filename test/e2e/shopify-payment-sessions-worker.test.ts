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
import Stripe from 'stripe';
import { connectQuickBooks, payAsShopper, readBooks } from '../support/journey';
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

  it('install, connect Stripe and QuickBooks, check out at Shopify, pay on Settle’s page: the worker resolves the session, the ledger and books follow; a refund session refunds once', async () => {
    // The merchant approved Settle's scopes before, so Shopify's consent page sends the browser straight back with a code.
    await shopify.install(SHOP, CLIENT.clientId, SCOPES);
    const { consent, cookie } = await beginInstall(stack.settleUrl, SHOP);
    const approved = await fetch(consent, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    const callback = await fetch(approved.headers.get('location')!, { redirect: 'manual', headers: { Cookie: cookie, 'User-Agent': 'Mozilla/5.0 Chrome/130.0' } });
    expect(callback.status).toBe(302);

    // From the embedded admin (App Bridge's session token, fresh for each call), the merchant connects Stripe.
    const asShop = () => shopify.sessionToken(SHOP, CLIENT.clientId);
    const api = async <T>(path: string): Promise<T> => (await (await fetch(`${stack.settleUrl}${path}`, { headers: { Authorization: `Bearer ${asShop()}` } })).json()) as T;
    const account = stack.sandboxes.stripe.createAccount({ country: 'US', default_currency: 'usd' });
    const connected = await fetch(`${stack.settleUrl}/api/connections/stripe`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${shopify.sessionToken(SHOP, CLIENT.clientId)}` },
      body: JSON.stringify({ secretKey: account.secret_key, publishableKey: account.publishable_key }),
    });
    expect(connected.status).toBe(200);

    // …and QuickBooks, so the books follow too.
    const books = await connectQuickBooks(stack.sandboxes, stack.settleUrl, asShop(), 'Lantern Works');

    const started = (await shopify.startPaymentSession(SHOP, { clientId: CLIENT.clientId, amount: '64.00', kind: 'sale' })) as { id: string; gid: string; redirectUrl: string };
    expect(await payAsShopper(stack.settleUrl, paymentIdOf(started.redirectUrl))).toBe('succeeded');
    const resolved = await eventually(async () => shopify.paymentSession(SHOP, started.id) as { state: string }, (s) => s.state !== 'PENDING', 60_000);
    expect(resolved.state).toBe('RESOLVED');

    // The sale is in Settle's ledger and, as one sales receipt, in the merchant's QuickBooks.
    const ledger = () => api<{ entries: { kind: string; postings: { account: string; debit: string | null; credit: string | null }[] }[] }>('/api/ledger/entries');
    const sold = await eventually(ledger, (l) => l.entries.some((e) => e.kind === 'sale'));
    expect(sold.entries.find((e) => e.kind === 'sale')!.postings.find((p) => p.account === 'Sales income')?.credit).toBe('$64.00');
    const receipts = await eventually(async () => (await readBooks(stack.sandboxes, books.realmId)).documents.SalesReceipt ?? [], (r) => r.length > 0);
    expect(receipts.map((r) => r.TotalAmt)).toEqual([64]);

    // The merchant refunds $24.00 in Shopify admin: Shopify posts a refund session, Settle refunds once at Stripe and resolves it.
    const refund = (await shopify.startFollowUpSession(SHOP, 'refund', { paymentId: started.gid, amount: '24.00' })) as { id: string };
    await shopify.resendSession(SHOP, refund.id); // Shopify asked again (it lost the answer): still one refund
    expect((await eventually(async () => shopify.paymentSession(SHOP, refund.id) as { state: string }, (s) => s.state !== 'PENDING', 60_000)).state).toBe('RESOLVED');
    const stripe = new Stripe(account.secret_key, { host: '127.0.0.1', port: stack.sandboxes.stripe.port, protocol: 'http' });
    expect((await stripe.refunds.list({ limit: 10 })).data.map((r) => r.amount)).toEqual([2400]);
    const refunded = await eventually(ledger, (l) => l.entries.some((e) => e.kind === 'refund'));
    expect(refunded.entries.filter((e) => e.kind === 'refund')).toHaveLength(1);
  });
});
