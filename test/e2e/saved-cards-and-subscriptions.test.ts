/**
 * Customers, saved cards, off-session charges and subscriptions, end to end over HTTP: Settle's
 * server and worker on PostgreSQL with the Stripe, WooCommerce and QuickBooks sandboxes. The
 * customer saves a card in their browser (straight to Stripe); the merchant later charges it for
 * an order with nobody present, or subscribes the customer; each paid invoice is a payment in the
 * ledger and the books, and a failed renewal shows with the bank's reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import {
  advanceStripeClock, answerBankChallenge, confirmAsShopper, placeOrder, readBooks, readLedgerEntries, readPayments, signUpAndConnect, stripeDashboard, type ConnectedMerchant, type Sandboxes,
} from '../support/journey';

interface CardSetupAnswer {
  cardSetup: { id: string; status: string };
  stripe: { apiBase: string; publishableKey: string; setupIntentId: string; clientSecret: string };
}
interface CustomerView {
  customer: { id: string; email: string };
  cards: { id: string; brand: string; last4: string; expMonth: number; expYear: number }[];
  subscriptions: { id: string; status: string }[];
}
interface PaymentView { id: string; status: string; failureMessage: string | null; orderStatus: string; amountFormatted: string; subscriptionId: string | null }

describe('saved cards and subscriptions, end to end', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let sandboxes: Sandboxes;
  let settleUrl: string;

  beforeAll(async () => {
    // Every webhook comes twice: nothing may be saved, charged or posted twice.
    stack = await startSettleStack({ stripeSwitches: { deliver_twice: true } });
    ({ sandboxes, settleUrl } = stack);
  }, 120_000);

  afterAll(async () => stack?.stop());

  async function api<T = Record<string, unknown>>(m: ConnectedMerchant, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${settleUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${m.apiKey}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** What the customer's browser does with a card setup: the card goes to Stripe, never to Settle. */
  async function saveCardAsCustomer(m: ConnectedMerchant, customerId: string, cardNumber: string) {
    const { status, body: setup } = await api<CardSetupAnswer>(m, `/api/customers/${customerId}/card-setups`, {});
    expect([status, setup.cardSetup.status]).toEqual([201, 'awaiting_card']);
    const stripePost = async (path: string, form: Record<string, string>) => (await fetch(`${setup.stripe.apiBase}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${setup.stripe.publishableKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    })).json() as Promise<{ id: string; status: string; payment_method: string }>;
    const method = await stripePost('/v1/payment_methods', { type: 'card', 'card[number]': cardNumber, 'card[exp_month]': '11', 'card[exp_year]': '2031', 'card[cvc]': '123' });
    const confirmed = await stripePost(`/v1/setup_intents/${setup.stripe.setupIntentId}/confirm`, { payment_method: method.id, client_secret: setup.stripe.clientSecret });
    expect(confirmed.status).toBe('succeeded');
    const view = await eventually(() => api<CustomerView>(m, `/api/customers/${customerId}`), (v) => v.body.cards.some((c) => c.last4 === cardNumber.slice(-4)));
    await eventually(() => api<{ cardSetup: { status: string } }>(m, `/api/card-setups/${setup.cardSetup.id}`), (v) => v.body.cardSetup.status === 'succeeded');
    return { card: view.body.cards.find((c) => c.last4 === cardNumber.slice(-4))!, paymentMethodRef: confirmed.payment_method };
  }

  async function newCustomer(m: ConnectedMerchant, email: string) {
    const created = await api<{ customer: { id: string; email: string } }>(m, '/api/customers', { email, name: 'Grace Hopper' });
    expect(created.status).toBe(201);
    return created.body.customer.id;
  }

  async function order(m: ConnectedMerchant, price: string) {
    const product = (await m.woo.post('products', { name: 'Espresso machine', regular_price: price, manage_stock: true, stock_quantity: 3 })).data;
    return { order: await placeOrder(m.woo, { productId: product.id, quantity: 1 }), productId: product.id as number };
  }

  it('a saved card charged off-session for an order: paid, the order paid, the ledger shows income and the fee', async () => {
    const m = await signUpAndConnect(settleUrl, sandboxes, 'Phone Orders Ltd');
    const customerId = await newCustomer(m, 'grace@example.com');
    const { card } = await saveCardAsCustomer(m, customerId, '4242424242424242');
    expect(card).toMatchObject({ brand: 'visa', last4: '4242', expMonth: 11, expYear: 2031 });
    // Saving is not paying: nothing in the ledger.
    expect(await readLedgerEntries(settleUrl, m.apiKey)).toEqual([]);

    const { order: placed, productId } = await order(m, '50.00');
    const charged = await api<{ payment: PaymentView; authenticationUrl: string | null }>(m, `/api/customers/${customerId}/charges`, {
      cardId: card.id, storePlatform: 'woocommerce', orderId: String(placed.id),
    });
    expect(charged.status).toBe(201);
    expect(charged.body).toMatchObject({ payment: { status: 'succeeded', amountFormatted: '$50.00', failureMessage: null }, authenticationUrl: null });

    const paid = await eventually(async () => (await m.woo.get(`orders/${placed.id}`)).data as { status: string }, (o) => o.status === 'processing');
    expect(paid.status).toBe('processing');
    expect((await m.woo.get(`products/${productId}`)).data.stock_quantity).toBe(2);
    const [sale, ...others] = await eventually(() => readLedgerEntries(settleUrl, m.apiKey), (e) => e.length > 0);
    expect(others).toEqual([]);
    expect(sale!.postings.map((p) => [p.account, p.debit, p.credit])).toEqual([
      ['Stripe clearing', '$48.25', null],
      ['Payment processing fees', '$1.75', null],
      ['Sales income', null, '$50.00'],
    ]);
    // Charging the same order again is refused; it is paid.
    const again = await api<{ error: { code: string } }>(m, `/api/customers/${customerId}/charges`, { cardId: card.id, storePlatform: 'woocommerce', orderId: String(placed.id) });
    expect([again.status, again.body.error.code]).toEqual([409, 'order_already_paid']);
  });

  it('a card whose bank wants 3-D Secure: off-session it needs the customer, with a link to authenticate; nothing is posted', async () => {
    const m = await signUpAndConnect(settleUrl, sandboxes, 'Secure Subscriptions Co');
    const customerId = await newCustomer(m, 'ada@example.com');
    // Saving this card asks for the challenge too; the customer completes it in the browser.
    const { status, body: setup } = await api<CardSetupAnswer>(m, `/api/customers/${customerId}/card-setups`, {});
    expect(status).toBe(201);
    const form = (f: Record<string, string>) => ({
      method: 'POST', headers: { Authorization: `Bearer ${setup.stripe.publishableKey}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(f),
    });
    const pm = await (await fetch(`${setup.stripe.apiBase}/v1/payment_methods`, form({ type: 'card', 'card[number]': '4000002760003184', 'card[exp_month]': '11', 'card[exp_year]': '2031' }))).json() as { id: string };
    const waiting = await (await fetch(`${setup.stripe.apiBase}/v1/setup_intents/${setup.stripe.setupIntentId}/confirm`, form({
      payment_method: pm.id, client_secret: setup.stripe.clientSecret, return_url: `${settleUrl}/saved`,
    }))).json() as { status: string; next_action: { redirect_to_url: { url: string } } };
    expect(waiting.status).toBe('requires_action');
    await eventually(() => api<{ cardSetup: { status: string } }>(m, `/api/card-setups/${setup.cardSetup.id}`), (v) => v.body.cardSetup.status === 'requires_authentication');
    await fetch(waiting.next_action.redirect_to_url.url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'outcome=complete', redirect: 'manual' });
    const saved = await eventually(() => api<CustomerView>(m, `/api/customers/${customerId}`), (v) => v.body.cards.length === 1);

    const { order: placed } = await order(m, '80.00');
    const charged = await api<{ payment: PaymentView; authenticationUrl: string | null }>(m, `/api/customers/${customerId}/charges`, {
      cardId: saved.body.cards[0]!.id, storePlatform: 'woocommerce', orderId: String(placed.id),
    });
    expect(charged.status).toBe(201);
    const payment = charged.body.payment;
    expect(payment).toMatchObject({ status: 'requires_authentication', failureMessage: expect.stringContaining('wants them to confirm this payment (3-D Secure)') });
    expect(charged.body.authenticationUrl).toBe(`${settleUrl}/pay/${payment.id}`);
    // The link opens the payment page, which can take the customer's card and their bank's check.
    const page = await (await fetch(`${settleUrl}/api/pay/${payment.id}`)).json() as { status: string; stripe: { paymentIntentId: string } | null };
    expect(page).toMatchObject({ status: 'requires_authentication', stripe: { paymentIntentId: expect.stringMatching(/^pi_/) } });

    // The decline's webhook (twice) does not turn it into an open checkout: the merchant still sees why.
    await sandboxes.stripe.webhooksIdle();
    const view = await readPayments(settleUrl, m.apiKey);
    expect(view.payments.find((p) => p.id === payment.id)).toMatchObject({ status: 'requires_authentication', booksStatus: 'not_applicable' });
    expect(await readLedgerEntries(settleUrl, m.apiKey)).toEqual([]);
    expect(((await m.woo.get(`orders/${placed.id}`)).data as { status: string }).status).toBe('pending');

    // The customer follows the link, enters their card and passes their bank's check: paid like any other.
    const onPage = await confirmAsShopper(settleUrl, payment.id, '4000002760003184');
    expect(onPage.status).toBe('requires_action');
    await answerBankChallenge(onPage, 'complete');
    await eventually(async () => (await m.woo.get(`orders/${placed.id}`)).data as { status: string }, (o) => o.status === 'processing');
    const after = await eventually(() => readPayments(settleUrl, m.apiKey), (v) => v.payments.some((p) => p.id === payment.id && p.status === 'succeeded'));
    expect(after.payments.find((p) => p.id === payment.id)).toMatchObject({ status: 'succeeded', failureMessage: null });
    expect((await readLedgerEntries(settleUrl, m.apiKey)).map((e) => e.kind)).toEqual(['sale']);
  });

  it('a monthly subscription over two periods: two paid invoices, two sales in the ledger and the books; a failed renewal shows its reason', async () => {
    const m = await signUpAndConnect(settleUrl, sandboxes, 'Coffee Club');
    const customerId = await newCustomer(m, 'member@example.com');
    const { card } = await saveCardAsCustomer(m, customerId, '4242424242424242');
    const created = await api<{ subscription: { id: string; status: string; amountFormatted: string; interval: string } }>(m, `/api/customers/${customerId}/subscriptions`, {
      cardId: card.id, amount: 2500, currency: 'USD', interval: 'month', description: 'Coffee club: 1 kg a month',
    });
    expect(created.status).toBe(201);
    expect(created.body.subscription).toMatchObject({ status: 'active', amountFormatted: '$25.00', interval: 'month' });
    const subscriptionId = created.body.subscription.id;
    const subscription = () => api<{ subscription: { status: string }; payments: PaymentView[] }>(m, `/api/subscriptions/${subscriptionId}`);

    // The first invoice is paid at once; the next month's when the clock passes the period's end.
    await eventually(subscription, (v) => v.body.payments.filter((p) => p.status === 'succeeded').length === 1);
    await advanceStripeClock(sandboxes, 32 * 86_400);
    const twoPaid = await eventually(subscription, (v) => v.body.payments.filter((p) => p.status === 'succeeded' && p.orderStatus === 'paid').length === 2);
    expect(twoPaid.body.payments.map((p) => [p.status, p.amountFormatted, p.subscriptionId])).toEqual([
      ['succeeded', '$25.00', subscriptionId], ['succeeded', '$25.00', subscriptionId],
    ]);
    const sales = await eventually(() => readLedgerEntries(settleUrl, m.apiKey), (e) => e.filter((x) => x.kind === 'sale').length === 2);
    for (const sale of sales.filter((x) => x.kind === 'sale')) {
      expect(sale.postings.map((p) => [p.account, p.debit, p.credit])).toEqual([
        ['Stripe clearing', '$23.97', null], ['Payment processing fees', '$1.03', null], ['Sales income', null, '$25.00'],
      ]);
    }
    const books = await eventually(() => readBooks(sandboxes, m.realmId), (b) => (b.documents.SalesReceipt ?? []).length === 2);
    expect(books.documents.SalesReceipt?.map((d) => d.TotalAmt)).toEqual([25, 25]);
    // The daily summary shows the renewals under their own channel (no store behind them).
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const summary = await api<{ rows: { channel: string; sales: number; grossFormatted: string }[] }>(
      m, `/api/reports/daily-summary?from=${day(Date.now() - 86_400_000)}&to=${day(Date.now() + 90 * 86_400_000)}`,
    );
    expect(summary.body.rows.map((r) => [r.channel, r.sales, r.grossFormatted])).toEqual([['subscription', 1, '$25.00'], ['subscription', 1, '$25.00']]);

    // The customer's card changes (in Stripe's dashboard) to one that is then declined: the next renewal fails.
    const { paymentMethodRef } = await saveCardAsCustomer(m, customerId, '4000000000000341');
    const subscriptionRef = (await stripeDashboard(sandboxes, m).subscriptions.list()).data[0]!.id;
    await stripeDashboard(sandboxes, m).subscriptions.update(subscriptionRef, { default_payment_method: paymentMethodRef });
    await advanceStripeClock(sandboxes, 31 * 86_400);
    const failed = await eventually(subscription, (v) => v.body.subscription.status === 'past_due' && v.body.payments.some((p) => p.status === 'failed'));
    expect(failed.body.payments.find((p) => p.status === 'failed')).toMatchObject({ amountFormatted: '$25.00', failureMessage: 'Your card was declined.' });
    // Still two sales: the failed renewal took nothing.
    await sandboxes.stripe.webhooksIdle();
    expect((await readLedgerEntries(settleUrl, m.apiKey)).filter((x) => x.kind === 'sale')).toHaveLength(2);

    const canceled = await api<{ subscription: { status: string } }>(m, `/api/subscriptions/${subscriptionId}/cancel`, {});
    expect(canceled).toMatchObject({ status: 200, body: { subscription: { status: 'canceled' } } });
  });

  it('refuses what cannot be done, and each merchant sees only their own customers', async () => {
    const m = await signUpAndConnect(settleUrl, sandboxes, 'Careful Goods');
    const other = await signUpAndConnect(settleUrl, sandboxes, 'Nosy Neighbours');
    const customerId = await newCustomer(m, 'private@example.com');
    expect((await api<{ error: { code: string } }>(other, `/api/customers/${customerId}`)).status).toBe(404);
    expect((await api<{ error: { code: string } }>(m, '/api/customers', { email: 'not an email' })).body.error.code).toBe('invalid_request');
    const { order: placed } = await order(m, '10.00');
    const noCard = await api<{ error: { code: string } }>(m, `/api/customers/${customerId}/charges`, { cardId: 'card_nope', storePlatform: 'woocommerce', orderId: String(placed.id) });
    expect([noCard.status, noCard.body.error.code]).toEqual([404, 'card_not_found']);
    const badInterval = await api<{ error: { code: string } }>(m, `/api/customers/${customerId}/subscriptions`, { cardId: 'x', amount: 100, currency: 'USD', interval: 'fortnight', description: 'x' });
    expect([badInterval.status, badInterval.body.error.code]).toEqual([400, 'invalid_request']);
  });
});
