/**
 * A counter sale becomes a WooCommerce order, end to end over HTTP (Settle's server and worker on
 * PostgreSQL with the Stripe, WooCommerce and QuickBooks sandboxes): once the card is tapped, the
 * store gets a paid order with the sale's lines, so its stock falls; the shopper's email finds their
 * customer account or makes one; the sale shows the order number. Recording it twice makes one order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { signUpAndConnect, stripeDashboard, type ConnectedMerchant, type Sandboxes, merchantApi } from '../support/journey';
import { loadConfig } from '../../web/server/config';
import { openServices, type Services } from '../../web/server/services';
import { recordSaleInStore } from '../../core/stores/record-sale';

interface WooOrder {
  id: number; number: string; status: string; date_paid: string | null; customer_id: number; total: string; transaction_id: string;
  billing: { email: string; first_name: string; last_name: string };
  line_items: { product_id: number; quantity: number; total: string }[];
  fee_lines: { name: string; total: string }[];
  meta_data: { key: string; value: unknown }[];
}

describe('counter sales recorded in the WooCommerce store', { timeout: 90_000 }, () => {
  let stack: SettleStack;
  let sandboxes: Sandboxes;
  let settleUrl: string;

  beforeAll(async () => {
    stack = await startSettleStack();
    ({ sandboxes, settleUrl } = stack);
  }, 120_000);

  afterAll(async () => stack?.stop());

  const api = (m: ConnectedMerchant, path: string, body?: unknown) => merchantApi(settleUrl, m.apiKey, path, { body });

  async function shopWithReader(name: string) {
    const m = await signUpAndConnect(settleUrl, sandboxes, name);
    const registered = await api(m, '/api/readers', {
      registrationCode: 'simulated-wpe', label: 'Till 1',
      address: { displayName: name, line1: '1 Main St', city: 'Springfield', postalCode: '62701', country: 'US', state: 'IL' },
    });
    expect(registered.status).toBe(201);
    return { m, readerId: registered.body.reader.id as string };
  }

  /** Rings up the sale and taps a good card; answers once the sale shows its store order. */
  async function sellAtCounter(m: ConnectedMerchant, readerId: string, sale: Record<string, unknown>) {
    const started = await api(m, '/api/counter-sales', { readerId, currency: 'USD', ...sale });
    expect(started.status).toBe(201);
    await stripeDashboard(sandboxes, m).testHelpers.terminal.readers.presentPaymentMethod(readerId, { type: 'card_present', card_present: { number: '4242424242424242' } });
    const id = started.body.sale.id as string;
    return eventually(async () => (await api(m, `/api/counter-sales/${id}`)).body.sale, (s) => s.storeOrder !== null);
  }

  const stock = async (m: ConnectedMerchant, id: number) => (await m.woo.get(`products/${id}`)).data.stock_quantity as number;
  const wooOrder = async (m: ConnectedMerchant, id: string) => (await m.woo.get(`orders/${id}`)).data as WooOrder;
  const customersWith = async (m: ConnectedMerchant, email: string) => (await m.woo.get('customers', { email })).data as { id: number }[];

  it('a paid counter sale becomes a paid order: lines matched by SKU and name, stock down, a new customer created', async () => {
    const { m, readerId } = await shopWithReader('Bean Counter');
    const beans = (await m.woo.post('products', { name: 'Espresso beans 1 kg', sku: 'BC-BEANS', regular_price: '18.00', manage_stock: true, stock_quantity: 5 })).data;
    const mug = (await m.woo.post('products', { name: 'Bean Counter mug', regular_price: '7.00', manage_stock: true, stock_quantity: 3 })).data;
    expect(await customersWith(m, 'grace@example.com')).toEqual([]);

    const sale = await sellAtCounter(m, readerId, {
      amount: 4500, description: 'Beans, a mug, gift wrap', customer: { email: 'grace@example.com', name: 'Grace Hopper' },
      lines: [{ name: 'BC-BEANS', quantity: 2, amount: 3600 }, { name: 'bean counter MUG', quantity: 1, amount: 700 }, { name: 'Gift wrap', quantity: 1, amount: 200 }],
    });
    expect(sale).toMatchObject({ outcome: 'paid', storeOrder: { platform: 'woocommerce' } });

    const order = await wooOrder(m, sale.storeOrder.id);
    expect(sale.storeOrder.number).toBe(order.number);
    expect(order).toMatchObject({ status: 'processing', total: '45.00', transaction_id: expect.stringMatching(/^pi_/), billing: { email: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper' } });
    expect(order.date_paid).not.toBeNull();
    expect(order.line_items.map((l) => [l.product_id, l.quantity, l.total])).toEqual([[beans.id, 2, '36.00'], [mug.id, 1, '7.00']]);
    expect(order.fee_lines.map((f) => [f.name, f.total])).toEqual([['Gift wrap', '2.00']]);
    expect(order.meta_data).toContainEqual(expect.objectContaining({ key: 'settle_payment_id', value: sale.payment.id }));
    expect(await stock(m, beans.id)).toBe(3);
    expect(await stock(m, mug.id)).toBe(2);
    const [grace, ...others] = await customersWith(m, 'grace@example.com');
    expect(others).toEqual([]);
    expect(order.customer_id).toBe(grace!.id);
  });

  it('a shopper the store knows is matched by email; recording the sale again makes no second order', async () => {
    const { m, readerId } = await shopWithReader('Tea Counter');
    const tea = (await m.woo.post('products', { name: 'Sencha 100 g', sku: 'TC-SENCHA', regular_price: '9.00', manage_stock: true, stock_quantity: 10 })).data;
    const known = (await m.woo.post('customers', { email: 'ada@example.org', first_name: 'Ada', last_name: 'Lovelace' })).data as { id: number };

    const sale = await sellAtCounter(m, readerId, {
      amount: 2700, description: 'Sencha', customer: { email: 'ADA@example.org' }, lines: [{ name: 'TC-SENCHA', quantity: 3, amount: 2700 }],
    });
    const order = await wooOrder(m, sale.storeOrder.id);
    expect(order).toMatchObject({ status: 'processing', customer_id: known.id });
    expect(await customersWith(m, 'ada@example.org')).toHaveLength(1);
    expect(await stock(m, tea.id)).toBe(7);

    // The worker crashed after the store answered but before Settle noted it: the step runs again.
    const services: Services = await openServices(loadConfig(stack.env), pino({ level: 'silent' }));
    try {
      const outboxId = `store-sale:${sale.payment.id}`;
      await services.db.query('UPDATE outbox SET done_at = NULL WHERE id = $1', [outboxId]);
      await services.db.query('UPDATE counter_sales SET store_order_id = NULL, store_order_number = NULL WHERE id = $1', [sale.id]);
      expect(await recordSaleInStore(services, outboxId)).toContain(`recorded as order ${order.number}`);
      expect(await recordSaleInStore(services, outboxId)).toBe('already done');
    } finally {
      await services.close();
    }
    const orders = (await m.woo.get('orders', { customer: known.id, per_page: 100 })).data as WooOrder[];
    expect(orders.map((o) => o.id)).toEqual([order.id]);
    expect(await stock(m, tea.id)).toBe(7);
    expect((await api(m, `/api/counter-sales/${sale.id}`)).body.sale.storeOrder).toMatchObject({ number: order.number });
  });

  it('without a WooCommerce store the sale is paid all the same, and the store step finishes with nothing to do', async () => {
    const post = async (path: string, body: unknown, apiKey?: string, method = 'POST') => (await fetch(`${settleUrl}${path}`, {
      method, headers: { 'Content-Type': 'application/json', ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) }, body: JSON.stringify(body),
    })).json();
    const { merchant, apiKey } = await post('/api/merchants', { name: 'Market Stall' });
    const account = await (await fetch(`${sandboxes.stripe.url}/_sandbox/accounts`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ country: 'US', default_currency: 'usd' }),
    })).json();
    await post('/api/connections/stripe', { secretKey: account.secret_key, publishableKey: account.publishable_key }, apiKey, 'PUT');
    const m = { merchantId: merchant.id, apiKey, stripeAccount: account } as ConnectedMerchant;
    const registered = await api(m, '/api/readers', {
      registrationCode: 'simulated-wpe', label: 'Till 1', address: { displayName: 'Stall', line1: '1 Main St', city: 'Springfield', postalCode: '62701', country: 'US' },
    });
    const started = await api(m, '/api/counter-sales', { readerId: registered.body.reader.id, currency: 'USD', amount: 500, description: 'Apples' });
    await stripeDashboard(sandboxes, m).testHelpers.terminal.readers.presentPaymentMethod(registered.body.reader.id, { type: 'card_present', card_present: { number: '4242424242424242' } });
    const services: Services = await openServices(loadConfig(stack.env), pino({ level: 'silent' }));
    try {
      const done = await eventually(
        async () => (await services.db.query<{ done_at: Date | null }>('SELECT done_at FROM outbox WHERE id = $1', [`store-sale:${started.body.sale.payment.id}`]))[0],
        (row) => Boolean(row?.done_at),
      );
      expect(done?.done_at).toBeTruthy();
    } finally {
      await services.close();
    }
    expect((await api(m, `/api/counter-sales/${started.body.sale.id}`)).body.sale).toMatchObject({ outcome: 'paid', storeOrder: null });
  });
});
