/**
 * The self-healing sweep and the exceptions queue, end to end: Stripe holds every webhook (none
 * ever reaches Settle), so only the sweep, reading Stripe's event list, can learn of a payment.
 * Then the merchant (or a bug) makes the systems disagree in ways Settle cannot repair alone, and
 * each disagreement reaches the exceptions queue, explained, with its actions and audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { payAsShopper, placeOrder, readBooks, readLedgerEntries, signUpAndConnect, startCheckout, stripeDashboard, type ConnectedMerchant } from '../support/journey';

interface ExceptionView { id: number; kind: string; orderNumber: string | null; explanation: string; status: string; actions: string[]; note: string | null }
interface AuditView { actor: string; action: string; detail: string }

describe('reconciliation sweep, end to end', { timeout: 180_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  const api = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${stack.settleUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `Bearer ${merchant.apiKey}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const openExceptions = async () => (await api<{ exceptions: ExceptionView[] }>('/api/reconciliation/exceptions')).body.exceptions;
  const exceptionFor = (kind: string, orderNumber: string) =>
    eventually(openExceptions, (all) => all.some((e) => e.kind === kind && e.orderNumber === orderNumber), 60_000).then(
      (all) => all.find((e) => e.kind === kind && e.orderNumber === orderNumber)!,
    );
  const wooOrder = async (id: number) => (await merchant.woo.get(`orders/${id}`)).data as { status: string; total: string; number: string; refunds: { id: number }[] };

  async function product(price: string) {
    return (await merchant.woo.post('products', { name: `Item ${price}`, regular_price: price, manage_stock: true, stock_quantity: 10 })).data as { id: number };
  }

  /** A shopper pays for an order; Stripe keeps the webhook. Answers once the sweep has the store show it paid. */
  async function paidSale(price: string) {
    const order = await placeOrder(merchant.woo, { productId: (await product(price)).id, quantity: 1 });
    const checkout = await startCheckout(stack.settleUrl, merchant.apiKey, order.id);
    expect(await payAsShopper(stack.settleUrl, checkout.payment.id)).toBe('succeeded');
    await eventually(() => wooOrder(order.id), (o) => o.status === 'processing', 60_000);
    return { orderId: order.id, orderNumber: order.number, paymentId: checkout.payment.id };
  }

  beforeAll(async () => {
    stack = await startSettleStack({
      stripeSwitches: { hold_deliveries: true },
      env: { RECONCILIATION_SWEEP_MS: '1500', RECONCILIATION_GRACE_MS: '500' },
    });
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Sweep Shop');
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  let sale: { orderId: number; orderNumber: string; paymentId: string };

  it('recovers a payment whose webhook never arrived: order paid, ledger posted, repair logged', async () => {
    sale = await paidSale('42.00');
    const saleEntry = (entries: Awaited<ReturnType<typeof readLedgerEntries>>) => entries.find((x) => x.postings.some((p) => Math.abs(p.amount.amount) === 4200));
    const sold = saleEntry(await eventually(() => readLedgerEntries(stack.settleUrl, merchant.apiKey), (e) => saleEntry(e) !== undefined, 30_000))!;
    expect(sold.postings.reduce((sum, p) => sum + p.amount.amount, 0)).toBe(0);

    const deliveries = (await (await fetch(`${stack.sandboxes.stripe.url}/_sandbox/deliveries?account=${merchant.stripeAccount.id}`)).json()) as { data: unknown[] };
    expect(deliveries.data).toEqual([]); // Stripe never delivered a webhook: the sweep did it all

    const audit = (await api<{ audit: AuditView[] }>('/api/reconciliation/audit')).body.audit;
    expect(audit).toContainEqual(expect.objectContaining({ actor: 'sweep', action: 'recovered_event', detail: expect.stringMatching(/^Stripe event evt_\w+ \(payment_intent\.succeeded\) never arrived as a webhook/) }));
    const sweep = (await api<{ sweep: { stage: string; outcome: { eventsRead: number } } }>('/api/reconciliation/sweep')).body.sweep;
    expect(['done', 'stripe_events', 'stripe_balance_transactions', 'store_orders', 'books_documents', 'match', 'repair']).toContain(sweep.stage);
    // The store, Stripe and the books agree on it: no exception, once the books step has run.
    await eventually(() => readBooks(stack.sandboxes, merchant.realmId), (b) => (b.documents.SalesReceipt ?? []).length === 1, 30_000);
    await eventually(() => api<{ sweep: { outcome: { documentsReread: number } | null } }>('/api/reconciliation/sweep'), (r) => (r.body.sweep.outcome?.documentsReread ?? 0) > 0, 30_000);
    expect(await openExceptions()).toEqual([]);
  });

  it('an order marked paid in WooCommerce without a payment is an exception, and accepting it with a note is audited', async () => {
    const order = await placeOrder(merchant.woo, { productId: (await product('30.00')).id, quantity: 1 });
    await startCheckout(stack.settleUrl, merchant.apiKey, order.id);
    await merchant.woo.put(`orders/${order.id}`, { status: 'processing' }); // the merchant marks it paid by hand

    const exception = await exceptionFor('order_paid_without_payment', order.number);
    expect(exception.explanation).toBe(
      `Order #${order.number} is marked paid in the store (30.00 USD), but Stripe has no successful payment for it (the Settle payment is awaiting payment). ` +
        'Check how the customer paid; re-fetch after fixing the order, or accept with a note if it was paid another way.',
    );
    expect(exception.actions).toEqual(['refetch', 'accept']);

    const refused = await api<{ error: { code: string } }>(`/api/reconciliation/exceptions/${exception.id}/retry`, { method: 'POST' });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'not_retryable']);
    const empty = await api<{ error: { code: string } }>(`/api/reconciliation/exceptions/${exception.id}/accept`, { method: 'POST', body: { note: ' ' } });
    expect(empty.status).toBe(400);

    const accepted = await api<{ exception: ExceptionView }>(`/api/reconciliation/exceptions/${exception.id}/accept`, { method: 'POST', body: { note: 'Paid in cash at the counter' } });
    expect(accepted.body.exception).toMatchObject({ status: 'accepted', note: 'Paid in cash at the counter' });
    const detail = await api<{ exception: ExceptionView; audit: AuditView[] }>(`/api/reconciliation/exceptions/${exception.id}`);
    expect(detail.body.audit.map((a) => [a.actor, a.action])).toEqual([['merchant', 'accepted'], ['sweep', 'opened']]);
    expect(detail.body.audit[0]!.detail).toBe('Paid in cash at the counter');
    expect((await openExceptions()).some((e) => e.id === exception.id)).toBe(false);
  });

  it('an order whose total changed after payment is an amount mismatch naming both amounts', async () => {
    await merchant.woo.put(`orders/${sale.orderId}`, { fee_lines: [{ name: 'Gift wrap', total: '5.00' }] });
    const exception = await exceptionFor('amount_mismatch', sale.orderNumber);
    expect(exception.explanation).toBe(`Order #${sale.orderNumber} totals 47.00 USD in the store, but Stripe took 42.00 USD: a difference of 5.00 USD.`);
  });

  it('a refund made in Stripe but missing from the store is an exception; retry shows it on the order again, audited', async () => {
    const other = await paidSale('20.00');
    const stripe = stripeDashboard(stack.sandboxes, merchant);
    const [intent] = (await stripe.paymentIntents.list({ limit: 1 })).data;
    await stripe.refunds.create({ payment_intent: intent!.id, amount: 500 });
    // The sweep recovers the refund's event and shows the refund on the order …
    const refunded = await eventually(() => wooOrder(other.orderId), (o) => o.refunds.length === 1, 60_000);
    // … which someone then deletes in WooCommerce.
    await merchant.woo.delete(`orders/${other.orderId}/refunds/${refunded.refunds[0]!.id}`, { force: true });

    const exception = await exceptionFor('refund_missing_in_store', other.orderNumber);
    expect(exception.explanation).toBe(`Stripe refunded 5.00 USD on order #${other.orderNumber}, but the store shows 0.00 USD refunded. Retry shows the refund on the order.`);
    const retried = await api<{ queued: string[] }>(`/api/reconciliation/exceptions/${exception.id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    expect(retried.body.queued).toEqual([expect.stringMatching(/^store-refund:.+:succeeded$/)]);

    await eventually(() => wooOrder(other.orderId), (o) => o.refunds.length === 1, 30_000);
    const detail = await eventually(
      async () => (await api<{ exception: ExceptionView; audit: AuditView[] }>(`/api/reconciliation/exceptions/${exception.id}`)).body,
      (d) => d.exception.status === 'resolved', 30_000,
    );
    // The sweep's repair and the merchant's retry never ran side by side: the refund shows once.
    expect((await wooOrder(other.orderId)).refunds).toHaveLength(1);
    const trail = detail.audit.map((a) => `${a.actor} ${a.action}`);
    expect(trail).toContain('merchant retried');
    expect(trail[0]).toBe('sweep resolved');
    expect(trail.at(-1)).toBe('sweep opened');
  });

  it('a sales receipt deleted in QuickBooks is a books exception the bookkeeper must restore or accept', async () => {
    const books = await eventually(() => readBooks(stack.sandboxes, merchant.realmId), (b) => (b.documents.SalesReceipt ?? []).some((d) => d.TotalAmt === 42), 30_000);
    const receipt = (books.documents.SalesReceipt ?? []).find((d) => d.TotalAmt === 42) as unknown as { Id: string; SyncToken: string };
    const deleted = await fetch(`${stack.sandboxes.quickbooks.apiBaseUrl}${merchant.realmId}/salesreceipt?operation=delete&minorversion=75`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${merchant.quickBooksAccessToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ Id: receipt.Id, SyncToken: receipt.SyncToken }),
    });
    expect(deleted.status).toBe(200);

    const exception = await exceptionFor('books_entry_missing', sale.orderNumber);
    expect(exception.explanation).toBe(
      `The sale of 42.00 USD for order #${sale.orderNumber} was posted to the books as SalesReceipt ${receipt.Id}, which the books no longer have. Restore it in the books, or accept with a note.`,
    );
    expect(exception.actions).toEqual(['refetch', 'accept']);
  });

  it("another merchant sees none of this merchant's exceptions and cannot act on them", async () => {
    const [mine] = (await api<{ exceptions: ExceptionView[] }>('/api/reconciliation/exceptions?status=accepted')).body.exceptions;
    expect(mine).toBeDefined();
    const other = (await (await fetch(`${stack.settleUrl}/api/merchants`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Nosy Shop' }),
    })).json()) as { apiKey: string };
    const as = (path: string, method = 'GET', body?: unknown) =>
      fetch(`${stack.settleUrl}${path}`, { method, headers: { Authorization: `Bearer ${other.apiKey}`, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    expect(await (await as('/api/reconciliation/exceptions?status=accepted')).json()).toEqual({ exceptions: [] });
    expect((await as(`/api/reconciliation/exceptions/${mine!.id}`)).status).toBe(404);
    expect((await as(`/api/reconciliation/exceptions/${mine!.id}/accept`, 'POST', { note: 'mine now' })).status).toBe(404);
    expect(await (await as('/api/reconciliation/audit')).json()).toEqual({ audit: [] });
  });
});
