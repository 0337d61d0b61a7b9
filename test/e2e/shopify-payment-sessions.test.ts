/**
 * Shopify's Payments Apps sessions against the Shopify sandbox (real 2026-07 schemas): the sandbox
 * plays Shopify's checkout and posts the sessions to Settle's URLs with Shopify's headers and
 * retries; Settle answers through its real Payments Apps gateway. A checkout paid on Settle's page
 * (Stripe sandbox) is resolved and Shopify's order is paid; Shopify's retry of the same session gets
 * the same page; a refund session is exactly one Stripe refund and Shopify records it; an
 * authorization is captured through a capture session. Settle runs in process: the worker's steps
 * (apply Stripe's events, answer Shopify) are run by the test, as test/server/shopify-payment-sessions does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPaymentForOrder } from '../../core/payments/payments';
import { ShopifyPaymentSessionsGateway } from '../../connectors/shopify/payment-sessions-gateway';
import { shopifyApp } from '../../connectors/shopify/app';
import { ShopifyGraphql } from '../../connectors/shopify/graphql/client';
import { ShopifyPaymentSessions } from '../../connectors/shopify/payments-apps';
import { stripeClient } from '../../connectors/stripe/client';
import { startShopifySandbox, type ShopifySandbox } from '../sandbox/shopify';
import { confirmAsShopper } from '../support/journey';
import { SHOP, answerShopify as answerAll, applyStripeEvents, paymentIdOf, reachCheckout, startShopifySessionsWorld, type ShopifySessionsWorld } from '../support/shopify-payment-sessions';

/** Stripe's decline code in the answer the shopper's browser got. */
const declineOf = (intent: { error?: object }) => (intent.error as { decline_code?: string } | undefined)?.decline_code;

type Summary = { id: string; gid: string; state: string; redirectUrl: string | null; orderId: string; attempts: { status: number | null }[]; outcome: { reason?: string; merchantMessage?: string | null } | null };

