/**
 * SEPA Direct Debit and counter sales, end to end over HTTP: Settle's server and worker on
 * PostgreSQL with the Stripe, WooCommerce and QuickBooks sandboxes. A SEPA debit is "processing"
 * until the bank answers (the sandbox clock moves): only success marks the order paid and posts the
 * sale; a refusal leaves the order unpaid with the bank's reason. A counter sale is taken on a
 * simulated Terminal reader and reaches the ledger like any other sale; a declined tap says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import {
  advanceStripeClock, placeOrder, readBooks, readLedgerEntries, readPayments, signUpAndConnect, startCheckout, type ConnectedMerchant, type Sandboxes,
} from '../support/journey';

describe('SEPA Direct Debit and counter sales, end to end', { timeout: 90_000 }, () => {
  let stack: SettleStack;
  let sandboxes: Sandboxes;
  let settleUrl: string;

  beforeAll(async () => {
    // Every webhook comes twice: nothing may be posted or marked twice.
    stack = await startSettleStack({ stripeSwitches: { deliver_twice: true } });
    ({ sandboxes, settleUrl } = stack);
  }, 120_000);

  afterAll(async () => stack?.stop());

  /** The merchant's API, answering with the status as well, since refusals are part of the story. */
  async function api(m: ConnectedMerchant, path: string, body?: unknown) {
    const response = await fetch(`${settleUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  /**
   * What the payment page does for a bank debit in the shopper's browser: the IBAN goes straight
   * to Stripe (never to Settle) as a sepa_debit PaymentMethod, and the shopper accepts the mandate.
   */
  async function payBySepaDebit(paymentId: string, iban: string): Promise<{ status?: string; error?: { message: string } }> {
    const page = (await (await fetch(`${settleUrl}/api/pay/${paymentId}`)).json()) as { stripe: { apiBase: string; publishableKey: string; paymentIntentId: string; clientSecret: string } };
    const stripePost = async (path: string, form: Record<string, string>) => (await (await fetch(`${page.stripe.apiBase}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${page.stripe.publishableKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    })).json()) as { id: string; status?: string; error?: { message: string } };
    const method = await stripePost('/v1/payment_methods', {
      type: 'sepa_debit', 'sepa_debit[iban]': iban, 'billing_details[name]': 'Ada Shopper', 'billing_details[email]': 'ada@example.com',
    });
    if (method.error) throw new Error(method.error.message);
    return stripePost(`/v1/payment_intents/${page.stripe.paymentIntentId}/confirm`, {
      payment_method: method.id, client_secret: page.stripe.clientSecret,
      'mandate_data[customer_acceptance][type]': 'online',
      'mandate_data[customer_acceptance][online][ip_address]': '203.0.113.7',
      'mandate_data[customer_acceptance][online][user_agent]': 'Mozilla/5.0 (shopper)',
    });
  }

  const wooOrder = async (m: ConnectedMerchant, id: number) => (await m.woo.get(`orders/${id}`)).data as { status: string; date_paid: string | null; payment_method_title: string };
  const notes = async (m: ConnectedMerchant, id: number) => ((await m.woo.get(`orders/${id}/notes`)).data as { note: string }[]).map((n) => n.note);

  /** A 100.00 EUR order in a US merchant's store, checked out and debited from the shopper's IBAN. */
  async function debitedOrder(name: string, iban: string) {
    const m = await signUpAndConnect(settleUrl, sandboxes, name);
    const product = (await m.woo.post('products', { name: 'Bicycle bell', regular_price: '100.00', manage_stock: true, stock_quantity: 3 })).data;
    const order = await placeOrder(m.woo, { productId: product.id, quantity: 1, currency: 'EUR' });
    const { payment } = await startCheckout(settleUrl, m.apiKey, order.id);
    expect((await payBySepaDebit(payment.id, iban)).status).toBe('processing');
    // The merchant sees the debit on its way, not paid: the order waits, the ledger is empty.
    const view = await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments[0]?.status === 'processing');
    expect(view.payments[0]).toMatchObject({ id: payment.id, orderStatus: 'awaiting_payment', booksStatus: 'not_applicable', amountFormatted: '€100.00' });
    expect((await wooOrder(m, order.id)).status).toBe('pending');
    expect(await readLedgerEntries(settleUrl, m.apiKey)).toEqual([]);
    return { m, order, productId: product.id as number, paymentId: payment.id };
  }

  it('SEPA debit that succeeds: processing, then paid when the bank answers; the sale in the ledger and the books', async () => {
    const { m, order, productId, paymentId } = await debitedOrder('Debit Bikes', 'DE89370400440532013000');
    // A processing debit cannot be paid twice nor refunded yet.
    expect((await api(m, `/api/payments/${paymentId}/refunds`, {})).status).toBe(409);

    await advanceStripeClock(sandboxes, 60); // the bank answers
    const paid = await eventually(() => wooOrder(m, order.id), (o) => o.status === 'processing');
    expect(paid.date_paid).not.toBeNull();
    expect(paid.payment_method_title).toBe('SEPA Direct Debit (Settle)');
    expect((await m.woo.get(`products/${productId}`)).data.stock_quantity).toBe(2);
    const settleNotes = await eventually(() => notes(m, order.id), (n) => n.some((x) => x.startsWith('Settle:')));
    expect(settleNotes).toContainEqual(expect.stringContaining('paid 100.00 EUR by SEPA direct debit'));

    const view = await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments[0]?.orderStatus === 'paid');
    expect(view.payments[0]).toMatchObject({ status: 'succeeded', failureMessage: null });
    // EUR 100.00 settles as USD 110.00 (sandbox rate 1.10); SEPA fee 0.8% + 1.0% conversion = 1.98.
    const entries = await readLedgerEntries(settleUrl, m.apiKey);
    expect(entries.map((e) => e.kind)).toEqual(['sale']);
    expect(entries[0]!.postings.filter((p) => p.amount.amount !== 0).map((p) => [p.account, p.debit, p.credit])).toEqual([
      ['Stripe clearing', '$108.02', null],
      ['Payment processing fees', '$1.98', null],
      ['Sales income', null, '$110.00'],
    ]);
    const books = await eventually(() => readBooks(sandboxes, m.realmId), (b) => (b.documents.Purchase ?? []).length > 0);
    expect(books.documents.SalesReceipt?.map((d) => d.TotalAmt)).toEqual([110]);
  });

  it('SEPA debit the bank refuses: the order stays unpaid, the reason is shown, nothing is posted', async () => {
    const { m, order, paymentId } = await debitedOrder('Refused Debit Ltd', 'DE62370400440532013001');
    await advanceStripeClock(sandboxes, 60);
    const view = await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments[0]?.status === 'awaiting_payment');
    expect(view.payments[0]).toMatchObject({
      id: paymentId, orderStatus: 'awaiting_payment', booksStatus: 'not_applicable',
      failureMessage: "The shopper's bank refused the SEPA direct debit: The customer's account has insufficient funds to cover this payment.",
    });
    await sandboxes.stripe.webhooksIdle();
    expect((await wooOrder(m, order.id)).status).toBe('pending');
    expect(await readLedgerEntries(settleUrl, m.apiKey)).toEqual([]);
    expect(view.balances.every((b) => b.balance === 0)).toBe(true);
  });
});
