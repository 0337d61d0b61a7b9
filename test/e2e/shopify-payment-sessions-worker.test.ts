/**
 * The whole way with Settle's server and its separate worker (as in production), against the
 * Shopify and Stripe sandboxes: the shop installs Settle through OAuth (and so becomes a merchant),
 * connects Stripe from the embedded admin and accepts Settle's plan; only then does the worker tell
 * Shopify the merchant is ready (paymentsAppConfigure), and Shopify's checkout offers Settle. A buyer
 * checks out, Shopify posts the payment session, the shopper pays on Settle's page, Stripe's webhook
 * reaches the worker, and the worker resolves the session at Shopify with the shop's offline token;
 * Shopify records the sale on its order. When the plan ends or Stripe is disconnected, the worker
 * tells Shopify the merchant is not ready and checkout stops offering Settle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import Stripe from 'stripe';
import { connectQuickBooks, payAsShopper, readBooks } from '../support/journey';
import { connectThroughStripe, setUpConnectPlatform } from '../support/stripe-connect';
import { beginInstall } from '../server/shopify-fake';
import { startShopifySandbox, type ShopifySandbox } from '../sandbox/shopify';
import { paymentIdOf } from '../support/shopify-payment-sessions';

const SHOP = 'lantern-works.myshopify.com';
const CLIENT = { clientId: 'settle_e2e_client_id', clientSecret: 'shpss_settle_e2e_secret' };
const SCOPES = ['read_orders', 'write_orders', 'read_products', 'read_inventory', 'write_inventory', 'read_customers', 'write_customers', 'write_payment_gateways', 'write_payment_sessions'];

type Configuration = { ready: boolean; externalHandle: string | null } | null;

describe('Shopify payment session through Settle’s worker', { timeout: 180_000 }, () => {
  let shopify: ShopifySandbox;
  let stack: SettleStack;
  let started: { id: string; gid: string; redirectUrl: string };
  let account: ReturnType<SettleStack['sandboxes']['stripe']['createAccount']>;

  beforeAll(async () => {
    shopify = await startShopifySandbox({ port: 0 });
    shopify.createShop({ domain: SHOP, currency: 'USD' });
    stack = await startSettleStack({
      env: async (sandboxes, settleUrl) => {
        shopify.registerApp({
          ...CLIENT, name: 'Settle', appUrl: settleUrl, redirectUrls: [`${settleUrl}/shopify/callback`], scopes: SCOPES,
          webhooks: [{ topics: ['app_subscriptions/update'], uri: `${settleUrl}/webhooks/shopify` }],
          payments: {
            paymentSessionUrl: `${settleUrl}/shopify/payments/sessions`, refundSessionUrl: `${settleUrl}/shopify/payments/refunds`,
            captureSessionUrl: `${settleUrl}/shopify/payments/captures`, voidSessionUrl: `${settleUrl}/shopify/payments/voids`,
          },
        });
        const connect = await setUpConnectPlatform(sandboxes, settleUrl);
        return { ...connect.env, SHOPIFY_API_KEY: CLIENT.clientId, SHOPIFY_API_SECRET: CLIENT.clientSecret, SHOPIFY_SHOP_URL: shopify.shopUrlTemplate };
      },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await shopify?.close();
  });

  /** The embedded admin's calls: App Bridge's session token, fresh for each call. */
  const asShop = () => shopify.sessionToken(SHOP, CLIENT.clientId);
  const admin = async <T>(path: string, method = 'GET', body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${stack.settleUrl}${path}`, {
      method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${asShop()}` }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const configured = (ready: boolean) => eventually(async (): Promise<Configuration> => shopify.paymentsConfiguration(SHOP, CLIENT.clientId), (c) => c?.ready === ready);
  const checkout = (amount: string) => shopify.startPaymentSession(SHOP, { clientId: CLIENT.clientId, amount, kind: 'sale' }) as Promise<typeof started>;
  /** The merchant asks for Settle's plan in the embedded admin and approves it on Shopify's page. */
  async function acceptPlan() {
    const asked = await admin<{ plan: { confirmationUrl: string } }>('/api/shopify/plan', 'POST', {});
    expect(asked.status).toBe(200);
    const approved = await fetch(asked.body.plan.confirmationUrl, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ decision: 'approve' }) });
    expect(approved.status).toBe(302);
  }

  it('install and connect Stripe: checkout does not offer Settle until the plan is accepted; then a checkout paid on Settle’s page is resolved by the worker, the ledger and books follow; a refund session refunds once', async () => {
    // The merchant approved Settle's scopes before, so Shopify's consent page sends the browser straight back with a code.
    await shopify.install(SHOP, CLIENT.clientId, SCOPES);
    const { consent, cookie } = await beginInstall(stack.settleUrl, SHOP);
    const approved = await fetch(consent, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    const callback = await fetch(approved.headers.get('location')!, { redirect: 'manual', headers: { Cookie: cookie, 'User-Agent': 'Mozilla/5.0 Chrome/130.0' } });
    expect(callback.status).toBe(302);

    // From the embedded admin, the merchant connects Stripe (API keys) and QuickBooks, so the books follow too.
    account = stack.sandboxes.stripe.createAccount({ country: 'US', default_currency: 'usd' });
    expect((await admin('/api/connections/stripe', 'PUT', { secretKey: account.secret_key, publishableKey: account.publishable_key })).status).toBe(200);
    const books = await connectQuickBooks(stack.sandboxes, stack.settleUrl, asShop(), 'Lantern Works');

    // Stripe alone is not enough: the plan is not accepted, so Settle told Shopify it is not ready and checkout does not offer it.
    expect(await configured(false)).toMatchObject({ ready: false });
    await expect(checkout('64.00')).rejects.toThrow(/ready: false/);
    const waiting = await admin<{ connections: { platform: string; settings: { paymentsReady?: boolean; paymentsReadyReason?: string } }[] }>('/api/connections');
    expect(waiting.body.connections.find((c) => c.platform === 'shopify')?.settings).toMatchObject({ paymentsReady: false, paymentsReadyReason: "Settle's plan is not chosen yet" });

    await acceptPlan();
    const ready = await configured(true);
    expect(ready?.externalHandle).toMatch(/\w+/);

    started = await checkout('64.00');
    expect(await payAsShopper(stack.settleUrl, paymentIdOf(started.redirectUrl))).toBe('succeeded');
    const resolved = await eventually(async () => shopify.paymentSession(SHOP, started.id) as { state: string }, (s) => s.state !== 'PENDING', 60_000);
    expect(resolved.state).toBe('RESOLVED');

    // The sale is in Settle's ledger and, as one sales receipt, in the merchant's QuickBooks.
    const ledger = async () => (await admin<{ entries: { kind: string; description: string; postings: { account: string; debit: string | null; credit: string | null }[] }[] }>('/api/ledger/entries')).body;
    const sold = await eventually(ledger, (l) => l.entries.some((e) => e.kind === 'sale'));
    const sale = sold.entries.find((e) => e.kind === 'sale')!;
    expect(sale.postings.find((p) => p.account === 'Sales income')?.credit).toBe('$64.00');
    // Shopify names no order in the session: the entry names the session's id, the payment ID on Shopify's order.
    expect(sale.description).toBe(`Sale: order Checkout ${started.id}`);
    const receipts = await eventually(async () => (await readBooks(stack.sandboxes, books.realmId)).documents.SalesReceipt ?? [], (r) => r.length > 0);
    expect(receipts.map((r) => r.TotalAmt)).toEqual([64]);
    expect(JSON.stringify(receipts[0])).toContain(started.id);

    // The merchant refunds $24.00 in Shopify admin: Shopify posts a refund session, Settle refunds once at Stripe and resolves it.
    const refund = (await shopify.startFollowUpSession(SHOP, 'refund', { paymentId: started.gid, amount: '24.00' })) as { id: string };
    await shopify.resendSession(SHOP, refund.id); // Shopify asked again (it lost the answer): still one refund
    expect((await eventually(async () => shopify.paymentSession(SHOP, refund.id) as { state: string }, (s) => s.state !== 'PENDING', 60_000)).state).toBe('RESOLVED');
    const stripe = new Stripe(account.secret_key, { host: '127.0.0.1', port: stack.sandboxes.stripe.port, protocol: 'http' });
    expect((await stripe.refunds.list({ limit: 10 })).data.map((r) => r.amount)).toEqual([2400]);
    const refunded = await eventually(ledger, (l) => l.entries.some((e) => e.kind === 'refund'));
    expect(refunded.entries.filter((e) => e.kind === 'refund')).toHaveLength(1);
  });

  it('the plan ended at Shopify: the worker tells Shopify the merchant is not ready and checkout stops offering Settle, until the plan is accepted again', async () => {
    shopify.endPlan(SHOP, CLIENT.clientId, 'FROZEN');
    await configured(false);
    await expect(checkout('12.00')).rejects.toThrow(/ready: false/);
    await acceptPlan();
    await configured(true);
    expect((await checkout('12.00')).redirectUrl).toMatch(/\/pay\/pay_/);
  });

  it('Stripe connected through Connect, then disconnected from Settle: checkout stops offering Settle', async () => {
    const connect = stack.sandboxes.stripe.createAccount({ country: 'US', default_currency: 'usd' });
    expect((await connectThroughStripe(stack.settleUrl, asShop(), connect.id)).status).toBe(303);
    // Still ready: a processor is connected and the plan accepted (the answer is told again, the same).
    await configured(true);
    const disconnected = await admin<{ status: string }>('/api/connections/stripe', 'DELETE');
    expect(disconnected).toMatchObject({ status: 200, body: { status: 'disconnected' } });
    await configured(false);
    await expect(checkout('12.00')).rejects.toThrow(/ready: false/);
    expect((await admin<{ connections: { platform: string; settings: { paymentsReadyReason?: string } }[] }>('/api/connections')).body.connections
      .find((c) => c.platform === 'shopify')?.settings.paymentsReadyReason).toBe('Stripe is disconnected');
  });
});
