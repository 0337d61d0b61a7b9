/**
 * Many merchants through Stripe Connect, end to end over HTTP: Settle is a Connect platform; two
 * merchants connect their own Standard accounts on Stripe's consent page; each payment lands on the
 * merchant's own Stripe account and ledger, its webhooks (to the platform's one Connect endpoint)
 * reach only that merchant; a forged or replayed state connects nothing; access revoked in Stripe
 * shows in Settle and stops new payments; disconnecting from Settle removes Settle at Stripe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { approveOnStripe, connectThroughStripe, setUpConnectPlatform, type ConnectPlatform } from '../support/stripe-connect';
import {
  payAsShopper, placeOrder, readLedgerEntries, readPayments, signUpAndConnect, stripeDashboard, startCheckout,
  type ConnectedMerchant, type Sandboxes,
  merchantApi,
} from '../support/journey';
import { stripeClient } from '../../connectors/stripe/client';

interface ConnectionsView {
  connections: { platform: string; status: string; settings: { mode?: string; accountId?: string } }[];
}

describe('Stripe Connect: many merchants, end to end', { timeout: 90_000 }, () => {
  let stack: SettleStack;
  let sandboxes: Sandboxes;
  let settleUrl: string;
  let connect: ConnectPlatform;
  let shopA: ConnectedMerchant;
  let shopB: ConnectedMerchant;

  beforeAll(async () => {
    stack = await startSettleStack({
      env: async (s, url) => {
        connect = await setUpConnectPlatform(s, url);
        return connect.env;
      },
    });
    ({ sandboxes, settleUrl } = stack);
    const throughStripe = async (apiKey: string, account: { id: string }) => {
      const back = await connectThroughStripe(settleUrl, apiKey, account.id);
      if (back.status !== 303) throw new Error(`Settle's callback answered ${back.status}: ${await back.text()}`);
    };
    shopA = await signUpAndConnect(settleUrl, sandboxes, 'Shop A', { connectStripe: throughStripe });
    shopB = await signUpAndConnect(settleUrl, sandboxes, 'Shop B', { connectStripe: throughStripe });
  }, 120_000);

  afterAll(async () => stack?.stop());

  const api = (m: ConnectedMerchant, path: string, init: { method?: string; body?: unknown } = {}) => merchantApi(settleUrl, m.apiKey, path, init);
  const stripeConnection = async (m: ConnectedMerchant) =>
    ((await api(m, '/api/connections')).body as ConnectionsView).connections.find((c) => c.platform === 'stripe')!;

  async function paidOrder(m: ConnectedMerchant, price: string) {
    const product = (await m.woo.post('products', { name: `Lamp ${price}`, regular_price: price, manage_stock: true, stock_quantity: 5 })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1 });
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id);
    expect(await payAsShopper(settleUrl, checkout.payment.id)).toBe('succeeded');
    return { order, paymentId: checkout.payment.id };
  }

  it('each merchant sees their own Stripe account connected through Connect', async () => {
    for (const m of [shopA, shopB]) {
      expect(await stripeConnection(m)).toMatchObject({ status: 'active', settings: { mode: 'connect', accountId: m.stripeAccount.id } });
    }
  });

  it("each payment lands on its merchant's own Stripe account and ledger; A's webhooks never touch B", async () => {
    const a = await paidOrder(shopA, '40.00');
    await eventually(() => readPayments(settleUrl, shopA.apiKey), (v) => v.payments.find((p) => p.id === a.paymentId)?.status === 'succeeded');
    const ledgerA = await eventually(() => readLedgerEntries(settleUrl, shopA.apiKey), (e) => e.length > 0);
    expect(ledgerA[0]!.postings.find((p) => p.account === 'Sales income')?.credit).toBe('$40.00');
    // B has seen nothing of A's sale, though both come through the platform's one Connect endpoint.
    expect((await readPayments(settleUrl, shopB.apiKey)).payments).toEqual([]);
    expect(await readLedgerEntries(settleUrl, shopB.apiKey)).toEqual([]);

    const b = await paidOrder(shopB, '25.00');
    await eventually(() => readPayments(settleUrl, shopB.apiKey), (v) => v.payments.find((p) => p.id === b.paymentId)?.status === 'succeeded');
    expect((await readPayments(settleUrl, shopA.apiKey)).payments.map((p) => p.id)).toEqual([a.paymentId]);

    // In Stripe, each sale is on the merchant's own account (what they see in their Dashboard), none on the platform's.
    const intentsOf = async (m: ConnectedMerchant) => (await stripeDashboard(sandboxes, m).paymentIntents.list()).data.map((pi) => pi.amount);
    expect(await intentsOf(shopA)).toEqual([4000]);
    expect(await intentsOf(shopB)).toEqual([2500]);
    expect((await stripeClient(connect.platform.secret_key, sandboxes.stripe.url).paymentIntents.list()).data).toEqual([]);
    // The events came to the Connect endpoint, naming each account.
    const delivered = sandboxes.stripe.deliveries(connect.platform.id).filter((d) => d.type === 'payment_intent.succeeded');
    expect(delivered.length).toBeGreaterThanOrEqual(2);
    expect(delivered.every((d) => d.status === 200)).toBe(true);
  });

  it('a forged or replayed state connects nothing', async () => {
    const before = await stripeConnection(shopA);
    const stranger = sandboxes.stripe.createAccount();
    // A code Stripe really issued, brought back with a state Settle never made.
    const authorize = new URL('/oauth/authorize', sandboxes.stripe.url);
    authorize.search = new URLSearchParams({ response_type: 'code', client_id: connect.platform.client_id, scope: 'read_write', state: 'forged.c2lnbmF0dXJl' }).toString();
    const forged = await fetch(await approveOnStripe(authorize.toString(), stranger.id), { redirect: 'manual' });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('not from Settle');

    // A genuine state used a second time (the same consent link approved again, so Stripe issues a
    // fresh code): Settle refuses the state itself.
    const start = await api(shopA, '/api/connections/stripe/oauth', { body: {} });
    expect(start.status).toBe(201);
    expect((await fetch(await approveOnStripe(start.body.url, shopA.stripeAccount.id), { redirect: 'manual' })).status).toBe(303);
    const replayed = await fetch(await approveOnStripe(start.body.url, stranger.id), { redirect: 'manual' });
    expect(replayed.status).toBe(400);
    expect(await replayed.text()).toContain('already used');

    expect(await stripeConnection(shopA)).toMatchObject({ status: 'active', settings: { accountId: before.settings.accountId } });
    const platform = stripeClient(connect.platform.secret_key, sandboxes.stripe.url);
    await expect(platform.paymentIntents.list({}, { stripeAccount: stranger.id })).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
  });

  it('a merchant on API keys moves to Connect: a denied consent changes nothing; then the old webhook endpoint is removed', async () => {
    const shopC = await signUpAndConnect(settleUrl, sandboxes, 'Shop C');
    expect(sandboxes.stripe.webhookEndpoints(shopC.stripeAccount.id)).toHaveLength(1);

    const denied = await connectThroughStripe(settleUrl, shopC.apiKey, shopC.stripeAccount.id, 'deny');
    expect(denied.status).toBe(400);
    expect(await denied.text()).toContain('Stripe was not connected: The user denied your request');
    expect((await stripeConnection(shopC)).settings.mode).toBeUndefined();

    expect((await connectThroughStripe(settleUrl, shopC.apiKey, shopC.stripeAccount.id)).status).toBe(303);
    expect(await stripeConnection(shopC)).toMatchObject({ status: 'active', settings: { mode: 'connect', accountId: shopC.stripeAccount.id } });
    expect(sandboxes.stripe.webhookEndpoints(shopC.stripeAccount.id)).toEqual([]);
    const { paymentId } = await paidOrder(shopC, '15.00');
    await eventually(() => readPayments(settleUrl, shopC.apiKey), (v) => v.payments.find((p) => p.id === paymentId)?.status === 'succeeded');
  });

  it('access revoked in Stripe shows in Settle and stops new payments with a stable code', async () => {
    sandboxes.stripe.revokeAccess(shopA.stripeAccount.id, connect.platform.client_id);
    await eventually(() => stripeConnection(shopA), (c) => c.status === 'revoked');

    const product = (await shopA.woo.post('products', { name: 'Vase', regular_price: '12.00' })).data;
    const order = await placeOrder(shopA.woo, { productId: product.id, quantity: 1 });
    const refused = await api(shopA, '/api/checkouts', { body: { storePlatform: 'woocommerce', orderId: String(order.id) } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('stripe_access_revoked');
    // B is untouched.
    expect((await stripeConnection(shopB)).status).toBe('active');
  });

  it('disconnecting from Settle removes Settle from the Stripe account', async () => {
    const { paymentId } = await paidOrder(shopB, '9.00');
    await eventually(() => readPayments(settleUrl, shopB.apiKey), (v) => v.payments.find((p) => p.id === paymentId)?.status === 'succeeded');
    const disconnected = await api(shopB, '/api/connections/stripe', { method: 'DELETE' });
    expect(disconnected).toMatchObject({ status: 200, body: { platform: 'stripe', status: 'disconnected' } });
    // Stripe's deauthorization event comes back to Settle; the status stays the merchant's choice.
    await eventually(async () => sandboxes.stripe.deliveries(connect.platform.id), (d) => d.some((x) => x.type === 'account.application.deauthorized' && x.status === 200));
    expect((await stripeConnection(shopB)).status).toBe('disconnected');
    const platform = stripeClient(connect.platform.secret_key, sandboxes.stripe.url);
    await expect(platform.paymentIntents.list({}, { stripeAccount: shopB.stripeAccount.id })).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);

    const product = (await shopB.woo.post('products', { name: 'Rug', regular_price: '30.00' })).data;
    const order = await placeOrder(shopB.woo, { productId: product.id, quantity: 1 });
    const refused = await api(shopB, '/api/checkouts', { body: { storePlatform: 'woocommerce', orderId: String(order.id) } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('stripe_disconnected');
  });
});
