/**
 * Stripe on a bad day, end to end over HTTP: Settle's server and worker, the sandboxes, every webhook
 * delivered twice and out of order. Stripe does the work and loses the answer (a 500 after the
 * create, the capture, the refund), throttles with 429s, answers slowly. Whatever happens, each
 * payment, order and ledger entry exists exactly once and the merchant sees what really happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import {
  confirmAsShopper, placeOrder, readLedgerEntries, readPayments, signUpAndConnect, startCheckout, stripeDashboard,
  type ConnectedMerchant, type Sandboxes,
  merchantApi,
} from '../support/journey';
import { NO_FAULTS } from '../sandbox/stripe/store';

describe('Stripe faults, end to end: everything exactly once', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let sandboxes: Sandboxes;
  let settleUrl: string;

  beforeAll(async () => {
    stack = await startSettleStack({ stripeSwitches: { deliver_twice: true, out_of_order: true } });
    ({ sandboxes, settleUrl } = stack);
  }, 120_000);
  afterAll(async () => stack?.stop());

  /** Turns every fault off again, keeping the duplicated, reordered deliveries. */
  const calm = () => sandboxes.stripe.setSwitches({ ...NO_FAULTS, deliver_twice: true, out_of_order: true });

  const api = (m: ConnectedMerchant, path: string, body?: unknown) => merchantApi(settleUrl, m.apiKey, path, { body });

  /** A merchant with a $100.00 paddle (5 in stock) and a pending order for one. */
  async function merchantWithOrder(name: string) {
    const m = await signUpAndConnect(settleUrl, sandboxes, name);
    const product = (await m.woo.post('products', { name: 'Canoe paddle', regular_price: '100.00', manage_stock: true, stock_quantity: 5 })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1 });
    return { m, order, productId: product.id as number };
  }

  /** What Stripe holds for the order: its payment intents (by Settle's metadata). */
  async function intentsForOrder(m: ConnectedMerchant, orderId: number): Promise<Stripe.PaymentIntent[]> {
    const all = await stripeDashboard(sandboxes, m).paymentIntents.list({ limit: 100 });
    return all.data.filter((pi) => pi.metadata.order_id === String(orderId));
  }

  const wooOrder = async (m: ConnectedMerchant, id: number) => (await m.woo.get(`orders/${id}`)).data as { status: string };
  const stock = async (m: ConnectedMerchant, productId: number) => (await m.woo.get(`products/${productId}`)).data.stock_quantity as number;
  const entryKinds = async (m: ConnectedMerchant) => (await readLedgerEntries(settleUrl, m.apiKey)).map((e) => e.kind).sort();

  /** Settles the story: the order paid once, the stock taken once, one sale in the ledger. */
  async function expectPaidOnce(m: ConnectedMerchant, orderId: number, productId: number) {
    await eventually(() => wooOrder(m, orderId), (o) => o.status === 'processing');
    await eventually(() => entryKinds(m), (k) => k.includes('sale'));
    // Let the duplicate, reordered deliveries and every retry play out before counting.
    await sandboxes.stripe.webhooksIdle();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await stock(m, productId)).toBe(4);
    expect(await entryKinds(m)).toEqual(['sale']);
    const { payments } = await readPayments(settleUrl, m.apiKey);
    expect(payments.map((p) => [p.orderId, p.status, p.orderStatus])).toEqual([[String(orderId), 'succeeded', 'paid']]);
  }

  it('a 500 after Stripe created the payment: the checkout re-reads it; one payment intent, one sale', async () => {
    const { m, order, productId } = await merchantWithOrder('Lost Answer Canoes');
    sandboxes.stripe.setSwitches({ fail_with_500: { count: 1, after_apply: true, match: 'POST /v1/payment_intents' } });
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id);
    expect(sandboxes.stripe.setSwitches({}).fail_with_500).toBeNull(); // the 500 did happen
    expect(checkout.payment.status).toBe('awaiting_payment');
    // Asking again (the plugin retrying) gives the same payment, still one intent at Stripe.
    expect((await startCheckout(settleUrl, m.apiKey, order.id)).payment.id).toBe(checkout.payment.id);
    expect(await intentsForOrder(m, order.id)).toHaveLength(1);

    expect((await confirmAsShopper(settleUrl, checkout.payment.id)).status).toBe('succeeded');
    await expectPaidOnce(m, order.id, productId);
    expect(await intentsForOrder(m, order.id)).toHaveLength(1);
  });

  it('a 500 after Stripe captured: the merchant sees the capture; one charge, one sale', async () => {
    const { m, order, productId } = await merchantWithOrder('Captured Anyway Ltd');
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id, { captureMethod: 'manual' });
    expect((await confirmAsShopper(settleUrl, checkout.payment.id)).status).toBe('requires_capture');
    await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments[0]?.status === 'authorized');
    const [intent] = await intentsForOrder(m, order.id);

    sandboxes.stripe.setSwitches({ fail_with_500: { count: 1, after_apply: true, match: `POST /v1/payment_intents/${intent!.id}/capture` } });
    const captured = await api(m, `/api/payments/${checkout.payment.id}/capture`, {});
    expect(sandboxes.stripe.setSwitches({}).fail_with_500).toBeNull();
    expect(captured).toMatchObject({ status: 200, body: { payment: { status: 'succeeded', capturedAmount: { amount: 10000, currency: 'USD' } } } });
    // Capturing again is refused as already done, not taken twice.
    expect((await api(m, `/api/payments/${checkout.payment.id}/capture`, {})).body.error.code).toBe('payment_already_captured');

    await expectPaidOnce(m, order.id, productId);
    const charges = await stripeDashboard(sandboxes, m).charges.list({ payment_intent: intent!.id });
    expect(charges.data.map((c) => [c.captured, c.amount_captured])).toEqual([[true, 10000]]);
  });

  it('a 500 after the capture and no answer to the re-read: "outcome unknown", then a job re-reads it', async () => {
    const { m, order, productId } = await merchantWithOrder('Silent Stripe Outfitters');
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id, { captureMethod: 'manual' });
    expect((await confirmAsShopper(settleUrl, checkout.payment.id)).status).toBe('requires_capture');
    await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments[0]?.status === 'authorized');
    const [intent] = await intentsForOrder(m, order.id);

    // Webhooks held: only Settle's own re-reading can learn that the capture happened.
    sandboxes.stripe.setSwitches({
      hold_deliveries: true,
      fail_with_500: { count: 1, after_apply: true, match: `POST /v1/payment_intents/${intent!.id}/capture` },
      // The SDK tries a read three times (a cut connection, then two retries): all three are cut.
      drop_connection: { count: 3, match: `GET /v1/payment_intents/${intent!.id}` },
    });
    const captured = await api(m, `/api/payments/${checkout.payment.id}/capture`, {});
    expect(captured).toMatchObject({ status: 503, body: { error: { code: 'capture_outcome_unknown', message: expect.stringContaining('capturing again is safe') } } });
    expect(sandboxes.stripe.setSwitches({}).drop_connection).toBeNull();
    const recorded = await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments[0]?.status === 'succeeded');
    expect(recorded.payments[0]!.capturedAmount).toEqual({ amount: 10000, currency: 'USD' });

    sandboxes.stripe.setSwitches({ hold_deliveries: false }); // the webhooks arrive: the sale is posted once
    await expectPaidOnce(m, order.id, productId);
  });

  it('a 500 after Stripe refunded: the refund is found by Settle\'s id; one Stripe refund, one ledger refund', async () => {
    const { m, order, productId } = await merchantWithOrder('Refund Echo Co');
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id);
    expect((await confirmAsShopper(settleUrl, checkout.payment.id)).status).toBe('succeeded');
    await expectPaidOnce(m, order.id, productId);

    sandboxes.stripe.setSwitches({ fail_with_500: { count: 1, after_apply: true, match: 'POST /v1/refunds' } });
    const refund = await api(m, `/api/payments/${checkout.payment.id}/refunds`, { amount: 2500, reason: 'Scratched blade' });
    expect(sandboxes.stripe.setSwitches({}).fail_with_500).toBeNull();
    expect(refund).toMatchObject({ status: 201, body: { refund: { status: 'succeeded' } } });

    const [intent] = await intentsForOrder(m, order.id);
    await eventually(() => entryKinds(m), (k) => k.includes('refund'));
    await sandboxes.stripe.webhooksIdle();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await stripeDashboard(sandboxes, m).refunds.list({ payment_intent: intent!.id })).data.map((r) => r.amount)).toEqual([2500]);
    expect(await entryKinds(m)).toEqual(['refund', 'sale']);
    const refunds = (await api(m, `/api/payments/${checkout.payment.id}/refunds`)).body.refunds as { status: string }[];
    expect(refunds.map((r) => r.status)).toEqual(['succeeded']);
  });

  it('429 storms and slow answers while the payment settles: one sale, one refund', async () => {
    const { m, order, productId } = await merchantWithOrder('Throttled Paddles');
    // Stripe throttles the create three times in a row: Settle backs off and asks again.
    sandboxes.stripe.setSwitches({ throttle_429: { count: 3, match: 'POST /v1/payment_intents' }, delay_ms: 150 });
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id);
    expect(sandboxes.stripe.setSwitches({}).throttle_429).toBeNull();
    expect((await confirmAsShopper(settleUrl, checkout.payment.id)).status).toBe('succeeded');
    // Then every re-read the webhooks cause meets a storm: jobs retry until Stripe answers.
    sandboxes.stripe.setSwitches({ throttle_429: { count: 12, match: 'GET /v1/' } });
    await expectPaidOnce(m, order.id, productId);
    sandboxes.stripe.setSwitches({ throttle_429: { count: 5, match: 'POST /v1/refunds' } });
    const refund = await api(m, `/api/payments/${checkout.payment.id}/refunds`, { amount: 10000 });
    // Three back-offs are not enough for five 429s: the refund waits, and the worker sends it.
    expect(refund.status).toBe(202);
    await eventually(() => entryKinds(m), (k) => k.includes('refund'));
    calm();
    await sandboxes.stripe.webhooksIdle();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await entryKinds(m)).toEqual(['refund', 'sale']);
    expect(await intentsForOrder(m, order.id)).toHaveLength(1);
    const [intent] = await intentsForOrder(m, order.id);
    expect((await stripeDashboard(sandboxes, m).refunds.list({ payment_intent: intent!.id })).data).toHaveLength(1);
  });
});
