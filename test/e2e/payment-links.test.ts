/**
 * Payment links, end to end over HTTP (Settle's server and worker on PostgreSQL with the Stripe,
 * WooCommerce and QuickBooks sandboxes): the merchant makes a link for store products (priced by the
 * store) or for an amount; each shopper who opens it gives their email and pays their own payment on
 * Settle's page; the paid sale becomes a paid WooCommerce order with those lines (stock falls), under
 * the customer matched by email or created, and reaches the ledger. A deactivated link charges
 * nothing; bad input is refused with a code; another merchant can neither see nor deactivate a link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { merchantApi, payAsShopper, readLedgerEntries, signUpAndConnect, stripeDashboard, type ConnectedMerchant, type Sandboxes, type WooSaleOrder as WooOrder } from '../support/journey';
import { loadConfig } from '../../web/server/config';
import { openServices, type Services } from '../../web/server/services';
import { recordSaleInStore } from '../../core/stores/record-sale';

describe('payment links', { timeout: 120_000 }, () => {
  let stack: SettleStack;
  let sandboxes: Sandboxes;
  let settleUrl: string;

  beforeAll(async () => {
    stack = await startSettleStack();
    ({ sandboxes, settleUrl } = stack);
  }, 120_000);

  afterAll(async () => stack?.stop());

  const api = (m: ConnectedMerchant, path: string, body?: unknown) => merchantApi(settleUrl, m.apiKey, path, { body });
  /** What the shopper's browser does with the link: give an email, get their own payment. */
  const openLink = async (linkId: string, shopper: Record<string, unknown>) => {
    const response = await fetch(`${settleUrl}/api/pay/link/${linkId}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(shopper) });
    return { status: response.status, body: await response.json() };
  };
  /** Answers once the link shows the shopper's paid sale with its store order. */
  const paidSale = async (m: ConnectedMerchant, linkId: string, paymentId: string) => {
    const view = await eventually(async () => (await api(m, `/api/payment-links/${linkId}`)).body,
      (b) => b.sales?.some((s: { payment: { id: string }; storeOrder: unknown }) => s.payment.id === paymentId && s.storeOrder !== null));
    return view.sales.find((s: { payment: { id: string } }) => s.payment.id === paymentId);
  };
  const stock = async (m: ConnectedMerchant, id: number) => (await m.woo.get(`products/${id}`)).data.stock_quantity as number;
  const wooOrder = async (m: ConnectedMerchant, id: string) => (await m.woo.get(`orders/${id}`)).data as WooOrder;
  const customersWith = async (m: ConnectedMerchant, email: string) => (await m.woo.get('customers', { email })).data as { id: number }[];

  it('a link to products: each shopper pays the store\'s prices, gets a paid order with those lines under their customer, stock falls, the ledger has the sales', async () => {
    const m = await signUpAndConnect(settleUrl, sandboxes, 'Bean Link Roasters');
    const beans = (await m.woo.post('products', { name: 'Espresso beans 1 kg', sku: 'BL-BEANS', regular_price: '18.00', manage_stock: true, stock_quantity: 5 })).data;
    const mug = (await m.woo.post('products', { name: 'Roaster mug', regular_price: '7.00', manage_stock: true, stock_quantity: 3 })).data;
    const known = (await m.woo.post('customers', { email: 'ada@example.org', first_name: 'Ada', last_name: 'Lovelace' })).data as { id: number };

    // The merchant finds the products by name: the store's prices and stock.
    expect((await api(m, '/api/payment-links/products?search=espresso&currency=USD')).body.products).toEqual([
      expect.objectContaining({ id: String(beans.id), name: 'Espresso beans 1 kg', sku: 'BL-BEANS', unitPrice: { amount: 1800, currency: 'USD' }, unitPriceFormatted: '$18.00', purchasable: true, available: 5 }),
    ]);
    expect(await api(m, '/api/payment-links/products?search=espresso')).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', message: expect.stringContaining('currency') } } });

    const created = await api(m, '/api/payment-links', { currency: 'USD', products: [{ productId: String(beans.id), quantity: 2 }, { productId: String(mug.id), quantity: 1 }] });
    expect(created).toMatchObject({ status: 201, body: { paymentLink: { description: '2 × Espresso beans 1 kg, Roaster mug', active: true, paidCount: 0, amount: null } } });
    const link = created.body.paymentLink;
    expect(link.url).toBe(`${stack.settleUrl}/pay/link/${link.id}`);

    // The page the shopper opens: the store's prices and the total; opening it makes no payment.
    const page = await fetch(link.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('2 × Espresso beans 1 kg');
    expect(html).toContain('$43.00');

    // A new shopper: a reload (the same email again) finds the same payment, not a second one.
    const grace = await openLink(link.id, { email: 'grace@example.com', name: 'Grace Hopper' });
    expect(grace).toMatchObject({ status: 201, body: { amount: { amount: 4300, currency: 'USD' }, payUrl: `${stack.settleUrl}/pay/${grace.body.paymentId}` } });
    expect((await openLink(link.id, { email: 'Grace@Example.com ', name: 'Grace Hopper' })).body.paymentId).toBe(grace.body.paymentId);
    expect(await payAsShopper(settleUrl, grace.body.paymentId)).toBe('succeeded');
    const graceSale = await paidSale(m, link.id, grace.body.paymentId);
    const graceOrder = await wooOrder(m, graceSale.storeOrder.id);
    expect(graceSale.storeOrder.number).toBe(graceOrder.number);
    expect(graceOrder).toMatchObject({ status: 'processing', total: '43.00', transaction_id: expect.stringMatching(/^pi_/), billing: { email: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper' } });
    expect(graceOrder.date_paid).not.toBeNull();
    expect(graceOrder.line_items.map((l) => [l.product_id, l.quantity, l.total])).toEqual([[beans.id, 2, '36.00'], [mug.id, 1, '7.00']]);
    expect(graceOrder.meta_data).toContainEqual(expect.objectContaining({ key: 'settle_payment_id', value: grace.body.paymentId }));
    const [graceCustomer, ...others] = await customersWith(m, 'grace@example.com');
    expect(others).toEqual([]);
    expect(graceOrder.customer_id).toBe(graceCustomer!.id);
    expect([await stock(m, beans.id), await stock(m, mug.id)]).toEqual([3, 2]);

    // The store puts the beans on sale: the next shopper, one the store knows, pays the new price.
    await m.woo.put(`products/${beans.id}`, { sale_price: '15.00' });
    const ada = await openLink(link.id, { email: 'ADA@example.org' });
    expect(ada.body.amount).toEqual({ amount: 3700, currency: 'USD' });
    expect(ada.body.paymentId).not.toBe(grace.body.paymentId);
    expect(await payAsShopper(settleUrl, ada.body.paymentId)).toBe('succeeded');
    const adaOrder = await wooOrder(m, (await paidSale(m, link.id, ada.body.paymentId)).storeOrder.id);
    expect(adaOrder).toMatchObject({ status: 'processing', total: '37.00', customer_id: known.id });
    expect(await customersWith(m, 'ada@example.org')).toHaveLength(1);
    expect([await stock(m, beans.id), await stock(m, mug.id)]).toEqual([1, 1]);

    // Grace comes back for more: one bag is left, the link wants two; refused before anything is charged.
    expect(await openLink(link.id, { email: 'grace@example.com' })).toMatchObject({ status: 409, body: { error: { code: 'out_of_stock', message: expect.stringContaining('Espresso beans 1 kg is out of stock (1 left)') } } });

    const listed = (await api(m, '/api/payment-links')).body.paymentLinks;
    expect(listed).toMatchObject([{ id: link.id, paidCount: 2, paidTotal: { amount: 8000, currency: 'USD' }, paidTotalFormatted: '$80.00' }]);
    const entries = await eventually(() => readLedgerEntries(settleUrl, m.apiKey), (e) => e.filter((x) => x.kind === 'sale').length === 2);
    expect(entries.filter((e) => e.kind === 'sale').map((e) => [e.description, e.postings.find((p) => p.account === 'Sales income')?.credit]).sort()).toEqual([
      [`Sale: payment link sale ${graceSale.number}`, '$43.00'],
      [expect.stringMatching(/^Sale: payment link sale L-\d+$/), '$37.00'],
    ].sort());

    // The worker crashed after the store answered but before Settle noted it: the step runs again, one order.
    const services: Services = await openServices(loadConfig(stack.env), pino({ level: 'silent' }));
    try {
      const outboxId = `store-sale:${grace.body.paymentId}`;
      await services.db.query('UPDATE outbox SET done_at = NULL WHERE id = $1', [outboxId]);
      await services.db.query('UPDATE payment_link_sales SET store_order_id = NULL, store_order_number = NULL WHERE payment_id = $1', [grace.body.paymentId]);
      expect(await recordSaleInStore(services, outboxId)).toContain(`recorded as order ${graceOrder.number}`);
      expect(await recordSaleInStore(services, outboxId)).toBe('already done');
    } finally {
      await services.close();
    }
    const graceOrders = (await m.woo.get('orders', { customer: graceCustomer!.id, per_page: 100 })).data as WooOrder[];
    expect(graceOrders.map((o) => o.id)).toEqual([graceOrder.id]);
    expect([await stock(m, beans.id), await stock(m, mug.id)]).toEqual([1, 1]);

    // Grace sends the mug back: refunded through Settle, the refund shows on the order Settle made, once.
    expect(await api(m, `/api/payments/${grace.body.paymentId}/refunds`, { amount: 700, reason: 'requested_by_customer' })).toMatchObject({ status: 201 });
    const refunds = await eventually(async () => (await m.woo.get(`orders/${graceOrder.id}/refunds`)).data as { amount: string; refunded_payment: boolean }[], (r) => r.length > 0);
    expect(refunds.map((r) => [r.amount, r.refunded_payment])).toEqual([['7.00', false]]);
  });

  it('a link for an amount: the order carries the description for the amount; deactivated, the link charges nobody', async () => {
    const m = await signUpAndConnect(settleUrl, sandboxes, 'Table Makers');
    const created = await api(m, '/api/payment-links', { currency: 'USD', amount: 15000, description: 'Deposit for a custom oak table' });
    expect(created).toMatchObject({ status: 201, body: { paymentLink: { amount: { amount: 15000, currency: 'USD' }, amountFormatted: '$150.00', products: [] } } });
    const link = created.body.paymentLink;

    const shopper = await openLink(link.id, { email: 'linus@example.net', name: 'Linus' });
    expect(await payAsShopper(settleUrl, shopper.body.paymentId)).toBe('succeeded');
    const order = await wooOrder(m, (await paidSale(m, link.id, shopper.body.paymentId)).storeOrder.id);
    expect(order).toMatchObject({ status: 'processing', total: '150.00', line_items: [], billing: { email: 'linus@example.net', first_name: 'Linus' } });
    expect(order.fee_lines.map((f) => [f.name, f.total])).toEqual([['Deposit for a custom oak table', '150.00']]);
    expect(order.customer_id).toBe((await customersWith(m, 'linus@example.net'))[0]!.id);
    // Paying again through the link (a second deposit) is a new payment, not the one already paid.
    const again = await openLink(link.id, { email: 'linus@example.net' });
    expect(again).toMatchObject({ status: 201, body: { amount: { amount: 15000 } } });
    expect(again.body.paymentId).not.toBe(shopper.body.paymentId);

    // A shopper who opened the link before it was deactivated still has an unpaid payment; opening it again is refused.
    const late = await openLink(link.id, { email: 'late@example.net' });
    expect(late.status).toBe(201);
    expect(await api(m, `/api/payment-links/${link.id}/deactivate`, {})).toMatchObject({ status: 200, body: { paymentLink: { active: false, paidCount: 1 } } });
    expect(await openLink(link.id, { email: 'late@example.net' })).toMatchObject({ status: 410, body: { error: { code: 'payment_link_inactive' } } });
    expect(await openLink(link.id, { email: 'new@example.net' })).toMatchObject({ status: 410, body: { error: { code: 'payment_link_inactive' } } });
    const page = await fetch(link.url);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This payment link is no longer active, and nothing was charged.');
    const form = await fetch(link.url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'email=new%40example.net', redirect: 'manual' });
    expect(form.status).toBe(410);
    // Payment pages left open (the late shopper's, Linus's second) can no longer take money: canceled at Stripe.
    expect(await (await fetch(`${settleUrl}/api/pay/${late.body.paymentId}`)).json()).toMatchObject({ status: 'canceled' });
    const intents = (await stripeDashboard(sandboxes, m).paymentIntents.list({ limit: 10 })).data;
    expect(intents.filter((i) => i.metadata.payment_link === link.id).map((i) => i.status).sort()).toEqual(['canceled', 'canceled', 'succeeded']);
    const sales = (await api(m, `/api/payment-links/${link.id}`)).body.sales as { email: string }[];
    expect(sales.map((s) => s.email).sort()).toEqual(['late@example.net', 'linus@example.net', 'linus@example.net']);
  });

  it('the page\'s form sends the shopper to the payment page with their payment; a bad email shows the form again', async () => {
    const m = await signUpAndConnect(settleUrl, sandboxes, 'Form Shop');
    const link = (await api(m, '/api/payment-links', { currency: 'USD', amount: 2500, description: 'Gift card <25>' })).body.paymentLink;
    expect(await (await fetch(link.url)).text()).toContain('Gift card &lt;25&gt;');
    const bad = await fetch(link.url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'email=not-an-email', redirect: 'manual' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Enter your email address');
    const good = await fetch(link.url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'email=robin%40example.com&name=Robin', redirect: 'manual' });
    expect(good.status).toBe(303);
    const paymentId = /^\/pay\/(pay_[\w-]{22})$/.exec(good.headers.get('location') ?? '')?.[1];
    expect(paymentId).toBeDefined();
    expect(await (await fetch(`${settleUrl}/api/pay/${paymentId}`)).json()).toMatchObject({ amount: { amount: 2500, currency: 'USD' }, status: 'awaiting_payment', merchantName: 'Form Shop' });
  });

  it('bad input is refused with a code and makes nothing; another merchant can neither see nor deactivate a link', async () => {
    const m = await signUpAndConnect(settleUrl, sandboxes, 'Careful Shop');
    const other = await signUpAndConnect(settleUrl, sandboxes, 'Nosy Shop');
    const refusals: [unknown, string][] = [
      [{ amount: 1000, description: 'No currency' }, 'invalid_request'],
      [{ currency: 'USD', amount: 1000 }, 'invalid_request'],
      [{ currency: 'USD', amount: 10.5, description: 'Floats are not money' }, 'invalid_request'],
      [{ currency: 'USD', amount: 1000, description: 'Both', products: [{ productId: '1', quantity: 1 }] }, 'invalid_request'],
      [{ currency: 'USD', products: [{ productId: 'abc', quantity: 1 }] }, 'invalid_request'],
      [{ currency: 'USD', products: [{ productId: '99999', quantity: 1 }] }, 'product_not_found'],
    ];
    for (const [body, code] of refusals) {
      const refused = await api(m, '/api/payment-links', body);
      // The input rides along so a failure names which one was let through.
      expect({ input: body, ...refused }).toMatchObject({ input: body, status: 400, body: { error: { code, message: expect.any(String) } } });
    }
    expect((await api(m, '/api/payment-links')).body.paymentLinks).toEqual([]);

    const link = (await api(m, '/api/payment-links', { currency: 'USD', amount: 900, description: 'Workshop seat' })).body.paymentLink;
    expect(await openLink(link.id, { email: 'not an email' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await openLink('pl_AAAAAAAAAAAAAAAAAAAAAA', { email: 'a@example.com' })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });

    expect((await api(other, '/api/payment-links')).body.paymentLinks).toEqual([]);
    expect(await api(other, `/api/payment-links/${link.id}`)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await api(other, `/api/payment-links/${link.id}/deactivate`, {})).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await api(m, `/api/payment-links/${link.id}`)).body.paymentLink).toMatchObject({ active: true });
    expect((await openLink(link.id, { email: 'a@example.com' })).status).toBe(201);
  });
});