describe('Shopify payment sessions against the Shopify sandbox', { timeout: 90_000 }, () => {
  let shopify: ShopifySandbox;
  let world: ShopifySessionsWorld;
  let clientId: string;
  let gateway: ShopifyPaymentSessionsGateway;

  beforeAll(async () => {
    shopify = await startShopifySandbox({ port: 0 });
    world = await startShopifySessionsWorld();
    const settleUrl = world.settle.url;
    shopify.createShop({ domain: SHOP, currency: 'USD' });
    ({ clientId } = shopify.registerApp({
      name: 'Settle', appUrl: settleUrl, redirectUrls: [`${settleUrl}/shopify/auth/callback`], scopes: ['write_payment_gateways', 'write_payment_sessions'],
      payments: {
        paymentSessionUrl: `${settleUrl}/shopify/payments/sessions`, refundSessionUrl: `${settleUrl}/shopify/payments/refunds`,
        captureSessionUrl: `${settleUrl}/shopify/payments/captures`, voidSessionUrl: `${settleUrl}/shopify/payments/voids`,
      },
    }));
    // The install (OAuth, connectors/shopify/sessions.ts) is tested on its own: here its offline token is used as shop-access gives it.
    const token = await shopify.install(SHOP, clientId, ['write_payment_gateways', 'write_payment_sessions']);
    const app = shopifyApp({ SHOPIFY_API_KEY: clientId, SHOPIFY_API_SECRET: 'shpss_unused_here', SHOPIFY_SCOPES: 'write_payment_sessions', SHOPIFY_SHOP_URL: shopify.shopUrlTemplate, publicUrl: settleUrl })!;
    const sessionsFor = async (shop: string) => new ShopifyPaymentSessions(new ShopifyGraphql(app, { shop, accessToken: token }, { api: 'payments-apps' }));
    gateway = new ShopifyPaymentSessionsGateway(sessionsFor);
    // Shopify offers Settle at checkout only once Settle says the merchant is ready (Stripe connected, plan accepted).
    await expect(shopify.startPaymentSession(SHOP, { clientId, amount: '1.00' })).rejects.toThrow(/paymentsAppConfigure/);
    // Two checks waited (Stripe connected, the plan accepted); each reads the facts now, so both say ready.
    expect(await reachCheckout(world, sessionsFor)).toEqual([`${SHOP} offers Settle at checkout`, `${SHOP} offers Settle at checkout`]);
    expect(shopify.paymentsConfiguration(SHOP, clientId)).toMatchObject({ ready: true, externalHandle: world.merchantId });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await shopify?.close();
  });

  /** What the worker's store queue does: answer Shopify, through the real gateway, for every session whose money has moved. */
  const answerShopify = () => answerAll(world, gateway);
  const session = (id: string) => shopify.paymentSession(SHOP, id) as Summary;

  async function paidCheckout(amount: string, kind: 'sale' | 'authorization') {
    const started = (await shopify.startPaymentSession(SHOP, { clientId, amount, kind })) as Summary;
    expect(started.attempts.map((a) => a.status)).toEqual([201]);
    const paymentId = paymentIdOf(started.redirectUrl ?? '');
    await confirmAsShopper(world.settle.url, paymentId);
    await applyStripeEvents(world);
    await answerShopify();
    return { started, paymentId };
  }

  it('a checkout paid on Settle’s page is resolved; Shopify’s retry of the session gets the same page', async () => {
    const { started, paymentId } = await paidCheckout('42.50', 'sale');
    expect(session(started.id).state).toBe('RESOLVED');
    const resent = (await shopify.resendSession(SHOP, started.id)) as Summary;
    expect(resent.attempts.map((a) => a.status)).toEqual([201, 201]);
    expect(paymentIdOf(resent.redirectUrl ?? '')).toBe(paymentId);
    // Shopify's answer to the resolve: the shopper's way on is the checkout's thank-you page.
    const page = (await (await fetch(`${world.settle.url}/api/pay/${paymentId}`)).json()) as { returnUrl: string };
    expect(page.returnUrl).toBe(`https://${SHOP}/checkouts/${started.orderId.split('/').pop()}/thank-you`);
  });

  it('a refund session is one Stripe refund, resolved at Shopify; asked again by Shopify, nothing more', async () => {
    const { started } = await paidCheckout('60.00', 'sale');
    const refund = (await shopify.startFollowUpSession(SHOP, 'refund', { paymentId: started.gid, amount: '25.00' })) as Summary;
    await shopify.resendSession(SHOP, refund.id);
    await answerShopify();
    await answerShopify();
    expect(session(refund.id).state).toBe('RESOLVED');
    const payment = await findPaymentForOrder(world.settle.services.db, world.merchantId, 'shopify', started.gid);
    const refunds = await stripeClient(world.account.secret_key, world.stripe.url).refunds.list({ payment_intent: payment!.processorRef });
    expect(refunds.data.map((r) => r.amount)).toEqual([2500]);
  });

  it('a decline a retry can fix keeps the checkout open, and the shopper pays with another card; a lost card closes it: the payment canceled, the session rejected as PICK_UP_CARD', async () => {
    const open = (await shopify.startPaymentSession(SHOP, { clientId, amount: '15.00', kind: 'sale' })) as Summary;
    const openPayment = paymentIdOf(open.redirectUrl ?? '');
    expect(declineOf(await confirmAsShopper(world.settle.url, openPayment, '4000000000009995'))).toBe('insufficient_funds');
    await applyStripeEvents(world);
    await answerShopify();
    await answerShopify();
    expect(session(open.id).state).toBe('PENDING');
    expect((await confirmAsShopper(world.settle.url, openPayment)).status).toBe('succeeded');
    await applyStripeEvents(world);
    await answerShopify();
    expect(session(open.id).state).toBe('RESOLVED');

    const lost = (await shopify.startPaymentSession(SHOP, { clientId, amount: '16.00', kind: 'sale' })) as Summary;
    const lostPayment = paymentIdOf(lost.redirectUrl ?? '');
    expect(declineOf(await confirmAsShopper(world.settle.url, lostPayment, '4000000000009987'))).toBe('lost_card');
    await applyStripeEvents(world);
    await answerShopify(); // the decline is counted, and it ends the checkout…
    await answerShopify(); // …which closes it
    expect(session(lost.id)).toMatchObject({ state: 'REJECTED', outcome: { reason: 'PICK_UP_CARD', merchantMessage: expect.stringContaining('lost_card') } });
    // The page can take no money for a checkout Shopify was told is over.
    const payment = await findPaymentForOrder(world.settle.services.db, world.merchantId, 'shopify', lost.gid);
    expect(payment?.status).toBe('canceled');
    expect((await stripeClient(world.account.secret_key, world.stripe.url).paymentIntents.retrieve(payment!.processorRef)).status).toBe('canceled');
    const page = (await (await fetch(`${world.settle.url}/api/pay/${lostPayment}`)).json()) as { status: string; stripe?: unknown };
    expect(page).toMatchObject({ status: 'canceled' });
    expect(page.stripe).toBeUndefined();
  });

  it('three declines on one checkout close it with the last decline’s reason', async () => {
    const tried = (await shopify.startPaymentSession(SHOP, { clientId, amount: '17.00', kind: 'sale' })) as Summary;
    const paymentId = paymentIdOf(tried.redirectUrl ?? '');
    for (const card of ['4000000000000002', '4000000000009995', '4000000000000127']) {
      expect(session(tried.id).state).toBe('PENDING');
      expect((await confirmAsShopper(world.settle.url, paymentId, card)).error).toBeDefined();
      await applyStripeEvents(world);
      await answerShopify();
      await answerShopify();
    }
    expect(session(tried.id)).toMatchObject({ state: 'REJECTED', outcome: { reason: 'INCORRECT_CVC' } });
  });

  /** What the payment page does for a bank debit: the IBAN straight to Stripe as a sepa_debit method, the mandate accepted. */
  async function payBySepaDebit(paymentId: string, iban: string) {
    const page = (await (await fetch(`${world.settle.url}/api/pay/${paymentId}`)).json()) as { stripe: { apiBase: string; publishableKey: string; paymentIntentId: string; clientSecret: string } };
    const post = async (path: string, form: Record<string, string>) => (await (await fetch(`${page.stripe.apiBase}${path}`, {
      method: 'POST', headers: { Authorization: `Bearer ${page.stripe.publishableKey}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form),
    })).json()) as { id: string; status?: string };
    const method = await post('/v1/payment_methods', { type: 'sepa_debit', 'sepa_debit[iban]': iban, 'billing_details[name]': 'Ada Shopper', 'billing_details[email]': 'ada@example.com' });
    return post(`/v1/payment_intents/${page.stripe.paymentIntentId}/confirm`, {
      payment_method: method.id, client_secret: page.stripe.clientSecret, 'mandate_data[customer_acceptance][type]': 'online',
      'mandate_data[customer_acceptance][online][ip_address]': '203.0.113.7', 'mandate_data[customer_acceptance][online][user_agent]': 'Mozilla/5.0 (shopper)',
    });
  }
  const bankAnswers = async () => {
    await fetch(`${world.stripe.url}/_sandbox/clock/advance`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ seconds: 60 }) });
    await applyStripeEvents(world);
    await answerShopify();
    await answerShopify();
  };

  it('a SEPA debit leaves the session pending at Shopify until the bank answers: resolved when it pays, rejected with the bank’s reason when it refuses', async () => {
    const paid = (await shopify.startPaymentSession(SHOP, { clientId, amount: '100.00', currency: 'EUR', kind: 'sale' })) as Summary;
    expect((await payBySepaDebit(paymentIdOf(paid.redirectUrl ?? ''), 'DE89370400440532013000')).status).toBe('processing');
    const refused = (await shopify.startPaymentSession(SHOP, { clientId, amount: '50.00', currency: 'EUR', kind: 'sale' })) as Summary;
    expect((await payBySepaDebit(paymentIdOf(refused.redirectUrl ?? ''), 'DE62370400440532013001')).status).toBe('processing');
    await applyStripeEvents(world);
    await answerShopify();
    for (const s of [paid, refused]) expect(session(s.id).outcome).toMatchObject({ state: 'PENDING', reason: 'NETWORK_ACTION_REQUIRED' });

    await bankAnswers();
    expect(session(paid.id).state).toBe('RESOLVED');
    expect(session(refused.id)).toMatchObject({ state: 'REJECTED', outcome: { reason: 'INSUFFICIENT_FUNDS', merchantMessage: expect.stringContaining('bank refused the debit') } });
  });

  it('an authorization is resolved when held, and a capture session captures it', async () => {
    const { started } = await paidCheckout('80.00', 'authorization');
    expect(session(started.id).state).toBe('RESOLVED');
    const capture = (await shopify.startFollowUpSession(SHOP, 'capture', { paymentId: started.gid, amount: '80.00' })) as Summary;
    await answerShopify();
    expect(session(capture.id).state).toBe('RESOLVED');
    const payment = await findPaymentForOrder(world.settle.services.db, world.merchantId, 'shopify', started.gid);
    const intent = await stripeClient(world.account.secret_key, world.stripe.url).paymentIntents.retrieve(payment!.processorRef);
    expect({ status: intent.status, received: intent.amount_received }).toEqual({ status: 'succeeded', received: 8000 });
  });
});
