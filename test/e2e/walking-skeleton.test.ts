/**
 * Books scenario 1, end to end and over HTTP only: a shopper pays a $100.00 WooCommerce order with a
 * domestic card; Stripe's signed webhooks reach Settle's server; Settle's separate worker process
 * marks the order paid (stock falls), posts the ledger entry and the QuickBooks documents; the
 * payout lands in the bank. Every webhook is delivered twice, and nothing is doubled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import {
  advanceStripeClock, payAsShopper, placeOrder, readBooks, readLedgerEntries, readPayments, signUpAndConnect, startCheckout,
  type ConnectedMerchant, type Sandboxes,
} from '../support/journey';

describe('walking skeleton: one payment into the store and the books (books scenario 1)', () => {
  let sandboxes: Sandboxes;
  let stack: SettleStack;
  let settleUrl: string;
  let merchant: ConnectedMerchant;
  let productId: number;
  let orderId: number;
  let paymentId: string;

  beforeAll(async () => {
    stack = await startSettleStack({ stripeSwitches: { deliver_twice: true } });
    ({ sandboxes, settleUrl } = stack);
    merchant = await signUpAndConnect(settleUrl, sandboxes, 'Skeleton Outfitters');
    const product = await merchant.woo.post('products', { name: 'Trail Jacket', sku: 'JACKET-1', regular_price: '100.00', manage_stock: true, stock_quantity: 10 });
    productId = product.data.id;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('the shopper pays on Settle’s page and the order is paid in WooCommerce with stock lowered', async () => {
    const order = await placeOrder(merchant.woo, { productId, quantity: 1 });
    orderId = order.id;
    expect(order.total).toBe('100.00');
    const checkout = await startCheckout(settleUrl, merchant.apiKey, order.id);
    paymentId = checkout.payment.id;
    expect(checkout.payUrl).toBe(`${settleUrl}/pay/${paymentId}`);

    expect(await payAsShopper(settleUrl, paymentId)).toBe('succeeded');

    const paid = await eventually(async () => (await merchant.woo.get(`orders/${orderId}`)).data, (o) => o.status === 'processing');
    expect(paid.transaction_id).toMatch(/^pi_/);
    expect(paid.date_paid).not.toBeNull();
    expect((await merchant.woo.get(`products/${productId}`)).data.stock_quantity).toBe(9);
    // The order is marked paid first and its note added next: wait for the note as a person would.
    const notes = await eventually(
      async () => (await merchant.woo.get(`orders/${orderId}/notes`)).data as { note: string }[],
      (n) => n.some((x) => x.note.startsWith('Settle:')),
    );
    expect(notes.some((n) => n.note.includes('Processing fee 3.20 USD, net 96.80 USD'))).toBe(true);
  });

  it('the sale and its fee are in the ledger and in QuickBooks once, though every webhook came twice', async () => {
    const view = await eventually(() => readPayments(settleUrl, merchant.apiKey), (v) => v.payments[0]?.booksStatus === 'posted');
    expect(view.payments).toHaveLength(1);
    expect(view.payments[0]).toMatchObject({ status: 'succeeded', orderStatus: 'paid', amountFormatted: '$100.00' });
    const [sale, ...others] = await readLedgerEntries(settleUrl, merchant.apiKey);
    expect(others).toHaveLength(0);
    expect(sale!.postings.map((p) => [p.account, p.debit, p.credit])).toEqual([
      ['Stripe clearing', '$96.80', null],
      ['Payment processing fees', '$3.20', null],
      ['Sales income', null, '$100.00'],
    ]);
    const books = await eventually(() => readBooks(sandboxes, merchant.realmId), (b) => (b.documents.Purchase ?? []).length > 0);
    expect(books.documents.SalesReceipt?.map((d) => d.TotalAmt)).toEqual([100]);
    expect(books.documents.Purchase?.map((d) => d.TotalAmt)).toEqual([3.2]);
    const deliveries = sandboxes.stripe.deliveries(merchant.stripeAccount.id).filter((d) => d.type === 'payment_intent.succeeded');
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
  });

  it('after the payout the balances match books scenario 1 in the ledger and in QuickBooks', async () => {
    await advanceStripeClock(sandboxes, 3 * 86_400);
    const books = await eventually(() => readBooks(sandboxes, merchant.realmId), (b) => (b.documents.Transfer ?? []).length > 0);
    expect(books.documents.Transfer?.map((d) => d.Amount)).toEqual([96.8]);

    const ledger = Object.fromEntries((await readPayments(settleUrl, merchant.apiKey)).balances.map((b) => [b.role, b.balance]));
    expect(ledger).toEqual({ income: 10000, processing_fees: 320, bank: 9680, stripe_clearing: 0 });

    const accounts = Object.fromEntries((books.documents.Account ?? []).map((a) => [a.Name, a.CurrentBalance]));
    expect(accounts).toMatchObject({ 'Sales income': 100, 'Payment processing fees': 3.2, Bank: 96.8, 'Stripe clearing': 0 });
    // One document per business event: the sale, its fee, the payout.
    expect([books.documents.SalesReceipt?.length, books.documents.Purchase?.length, books.documents.Transfer?.length]).toEqual([1, 1, 1]);
  });

  it('a second checkout for the paid order is refused and takes no money', async () => {
    const response = await fetch(`${settleUrl}/api/checkouts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${merchant.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ storePlatform: 'woocommerce', orderId: String(orderId) }),
    });
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe('order_already_paid');
  });
});
