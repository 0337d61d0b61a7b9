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
  advanceStripeClock, placeOrder, readBooks, readLedgerEntries, readPayments, signUpAndConnect, startCheckout, stripeDashboard,
  type ConnectedMerchant, type Sandboxes,
  merchantApi,
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

  const api = (m: ConnectedMerchant, path: string, body?: unknown) => merchantApi(settleUrl, m.apiKey, path, { body });

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

  /** A merchant with the simulated reader registered at the shop's counter. */
  async function shopWithReader(name: string) {
    const m = await signUpAndConnect(settleUrl, sandboxes, name);
    const registered = await api(m, '/api/readers', {
      registrationCode: 'simulated-wpe', label: 'Till 1',
      address: { displayName: name, line1: '1 Main St', city: 'Springfield', postalCode: '62701', country: 'US', state: 'IL' },
    });
    expect(registered).toMatchObject({ status: 201, body: { reader: { label: 'Till 1', status: 'online', action: null } } });
    return { m, readerId: registered.body.reader.id as string };
  }

  /** The shopper taps a card on the simulated reader (Stripe's test helper stands in for the card). */
  const tap = (m: ConnectedMerchant, readerId: string, number: string) =>
    stripeDashboard(sandboxes, m).testHelpers.terminal.readers.presentPaymentMethod(readerId, { type: 'card_present', card_present: { number } });

  const sale = async (m: ConnectedMerchant, id: string) => (await api(m, `/api/counter-sales/${id}`)).body.sale;

  it('counter sale: rung up, tapped, paid; the sale in the ledger (in-person fee) and the books, no store order', async () => {
    const { m, readerId } = await shopWithReader('Corner Coffee');
    const started = await api(m, '/api/counter-sales', {
      readerId, amount: 2500, currency: 'USD', description: 'Coffee beans and a mug',
      lines: [{ name: 'Coffee beans 1 kg', quantity: 1, amount: 1800 }, { name: 'Mug', quantity: 1, amount: 700 }],
    });
    expect(started).toMatchObject({ status: 201, body: { sale: { outcome: 'waiting_for_card', amountFormatted: '$25.00', number: 'C-1001', reader: { id: readerId, status: 'online' } } } });
    const readers = (await api(m, '/api/readers')).body.readers;
    expect(readers).toMatchObject([{ id: readerId, status: 'online', action: { status: 'in_progress' } }]);

    await tap(m, readerId, '4242424242424242');
    expect(await sale(m, started.body.sale.id)).toMatchObject({ outcome: 'paid', message: 'Paid by card at the counter.' });
    const view = await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments[0]?.status === 'succeeded');
    expect(view.payments[0]).toMatchObject({ salesChannel: 'in_person', paymentMethod: 'card_present', orderStatus: 'not_applicable', orderNumber: 'C-1001' });
    // 2.7% of 25.00 = 0.68, + 0.05 = 0.73
    const entries = await eventually(() => readLedgerEntries(settleUrl, m.apiKey), (e) => e.length > 0);
    expect(entries.map((e) => [e.kind, e.description])).toEqual([['sale', 'Sale: counter sale C-1001']]);
    expect(entries[0]!.postings.filter((p) => p.amount.amount !== 0).map((p) => [p.account, p.debit, p.credit])).toEqual([
      ['Stripe clearing', '$24.27', null],
      ['Payment processing fees', '$0.73', null],
      ['Sales income', null, '$25.00'],
    ]);
    const books = await eventually(() => readBooks(sandboxes, m.realmId), (b) => (b.documents.Purchase ?? []).length > 0);
    expect(books.documents.SalesReceipt?.map((d) => d.TotalAmt)).toEqual([25]);
    // Paid is paid: the sale cannot be sent to the reader again.
    expect(await api(m, `/api/counter-sales/${started.body.sale.id}/collect`, {})).toMatchObject({ status: 409, body: { error: { code: 'counter_sale_paid' } } });

    // The mug comes back: refunded like any other payment, straight to the ledger (no store order to update).
    const paymentId = started.body.sale.payment.id as string;
    expect((await api(m, `/api/payments/${paymentId}/refunds`, { amount: 700, reason: 'Mug returned' })).status).toBeLessThan(300);
    const withRefund = await eventually(() => readLedgerEntries(settleUrl, m.apiKey), (e) => e.some((x) => x.kind === 'refund'));
    expect(withRefund.find((e) => e.kind === 'refund')!.postings.filter((p) => p.amount.amount !== 0).map((p) => [p.account, p.debit, p.credit])).toEqual([
      ['Stripe clearing', null, '$7.00'],
      ['Sales income', '$7.00', null],
    ]);
  });

  it('counter sale declined: a clear message, nothing posted; collected again with another card, it is paid', async () => {
    const { m, readerId } = await shopWithReader('Declined Deli');
    const { body } = await api(m, '/api/counter-sales', { readerId, amount: 1250, currency: 'USD', description: 'Sandwich' });
    // Another sale while the reader waits for this one's card: refused, the reader is busy.
    expect(await api(m, '/api/counter-sales', { readerId, amount: 300, currency: 'USD', description: 'Soda' }))
      .toMatchObject({ status: 409, body: { error: { code: 'reader_busy', message: expect.stringContaining('busy with another sale') } } });

    await tap(m, readerId, '4000000000009995');
    expect(await sale(m, body.sale.id)).toMatchObject({
      outcome: 'declined', message: 'Card declined: Your card has insufficient funds. Ask for another card and collect again.',
    });
    const declined = await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments.some((p) => p.failureMessage !== null));
    expect(declined.payments.find((p) => p.failureMessage)).toMatchObject({ status: 'awaiting_payment', failureMessage: 'Your card has insufficient funds.' });
    expect(await readLedgerEntries(settleUrl, m.apiKey)).toEqual([]);

    expect((await api(m, `/api/counter-sales/${body.sale.id}/collect`, {})).body.sale.outcome).toBe('waiting_for_card');
    await tap(m, readerId, '5555555555554444');
    expect((await sale(m, body.sale.id)).outcome).toBe('paid');
    await eventually(() => readLedgerEntries(settleUrl, m.apiKey), (e) => e.length === 1);
  });

  it('refuses what makes no sense: a wrong registration code, lines that do not add up, another merchant\'s reader', async () => {
    const { m, readerId } = await shopWithReader('Careful Crafts');
    const address = { displayName: 'Careful Crafts', line1: '1 Main St', city: 'Springfield', postalCode: '62701', country: 'US' };
    expect(await api(m, '/api/readers', { registrationCode: 'wrong-code', label: 'Till 2', address }))
      .toMatchObject({ status: 400, body: { error: { code: 'invalid_registration_code' } } });
    expect(await api(m, '/api/counter-sales', { readerId, amount: 1000, currency: 'USD', description: 'Vase', lines: [{ name: 'Vase', quantity: 1, amount: 900 }] }))
      .toMatchObject({ status: 400, body: { error: { code: 'lines_do_not_add_up', message: expect.stringContaining('9.00 USD, not 10.00 USD') } } });
    // Stopped on the reader (the shopper changed their mind): the sale waits to be collected again.
    const { body } = await api(m, '/api/counter-sales', { readerId, amount: 1000, currency: 'USD', description: 'Vase' });
    expect((await api(m, `/api/counter-sales/${body.sale.id}/cancel`, {})).body.sale).toMatchObject({ outcome: 'not_on_reader' });
    expect((await api(m, '/api/readers')).body.readers[0]).toMatchObject({ status: 'online', action: null });
    expect(await api(m, `/api/counter-sales/${body.sale.id}/cancel`, {})).toMatchObject({ status: 409, body: { error: { code: 'reader_not_waiting' } } });
    expect((await api(m, `/api/counter-sales/${body.sale.id}/collect`, {})).body.sale.outcome).toBe('waiting_for_card');

    const other = await signUpAndConnect(settleUrl, sandboxes, 'Someone Else');
    expect((await api(other, '/api/counter-sales', { readerId, amount: 1000, currency: 'USD', description: 'Vase' })).status).toBe(404);
    expect((await api(other, '/api/readers')).body.readers).toEqual([]);
  });
});
