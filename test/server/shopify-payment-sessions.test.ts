/**
 * Shopify's Payments Apps sessions as Shopify posts them: a payment session becomes one Settle
 * payment however often (and however concurrently) Shopify retries it; bad bodies and unknown shops
 * are refused with nothing made; once the shopper pays on Settle's page (Stripe sandbox) and
 * Stripe's events are applied, the session is resolved and the page offers Shopify's order status
 * page; refund, capture and void sessions move the money once and are resolved or rejected.
 * Shopify's side is a fake gateway that records what Settle told it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettleError } from '../../core/errors';
import { findPaymentForOrder } from '../../core/payments/payments';
import { findSession, sessionWorkId } from '../../core/payments/sessions/sessions';
import { stripeClient } from '../../connectors/stripe/client';
import { confirmAsShopper } from '../support/journey';
import {
  ORDER_STATUS, SHOP, answerShopify as answerAll, applyStripeEvents as applyAll, paymentIdOf, paymentSessionBody as paymentSession, postAsShopify,
  startShopifySessionsWorld, type ShopifySessionsWorld,
} from '../support/shopify-payment-sessions';

let world: ShopifySessionsWorld;
let settle: ShopifySessionsWorld['settle'];
let stripe: ShopifySessionsWorld['stripe'];
let account: ShopifySessionsWorld['account'];
let merchantId: string;
let told: string[];
let n = 0;

function followUp(type: 'Refund' | 'Capture' | 'Void', paymentId: string, amount: string) {
  const id = `${type.toLowerCase()}${++n}${Date.now()}`;
  return { id, gid: `gid://shopify/${type}Session/${id}`, payment_id: paymentId, amount, currency: 'USD', test: true, proposed_at: '2026-12-01T00:00:00Z' };
}

const post = (path: string, body: unknown, shop?: string | null) => postAsShopify(settle.url, path, body, shop);
const applyStripeEvents = () => applyAll(world);
const answerShopify = () => answerAll(world);
const count = async (sql: string, params: unknown[] = []) => Number((await settle.services.db.query<{ n: string }>(sql, params))[0]!.n);

async function payPage(paymentId: string) {
  return (await (await fetch(`${settle.url}/api/pay/${paymentId}`)).json()) as {
    orderNumber: string; merchantName: string; amount: { amount: number; currency: string }; status: string; returnUrl: string | null;
    shopify: { shop: string; orderName: string; cancelUrl: string; resolved: boolean } | null;
  };
}

async function paidSession(kind: 'sale' | 'authorization', amount = '123.00') {
  const body = paymentSession({ kind, amount });
  const { body: answer } = await post('/shopify/payments/sessions', body);
  const paymentId = paymentIdOf(answer.redirect_url);
  await confirmAsShopper(settle.url, paymentId);
  await applyStripeEvents();
  return { body, paymentId };
}

beforeAll(async () => {
  world = await startShopifySessionsWorld();
  ({ settle, stripe, account, merchantId, told } = world);
});
afterAll(async () => {
  await world?.close();
});

describe('payment sessions', () => {
  it('answers with Settle’s payment page for the session’s amount; a retry gets the same page', async () => {
    const body = paymentSession({ amount: '123.45' });
    const first = await post('/shopify/payments/sessions', body);
    expect(first.status).toBe(201);
    expect(first.body.redirect_url).toMatch(new RegExp(`^${settle.services.config.publicUrl}/pay/pay_[\\w-]{22}$`));
    const again = await post('/shopify/payments/sessions', body);
    expect(again).toEqual(first);

    const page = await payPage(paymentIdOf(first.body.redirect_url));
    expect(page.amount).toEqual({ amount: 12345, currency: 'USD' });
    expect(page.merchantName).toBe('Corner Lamps');
    expect(page.orderNumber).toBe(`Checkout ${body.id}`);
    expect(page.shopify).toEqual({ shop: SHOP, orderName: 'Checkout', cancelUrl: body.payment_method.data.cancel_url, resolved: false });
  });

  it('Shopify’s retries racing each other make one payment and one PaymentIntent', async () => {
    const body = paymentSession({ amount: '80.00' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => post('/shopify/payments/sessions', body)));
    expect(new Set(answers.map((a) => `${a.status} ${a.body.redirect_url}`)).size).toBe(1);
    expect(answers[0]!.status).toBe(201);
    expect(await count('SELECT count(*) AS n FROM payments WHERE order_id = $1', [body.gid])).toBe(1);
    const payment = await findPaymentForOrder(settle.services.db, merchantId, 'shopify', body.gid);
    const intents = await stripeClient(account.secret_key, stripe.url).paymentIntents.list({ limit: 100 });
    expect(intents.data.filter((pi) => pi.metadata.order_id === body.gid).map((pi) => pi.id)).toEqual([payment!.processorRef]);
  });

  it('the same session id asking for another amount is refused', async () => {
    const body = paymentSession();
    await post('/shopify/payments/sessions', body);
    const changed = await post('/shopify/payments/sessions', { ...body, amount: '999.00' });
    expect(changed.status).toBe(409);
    expect(changed.body.error?.code).toBe('idempotency_mismatch');
  });

  it('zero- and three-decimal currencies keep their minor units', async () => {
    const yen = await post('/shopify/payments/sessions', paymentSession({ amount: '1500', currency: 'JPY' }));
    expect((await payPage(paymentIdOf(yen.body.redirect_url))).amount).toEqual({ amount: 1500, currency: 'JPY' });
    const dinar = await post('/shopify/payments/sessions', paymentSession({ amount: '12.340', currency: 'KWD' }));
    expect((await payPage(paymentIdOf(dinar.body.redirect_url))).amount).toEqual({ amount: 12340, currency: 'KWD' });
    // Stripe moves three-decimal currencies only in multiples of ten: refused before anything is made.
    const sessions = await count('SELECT count(*) AS n FROM shopify_payment_sessions');
    const odd = await post('/shopify/payments/sessions', paymentSession({ amount: '12.345', currency: 'KWD' }));
    expect({ status: odd.status, code: odd.body.error?.code }).toEqual({ status: 422, code: 'amount_not_chargeable' });
    expect(await count('SELECT count(*) AS n FROM shopify_payment_sessions')).toBe(sessions);
  });

  it('bad bodies get a 400 with a code, and nothing is made', async () => {
    const before = await count('SELECT count(*) AS n FROM payments');
    const cases: [unknown, string][] = [
      [paymentSession({ amount: '12.345' }), 'invalid_amount'],
      [paymentSession({ amount: '100.5', currency: 'JPY' }), 'invalid_amount'],
      [paymentSession({ amount: '0.00' }), 'invalid_amount'],
      [paymentSession({ amount: 12.5 }), 'invalid_request'],
      [paymentSession({ amount: '1e3' }), 'invalid_request'],
      [paymentSession({ currency: 'usd' }), 'invalid_request'],
      [paymentSession({ kind: 'layaway' }), 'invalid_request'],
      [paymentSession({ gid: 'gid://shopify/Order/1' }), 'invalid_request'],
      [paymentSession({ payment_method: { type: 'offsite', data: {} } }), 'invalid_request'],
      [paymentSession({ payment_method: { type: 'offsite', data: { cancel_url: 'javascript:alert(1)' } } }), 'invalid_request'],
      [paymentSession({ payment_method: { type: 'credit_card', data: {} } }), 'invalid_request'],
      ['{"id": ', 'malformed_json'],
    ];
    for (const [body, code] of cases) {
      const answer = await post('/shopify/payments/sessions', body);
      expect({ status: answer.status, code: answer.body.error?.code }, JSON.stringify(body)).toEqual({ status: 400, code });
    }
    expect(await count('SELECT count(*) AS n FROM payments')).toBe(before);
  });

  it('a real checkout on Stripe test keys is refused: the order would be paid with no money taken', async () => {
    const before = await count('SELECT count(*) AS n FROM shopify_payment_sessions');
    const real = await post('/shopify/payments/sessions', paymentSession({ test: false }));
    expect({ status: real.status, code: real.body.error?.code }).toEqual({ status: 422, code: 'test_mode_mismatch' });
    expect(await count('SELECT count(*) AS n FROM shopify_payment_sessions')).toBe(before);
  });

  it('a shop that never installed Settle is refused, and nothing is made', async () => {
    const before = await count('SELECT count(*) AS n FROM shopify_payment_sessions');
    const stranger = await post('/shopify/payments/sessions', paymentSession(), 'somebody-else.myshopify.com');
    expect(stranger.status).toBe(404);
    expect(stranger.body.error?.code).toBe('shop_not_installed');
    const unnamed = await post('/shopify/payments/sessions', paymentSession(), null);
    expect(unnamed.body.error?.code).toBe('invalid_shop_domain');
    const spoofed = await post('/shopify/payments/sessions', paymentSession(), 'evil.example.com');
    expect(spoofed.status).toBe(400);
    expect(await count('SELECT count(*) AS n FROM shopify_payment_sessions')).toBe(before);
  });

  it('paid on Settle’s page: the session is resolved once, and the page leads to Shopify’s order status page', async () => {
    const { body, paymentId } = await paidSession('sale');
    await answerShopify();
    await answerShopify();
    expect(told.filter((t) => t.includes(body.gid))).toEqual([`resolve ${body.gid}`]);
    const page = await payPage(paymentId);
    expect(page.status).toBe('succeeded');
    expect(page.returnUrl).toBe(ORDER_STATUS);
    expect(page.shopify?.resolved).toBe(true);
    expect((await findPaymentForOrder(settle.services.db, merchantId, 'shopify', body.gid))?.orderStatus).toBe('paid');
    // Posted again after it was resolved (a late retry): the same page, nothing new.
    const late = await post('/shopify/payments/sessions', body);
    expect(paymentIdOf(late.body.redirect_url)).toBe(paymentId);
  });

  it('paid, but Shopify refuses the session (it expired meanwhile): the charge is refunded once, the hold released, and the merchant told', async () => {
    const refusing = { ...world.gateway, resolvePayment: async () => { throw new SettleError('shopify_session_refused', 'Shopify refused paymentSessionResolve: the session is expired', 409); } };
    const sale = await paidSession('sale', '40.00');
    const hold = await paidSession('authorization', '25.00');
    await answerAll(world, refusing);
    await answerAll(world, refusing); // a retried job: nothing more
    const sdk = stripeClient(account.secret_key, stripe.url);
    const intentOf = async (gid: string) => (await findPaymentForOrder(settle.services.db, merchantId, 'shopify', gid))!.processorRef;
    const saleIntent = await intentOf(sale.body.gid);
    expect((await sdk.refunds.list({ limit: 10 })).data.filter((r) => r.payment_intent === saleIntent).map((r) => r.amount)).toEqual([4000]);
    expect((await sdk.paymentIntents.retrieve(await intentOf(hold.body.gid))).status).toBe('canceled');
    for (const { body } of [sale, hold]) expect((await findSession(settle.services.db, SHOP, 'payment', body.id))?.outcome).toBe('rejected');
  });
});

describe('the shopper gives up', () => {
  it('cancel on the page cancels the payment at Stripe and rejects the session; a paid one cannot be canceled', async () => {
    const body = paymentSession();
    const paymentId = paymentIdOf((await post('/shopify/payments/sessions', body)).body.redirect_url);
    const cancel = () => fetch(`${settle.url}/api/pay/${paymentId}/shopify-cancel`, { method: 'POST' });
    expect((await cancel()).status).toBe(204);
    expect((await cancel()).status).toBe(204);
    await answerShopify();
    expect(told.filter((t) => t.includes(body.gid))).toEqual([`reject ${body.gid} PROCESSING_ERROR`]);
    expect((await findSession(settle.services.db, SHOP, 'payment', body.id))?.merchantMessage).toMatch(/shopper canceled on Settle’s payment page/);
    expect((await payPage(paymentId)).status).toBe('canceled');
    const payment = await findPaymentForOrder(settle.services.db, merchantId, 'shopify', body.gid);
    expect((await stripeClient(account.secret_key, stripe.url).paymentIntents.retrieve(payment!.processorRef)).status).toBe('canceled');

    const { paymentId: paid } = await paidSession('sale');
    const refused = await fetch(`${settle.url}/api/pay/${paid}/shopify-cancel`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect((await payPage(paid)).status).toBe('succeeded');
  });
});

describe('refund, capture and void sessions', () => {
  it('a refund session, retried and raced, is one Stripe refund, then resolved', async () => {
    const { body, paymentId } = await paidSession('sale');
    await answerShopify();
    const refund = followUp('Refund', body.id, '50.00');
    const answers = await Promise.all([1, 2, 3].map(() => post('/shopify/payments/refunds', refund)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    await answerShopify();
    await answerShopify();
    const payment = await findPaymentForOrder(settle.services.db, merchantId, 'shopify', body.gid);
    const refunds = await stripeClient(account.secret_key, stripe.url).refunds.list({ payment_intent: payment!.processorRef });
    expect(refunds.data.map((r) => r.amount)).toEqual([5000]);
    expect(await settle.services.db.query('SELECT amount, origin, status FROM refunds WHERE payment_id = $1', [paymentId]))
      .toEqual([{ amount: 5000, origin: 'store', status: 'succeeded' }]);
    expect(told.filter((t) => t.includes(refund.gid))).toEqual([`resolve ${refund.gid}`]);
    expect((await findSession(settle.services.db, SHOP, 'refund', refund.id))?.outcome).toBe('resolved');
  });

  it('a refund of more than is left is rejected with PROCESSING_ERROR and the merchant is told why', async () => {
    const { body } = await paidSession('sale', '20.00');
    const refund = followUp('Refund', body.id, '30.00');
    await post('/shopify/payments/refunds', refund);
    await answerShopify();
    expect(told).toContain(`reject ${refund.gid} PROCESSING_ERROR`);
    expect((await findSession(settle.services.db, SHOP, 'refund', refund.id))?.merchantMessage).toMatch(/can still be refunded/);
  });

  it('an authorization is resolved when the card is held; the capture session captures it once', async () => {
    const { body, paymentId } = await paidSession('authorization');
    await answerShopify();
    expect(told).toContain(`resolve ${body.gid}`);
    expect((await payPage(paymentId)).status).toBe('authorized');
    const capture = followUp('Capture', body.id, '100.00');
    await post('/shopify/payments/captures', capture);
    await post('/shopify/payments/captures', capture);
    await answerShopify();
    expect(told.filter((t) => t.includes(capture.gid))).toEqual([`resolve ${capture.gid}`]);
    const pi = await stripeClient(account.secret_key, stripe.url).paymentIntents.retrieve((await findPaymentForOrder(settle.services.db, merchantId, 'shopify', body.gid))!.processorRef);
    expect({ status: pi.status, received: pi.amount_received }).toEqual({ status: 'succeeded', received: 10000 });
  });

  it('a void session releases the hold; a capture after it is rejected as an expired authorization', async () => {
    const { body } = await paidSession('authorization');
    await answerShopify();
    const voided = followUp('Void', body.id, '123.00');
    await post('/shopify/payments/voids', voided);
    await answerShopify();
    expect(told).toContain(`resolve ${voided.gid}`);
    const capture = followUp('Capture', body.id, '123.00');
    await post('/shopify/payments/captures', capture);
    await answerShopify();
    expect(told).toContain(`reject ${capture.gid} AUTHORIZATION_EXPIRED`);
  });

  it('a follow-up for a payment session Settle never saw is a 404, and nothing is kept', async () => {
    const answer = await post('/shopify/payments/refunds', followUp('Refund', 'unknown-session', '1.00'));
    expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status: 404, code: 'payment_session_not_found' });
    expect(sessionWorkId({ shop: SHOP, kind: 'refund', sessionId: 'x' }, 'received')).toBe(`shopify-session:refund:${SHOP}:x:received`);
  });
});
