/**
 * Refunds, whichever way they come, end to end over HTTP with every Stripe webhook delivered twice:
 * from Settle's API, from the WooCommerce admin (the store plugin's process_refund calls Settle's API
 * with origin "store"; the WooCommerce sandbox plays the admin), and from Stripe's own dashboard (the
 * official SDK with the merchant's key: Settle only sees the webhook). Each is recorded exactly once
 * in Settle, in the ledger and on the store's order; several partial refunds add up; a refund the
 * card issuer refuses (refund.failed) is reversed everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import {
  advanceStripeClock, payAsShopper, placeOrder, readLedgerEntries, readPayments, signUpAndConnect, startCheckout, stripeDashboard, type ConnectedMerchant,
  merchantApi,
} from '../support/journey';

const REFUND_FAILS_CARD = '4000000000005126';

interface RefundView { id: string; amountFormatted: string; origin: string; status: string; failureMessage: string | null }

describe('refunds every way, end to end', { timeout: 150_000 }, () => {
  let stack: SettleStack;
  let settleUrl: string;
  let m: ConnectedMerchant;

  beforeAll(async () => {
    stack = await startSettleStack({ stripeSwitches: { deliver_twice: true } });
    settleUrl = stack.settleUrl;
    m = await signUpAndConnect(settleUrl, stack.sandboxes, 'Refunds Every Way Co');
  }, 120_000);
  afterAll(async () => stack?.stop());

  const api = (path: string, body?: unknown) => merchantApi(settleUrl, m.apiKey, path, { body });

  async function paidOrder(price: string, card?: string) {
    const product = (await m.woo.post('products', { name: `Lamp ${price}`, regular_price: price })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1 });
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id);
    expect(await payAsShopper(settleUrl, checkout.payment.id, card)).toBe('succeeded');
    await eventually(async () => (await m.woo.get(`orders/${order.id}`)).data.status, (s) => s === 'processing');
    return { paymentId: checkout.payment.id, orderId: order.id as number };
  }

  const settleRefunds = async (paymentId: string) => (await api(`/api/payments/${paymentId}/refunds`)).body.refunds as RefundView[];
  const storeRefunds = async (orderId: number) =>
    ((await m.woo.get(`orders/${orderId}/refunds`)).data as { amount: string; refunded_payment: boolean }[])
      .map((r) => [r.amount, r.refunded_payment] as const).sort();
  const refundEntries = async (kind = 'refund') => (await readLedgerEntries(settleUrl, m.apiKey)).filter((e) => e.kind === kind);
  const incomeBalance = async () => (await readPayments(settleUrl, m.apiKey)).balances.find((b) => b.role === 'income')?.balance;

  it('three partial refunds of one $100.00 payment — from Settle, from the store admin, from Stripe — each once everywhere', async () => {
    const { paymentId, orderId } = await paidOrder('100.00');

    // 1. From Settle's API (or its admin): $10.00.
    const fromSettle = await api(`/api/payments/${paymentId}/refunds`, { amount: 1000, reason: 'Scratched base' });
    expect(fromSettle).toMatchObject({ status: 201, body: { refund: { origin: 'settle', status: 'succeeded', amountFormatted: '$10.00' } } });

    // 2. From the WooCommerce admin: WooCommerce records the refund and calls the gateway, whose
    //    process_refund (Settle's plugin) asks Settle to refund with origin "store".
    const wooRefund = (await m.woo.post(`orders/${orderId}/refunds`, { amount: '15.00', reason: 'Late delivery', api_refund: true })).data as { id: number };
    const asked = { amount: 1500, reason: 'Late delivery', origin: 'store', storeRefundId: String(wooRefund.id) };
    const fromStore = await api(`/api/payments/${paymentId}/refunds`, asked);
    expect(fromStore).toMatchObject({ status: 201, body: { refund: { origin: 'store', status: 'succeeded', amountFormatted: '$15.00' } } });
    //    The plugin asks again (its first answer timed out): the same refund, not a second one.
    const retried = await api(`/api/payments/${paymentId}/refunds`, asked);
    expect(retried.body.refund.id).toBe(fromStore.body.refund.id);
    expect(await api(`/api/payments/${paymentId}/refunds`, { ...asked, amount: 1600 })).toMatchObject({ status: 409, body: { error: { code: 'idempotency_mismatch' } } });
    expect((await api(`/api/payments/${paymentId}/refunds`, { amount: 100, storeRefundId: '77' })).status).toBe(400);

    // 3. From Stripe's dashboard: Settle hears of it only by webhook (delivered twice).
    const stripe = stripeDashboard(stack.sandboxes, m);
    const intent = (await stripe.paymentIntents.list({ limit: 1 })).data[0]!;
    await stripe.refunds.create({ payment_intent: intent.id, amount: 2000 });

    const refunds = await eventually(() => settleRefunds(paymentId), (r) => r.length === 3);
    expect(refunds.map((r) => [r.origin, r.amountFormatted, r.status])).toEqual([
      ['settle', '$10.00', 'succeeded'], ['store', '$15.00', 'succeeded'], ['processor', '$20.00', 'succeeded'],
    ]);
    // The store shows each once: its own (refunded through the gateway) and Settle's two (recorded, not refunded again).
    expect(await eventually(() => storeRefunds(orderId), (r) => r.length >= 3)).toEqual([['10.00', false], ['15.00', true], ['20.00', false]]);
    // The ledger: one refund entry per refund, income down by $45.00 — even though every webhook came twice.
    await stack.sandboxes.stripe.webhooksIdle();
    expect((await refundEntries()).length).toBe(3);
    expect(await eventually(incomeBalance, (b) => b === 5500)).toBe(5500);
    // Stripe holds three refunds, not more: none was sent twice.
    expect((await stripe.refunds.list({ payment_intent: intent.id })).data.map((r) => r.amount).sort()).toEqual([1000, 1500, 2000]);

    // What is left is $55.00: more is refused and changes nothing.
    const tooMuch = await api(`/api/payments/${paymentId}/refunds`, { amount: 5600 });
    expect(tooMuch).toMatchObject({ status: 409, body: { error: { code: 'refund_exceeds_payment', message: expect.stringContaining('55.00 USD') } } });
    // The rest, in full (no amount): the payment is wholly refunded.
    expect(await api(`/api/payments/${paymentId}/refunds`, {})).toMatchObject({ status: 201, body: { refund: { amountFormatted: '$55.00' } } });
    expect(await eventually(incomeBalance, (b) => b === 0)).toBe(0);
    expect((await api(`/api/payments/${paymentId}/refunds`, { amount: 1 })).body.error.code).toBe('refund_exceeds_payment');
    expect((await storeRefunds(orderId)).length).toBe(4);
  });

  it('a refund the card issuer refuses (refund.failed) is reversed: Settle shows it failed, the ledger and the order take it back', async () => {
    const before = (await incomeBalance()) ?? 0;
    const { paymentId, orderId } = await paidOrder('40.00', REFUND_FAILS_CARD);
    expect(await eventually(incomeBalance, (b) => b === before + 4000)).toBe(before + 4000);
    expect((await api(`/api/payments/${paymentId}/refunds`, { amount: 2500 })).status).toBe(201);
    expect(await eventually(() => storeRefunds(orderId), (r) => r.length === 1)).toEqual([['25.00', false]]);
    await eventually(incomeBalance, (b) => b === before + 1500);

    await advanceStripeClock(stack.sandboxes, 60); // the issuer answers: the card is closed
    const [failed] = await eventually(() => settleRefunds(paymentId), (r) => r[0]?.status === 'failed');
    expect(failed).toMatchObject({ origin: 'settle', amountFormatted: '$25.00', failureMessage: expect.stringContaining('The refund failed') });
    expect(await eventually(incomeBalance, (b) => b === before + 4000)).toBe(before + 4000);
    expect(await eventually(() => storeRefunds(orderId), (r) => r.length === 0)).toEqual([]);
    expect(await refundEntries('refund_failure')).toHaveLength(1);
    // Once failed, the amount can be refunded again (say, by another means the merchant arranges).
    expect((await api(`/api/payments/${paymentId}/refunds`, { amount: 4001 })).body.error.message).toContain('40.00 USD');
  });
});
