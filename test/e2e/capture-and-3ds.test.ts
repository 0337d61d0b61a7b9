/**
 * Authorize now, capture later, and 3-D Secure, end to end over HTTP: Settle's server and its
 * separate worker on PostgreSQL, the Stripe, WooCommerce and QuickBooks sandboxes. A store checks
 * out with manual capture; the shopper's card is only authorized; the merchant captures part of
 * it, releases it, or lets it expire. Only a capture reaches the ledger, the store and the books.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import {
  advanceStripeClock, answerBankChallenge, confirmAsShopper, placeOrder, readBooks, readLedgerEntries, readPayments, signUpAndConnect, startCheckout,
  type ConnectedMerchant, type Sandboxes,
  merchantApi,
} from '../support/journey';

describe('manual capture and 3-D Secure, end to end', { timeout: 90_000 }, () => {
  let stack: SettleStack;
  let sandboxes: Sandboxes;
  let settleUrl: string;

  beforeAll(async () => {
    // Every webhook comes twice: nothing may be captured, posted or noted twice.
    stack = await startSettleStack({ stripeSwitches: { deliver_twice: true } });
    ({ sandboxes, settleUrl } = stack);
  }, 120_000);

  afterAll(async () => stack?.stop());

  const api = (m: ConnectedMerchant, path: string, body?: unknown) => merchantApi(settleUrl, m.apiKey, path, { body });

  /** A $100.00 order paid with manual capture: the card is authorized, Settle has seen it. */
  async function authorizedOrder(name: string) {
    const m = await signUpAndConnect(settleUrl, sandboxes, name);
    const product = (await m.woo.post('products', { name: 'Canoe paddle', regular_price: '100.00', manage_stock: true, stock_quantity: 5 })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1 });
    const checkout = await startCheckout(settleUrl, m.apiKey, order.id, { captureMethod: 'manual' });
    expect(checkout.payment).toMatchObject({ status: 'awaiting_payment', captureMethod: 'manual' });
    expect((await confirmAsShopper(settleUrl, checkout.payment.id)).status).toBe('requires_capture');
    await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments[0]?.status === 'authorized');
    return { m, order, productId: product.id as number, paymentId: checkout.payment.id };
  }

  const wooOrder = async (m: ConnectedMerchant, id: number) => (await m.woo.get(`orders/${id}`)).data as { status: string; date_paid: string | null };
  const notes = async (m: ConnectedMerchant, id: number) => ((await m.woo.get(`orders/${id}/notes`)).data as { note: string }[]).map((n) => n.note);

  it('authorize, then capture 60.00 of 100.00: income 60.00, fee on 60.00, the order paid, QuickBooks sale 60.00', async () => {
    const { m, order, productId, paymentId } = await authorizedOrder('Partial Capture Co');
    // Authorized is not paid: the order waits, nothing is in the ledger.
    expect((await wooOrder(m, order.id)).status).toBe('pending');
    expect(await readLedgerEntries(settleUrl, m.apiKey)).toEqual([]);
    // A refund needs a capture first.
    expect((await api(m, `/api/payments/${paymentId}/refunds`, {})).body.error.code).toBe('payment_not_refundable');

    const captured = await api(m, `/api/payments/${paymentId}/capture`, { amount: 6000 });
    expect(captured.status).toBe(200);
    expect(captured.body.payment).toMatchObject({ status: 'succeeded', capturedAmount: { amount: 6000, currency: 'USD' }, capturedAmountFormatted: '$60.00' });

    const paid = await eventually(() => wooOrder(m, order.id), (o) => o.status === 'processing');
    expect(paid.date_paid).not.toBeNull();
    expect((await m.woo.get(`products/${productId}`)).data.stock_quantity).toBe(4);
    // The order is marked paid first and its note added next: wait for the note as a person would.
    const settleNotes = await eventually(() => notes(m, order.id), (n) => n.some((x) => x.startsWith('Settle:')));
    expect(settleNotes).toContainEqual(expect.stringContaining('paid 60.00 USD (captured of 100.00 USD authorized) by card'));
    expect(settleNotes).toContainEqual(expect.stringContaining('Processing fee 2.04 USD, net 57.96 USD'));

    const [sale, ...others] = await readLedgerEntries(settleUrl, m.apiKey);
    expect(others).toEqual([]);
    expect(sale!.postings.map((p) => [p.account, p.debit, p.credit])).toEqual([
      ['Stripe clearing', '$57.96', null],
      ['Payment processing fees', '$2.04', null],
      ['Sales income', null, '$60.00'],
    ]);
    const books = await eventually(() => readBooks(sandboxes, m.realmId), (b) => (b.documents.Purchase ?? []).length > 0);
    expect(books.documents.SalesReceipt?.map((d) => d.TotalAmt)).toEqual([60]);
    expect(books.documents.Purchase?.map((d) => d.TotalAmt)).toEqual([2.04]);

    // What was captured is all that can be refunded; a second capture or a release is refused.
    expect(await api(m, `/api/payments/${paymentId}/refunds`, { amount: 6001 })).toMatchObject({ status: 409, body: { error: { code: 'refund_exceeds_payment' } } });
    expect(await api(m, `/api/payments/${paymentId}/capture`, { amount: 4000 })).toMatchObject({ status: 409, body: { error: { code: 'payment_already_captured' } } });
    expect(await api(m, `/api/payments/${paymentId}/cancel`, {})).toMatchObject({ status: 409, body: { error: { code: 'payment_already_captured' } } });
  });

  it('authorize, then cancel: nothing taken, the order still pending with a note, nothing in the ledger', async () => {
    const { m, order, paymentId } = await authorizedOrder('Changed Mind Ltd');
    const tooMuch = await api(m, `/api/payments/${paymentId}/capture`, { amount: 10001 });
    expect(tooMuch).toMatchObject({ status: 400, body: { error: { code: 'capture_exceeds_authorization', message: expect.stringContaining('At most 100.00 USD') } } });

    const canceled = await api(m, `/api/payments/${paymentId}/cancel`, {});
    expect(canceled).toMatchObject({ status: 200, body: { payment: { status: 'canceled', capturedAmount: null } } });

    await eventually(() => notes(m, order.id), (n) => n.some((note) => note.includes('was released; nothing was taken and the order is unpaid')));
    expect((await wooOrder(m, order.id)).status).toBe('pending');
    expect(await readLedgerEntries(settleUrl, m.apiKey)).toEqual([]);
    expect((await readBooks(sandboxes, m.realmId)).documents.SalesReceipt ?? []).toEqual([]);
    expect(await api(m, `/api/payments/${paymentId}/capture`, {})).toMatchObject({ status: 409, body: { error: { code: 'authorization_canceled' } } });
    const again = await fetch(`${settleUrl}/api/checkouts`, {
      method: 'POST', headers: { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ storePlatform: 'woocommerce', orderId: String(order.id) }),
    });
    expect([again.status, (await again.json()).error.code]).toEqual([409, 'payment_canceled']);
  });

  it('authorize, then 8 days pass: the authorization expires, nothing is posted, the order stays unpaid', async () => {
    const { m, order, paymentId } = await authorizedOrder('Forgetful Goods');
    await advanceStripeClock(sandboxes, 8 * 86_400);
    const view = await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments[0]?.status === 'canceled');
    expect(view.payments[0]).toMatchObject({ id: paymentId, failureMessage: 'The authorization expired before it was captured.', booksStatus: 'not_applicable' });
    await eventually(() => notes(m, order.id), (n) => n.some((note) => note.includes('expired without being captured')));
    expect((await wooOrder(m, order.id)).status).toBe('pending');
    expect(await readLedgerEntries(settleUrl, m.apiKey)).toEqual([]);
    expect(view.balances.every((b) => b.balance === 0)).toBe(true);
  });

  it('captured before Settle heard of the authorization, webhooks then sent newest first: the sale once, the order paid', async () => {
    const m = await signUpAndConnect(settleUrl, sandboxes, 'Out Of Order Outfitters');
    const product = (await m.woo.post('products', { name: 'Kayak', regular_price: '100.00' })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1 });
    const { payment } = await startCheckout(settleUrl, m.apiKey, order.id, { captureMethod: 'manual' });
    sandboxes.stripe.setSwitches({ hold_deliveries: true });
    try {
      expect((await confirmAsShopper(settleUrl, payment.id)).status).toBe('requires_capture');
      // No webhook has arrived: Settle asks Stripe whether the card is authorized.
      const captured = await api(m, `/api/payments/${payment.id}/capture`, { amount: 7500 });
      expect(captured).toMatchObject({ status: 200, body: { payment: { status: 'succeeded', capturedAmountFormatted: '$75.00' } } });
    } finally {
      sandboxes.stripe.setSwitches({ hold_deliveries: false });
    }
    sandboxes.stripe.releaseDeliveries({ reverse: true });
    await eventually(() => wooOrder(m, order.id), (o) => o.status === 'processing');
    await eventually(() => readBooks(sandboxes, m.realmId), (b) => (b.documents.Purchase ?? []).length > 0);
    await sandboxes.stripe.webhooksIdle();
    // The late authorization events did not take the payment back to "authorized".
    const view = await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments[0]?.orderStatus === 'paid');
    expect(view.payments[0]).toMatchObject({ status: 'succeeded', capturedAmount: { amount: 7500, currency: 'USD' } });
    expect((await readLedgerEntries(settleUrl, m.apiKey)).map((e) => e.kind)).toEqual(['sale']);
    expect((await readBooks(sandboxes, m.realmId)).documents.SalesReceipt?.map((d) => d.TotalAmt)).toEqual([75]);
  });

  it('3-D Secure over HTTP: a failed check leaves the order unpaid, a completed one pays it', async () => {
    const m = await signUpAndConnect(settleUrl, sandboxes, 'Secure Shop');
    const product = (await m.woo.post('products', { name: 'Tent', regular_price: '100.00' })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1 });
    const { payment } = await startCheckout(settleUrl, m.apiKey, order.id);

    const first = await confirmAsShopper(settleUrl, payment.id, '4000000000003220');
    expect(first.status).toBe('requires_action');
    expect(first.next_action?.redirect_to_url?.return_url).toBe(`${settleUrl}/pay/${payment.id}`);
    const failed = await answerBankChallenge(first, 'fail');
    expect([failed.pathname, failed.searchParams.get('redirect_status')]).toEqual([`/pay/${payment.id}`, 'failed']);
    const declined = await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments[0]?.failureMessage !== null);
    expect(declined.payments[0]).toMatchObject({ status: 'awaiting_payment', failureMessage: 'The shopper did not complete their bank’s verification (3-D Secure).' });

    const second = await confirmAsShopper(settleUrl, payment.id, '4000002500003155');
    expect((await answerBankChallenge(second, 'complete')).searchParams.get('redirect_status')).toBe('succeeded');
    await eventually(() => wooOrder(m, order.id), (o) => o.status === 'processing');
    expect((await readPayments(settleUrl, m.apiKey)).payments[0]).toMatchObject({ status: 'succeeded', failureMessage: null });
  });
});
