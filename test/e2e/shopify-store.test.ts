/**
 * A Shopify shop as the merchant's store, end to end over HTTP: Settle's server and worker on
 * PostgreSQL with the Stripe and Shopify sandboxes (the app registered from shopify.app.toml). The
 * shop installs Settle through OAuth; nothing takes payments until the plan is accepted; a counter
 * sale and a payment link for a variant become paid Shopify orders with stock down (once, even when
 * the job runs twice); a refund through Settle shows on the Shopify order once; uninstalling revokes
 * the token; the privacy webhooks export and erase the shop's data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { payAsShopper, stripeDashboard } from '../support/journey';
import { installShop, SHOPIFY_CLIENT, withShopify, type ShopifyWorld } from '../support/shopify';
import { loadConfig } from '../../web/server/config';
import { openServices, type Services } from '../../web/server/services';
import { recordSaleInStore } from '../../core/stores/record-sale';
import { syncStoreRefund } from '../../core/stores/sync-refund';
import { shopAccess } from '../../connectors/shopify/shop-access';

const world: ShopifyWorld = { shop: 'lamp-corner.myshopify.com', variants: {} };
const PRODUCTS = [
  { title: 'Brass desk lamp', sku: 'LC-DESK', price: '40.00', available: 6 },
  { title: 'Linen shade', sku: 'LC-SHADE', price: '12.50', available: 4 },
];

interface ShopifyOrderView {
  name: string; displayFinancialStatus: string; tags: string[];
  lineItems: { nodes: { sku: string | null; quantity: number; variant: { id: string } | null }[] };
  refunds: { note: string | null; totalRefundedSet: { shopMoney: { amount: string } } }[];
}

describe('a Shopify shop as the merchant’s store', { timeout: 180_000 }, () => {
  let stack: SettleStack;
  let services: Services;
  let merchantId: string;

  beforeAll(async () => {
    stack = await startSettleStack({ env: withShopify(world, PRODUCTS) });
    services = await openServices(loadConfig(stack.env), pino({ level: 'silent' }));
  }, 180_000);
  afterAll(async () => {
    await services?.close();
    await stack?.stop();
    await world.sandbox?.close();
  });

  const sandbox = () => world.sandbox!;
  /** The embedded admin's calls: App Bridge's session token for the shop's staff. */
  const admin = async (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
    const res = await fetch(`${stack.settleUrl}${path}`, {
      method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sandbox().sessionToken(world.shop, SHOPIFY_CLIENT.clientId)}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  const available = (sku: string) => sandbox().stock(world.shop, world.variants[sku]!).available;
  /** The order as Shopify admin shows it, read with the shop's token. */
  async function shopifyOrder(id: string): Promise<ShopifyOrderView> {
    const { session } = await shopAccess(services, merchantId);
    const res = await fetch(`${sandbox().url}/shops/${world.shop}/admin/api/2026-07/graphql.json`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': session.accessToken! },
      body: JSON.stringify({
        query: `query($id: ID!) { order(id: $id) { name displayFinancialStatus tags
          lineItems(first: 10) { nodes { sku quantity variant { id } } }
          refunds(first: 10) { note totalRefundedSet { shopMoney { amount } } } } }`,
        variables: { id },
      }),
    });
    const body = (await res.json()) as { data?: { order: ShopifyOrderView }; errors?: unknown };
    if (!body.data?.order) throw new Error(`order ${id}: ${JSON.stringify(body.errors)}`);
    return body.data.order;
  }

  it('installs through OAuth: the shop becomes a merchant, its offline token stored sealed', async () => {
    const callback = await installShop(stack.settleUrl, world.shop);
    expect(callback.status).toBe(302);
    const rows = await services.db.query<{ merchant_id: string }>(`SELECT merchant_id FROM connections WHERE platform = 'shopify' AND settings->>'shop' = $1`, [world.shop]);
    merchantId = rows[0]!.merchant_id;
    const { session } = await shopAccess(services, merchantId);
    expect(session.accessToken).toMatch(/^shpat_/);
    const sealed = await services.db.query<{ sealed: string }>('SELECT sealed FROM shopify_sessions WHERE shop = $1', [world.shop]);
    expect(sealed.length).toBeGreaterThan(0);
    for (const row of sealed) expect(row.sealed).not.toContain(session.accessToken!);
    expect((await admin('/api/connections')).body.connections).toContainEqual(expect.objectContaining({ platform: 'shopify', status: 'active' }));
  });

  it('takes no payments until the plan is accepted (402 plan_not_accepted), then does', async () => {
    const account = stack.sandboxes.stripe.createAccount({ country: 'US', default_currency: 'usd' });
    expect((await admin('/api/connections/stripe', { secretKey: account.secret_key, publishableKey: account.publishable_key }, 'PUT')).status).toBe(200);
    const link = { currency: 'USD', products: [{ productId: world.variants['LC-SHADE'], quantity: 1 }] };
    expect(await admin('/api/payment-links', link)).toMatchObject({ status: 402, body: { error: { code: 'plan_not_accepted' } } });

    const asked = await admin('/api/shopify/plan', {});
    expect(asked).toMatchObject({ status: 200, body: { plan: { status: 'pending', test: true } } });
    // The merchant approves on Shopify's page; Shopify's app_subscriptions/update reaches the worker.
    const approved = await fetch(asked.body.plan.confirmationUrl, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ decision: 'approve' }) });
    expect(approved.status).toBe(302);
    const recorded = await eventually(
      async () => (await services.db.query<{ status: string }>(`SELECT i.processed_at IS NOT NULL AS done, p.status FROM inbox i, shopify_plan_subscriptions p
          WHERE i.platform = 'shopify' AND i.event_type = 'APP_SUBSCRIPTIONS_UPDATE' AND p.shop = $1`, [world.shop]))[0],
      (row) => Boolean(row && (row as { done?: boolean }).done),
    );
    expect(recorded?.status).toBe('active');
    expect((await admin('/api/payment-links', link)).status).toBe(201);
  });

  it('a counter sale becomes a paid Shopify order with its lines and stock down, once even when the job runs twice', async () => {
    const reader = await admin('/api/readers', {
      registrationCode: 'simulated-wpe', label: 'Till 1', address: { displayName: 'Lamp Corner', line1: '1 Main St', city: 'Springfield', postalCode: '62701', country: 'US', state: 'IL' },
    });
    expect(reader.status).toBe(201);
    const started = await admin('/api/counter-sales', {
      readerId: reader.body.reader.id, currency: 'USD', amount: 9250, description: 'Two lamps and a shade', customer: { email: 'grace@example.com', name: 'Grace Hopper' },
      lines: [{ name: 'LC-DESK', quantity: 2, amount: 8000 }, { name: 'LC-SHADE', quantity: 1, amount: 1250 }],
    });
    expect(started.status).toBe(201);
    const account = (await services.connections.find<{ publishableKey: string }, { secretKey: string }>(merchantId, 'stripe'))!;
    await stripeDashboard(stack.sandboxes, { stripeAccount: { secret_key: account.secrets.secretKey } } as never)
      .testHelpers.terminal.readers.presentPaymentMethod(reader.body.reader.id, { type: 'card_present', card_present: { number: '4242424242424242' } });
    const sale = await eventually(async () => (await admin(`/api/counter-sales/${started.body.sale.id}`)).body.sale, (s) => s?.storeOrder !== null);
    expect(sale).toMatchObject({ outcome: 'paid', storeOrder: { platform: 'shopify', id: expect.stringMatching(/^gid:\/\/shopify\/Order\/\d+$/) } });

    const order = await shopifyOrder(sale.storeOrder.id);
    expect(order.name).toBe(sale.storeOrder.number);
    expect(order.displayFinancialStatus).toBe('PAID');
    expect(order.lineItems.nodes.map((l) => [l.variant?.id, l.quantity])).toEqual([[world.variants['LC-DESK'], 2], [world.variants['LC-SHADE'], 1]]);
    expect(available('LC-DESK')).toBe(4);
    expect(available('LC-SHADE')).toBe(3);

    // The worker crashed after Shopify made the order, before Settle noted it: the job runs again.
    const outboxId = `store-sale:${sale.payment.id}`;
    await services.db.query('UPDATE outbox SET done_at = NULL WHERE id = $1', [outboxId]);
    await services.db.query('UPDATE counter_sales SET store_order_id = NULL, store_order_number = NULL WHERE id = $1', [sale.id]);
    expect(await recordSaleInStore(services, outboxId)).toContain(`recorded as order ${order.name}`);
    expect(await recordSaleInStore(services, outboxId)).toBe('already done');
    expect(available('LC-DESK')).toBe(4);
    expect(available('LC-SHADE')).toBe(3);
  });

  it('a payment link for a Shopify variant, paid: a Shopify order, stock down; its refund through Settle shows on the order once', async () => {
    const created = await admin('/api/payment-links', { currency: 'USD', products: [{ productId: world.variants['LC-DESK'], quantity: 1 }] });
    expect(created).toMatchObject({ status: 201, body: { paymentLink: { description: 'Brass desk lamp' } } });
    const linkId = created.body.paymentLink.id as string;
    const opened = await fetch(`${stack.settleUrl}/api/pay/link/${linkId}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.org' }) });
    const { paymentId } = (await opened.json()) as { paymentId: string };
    expect(await payAsShopper(stack.settleUrl, paymentId)).toBe('succeeded');
    const view = await eventually(async () => (await admin(`/api/payment-links/${linkId}`)).body,
      (b) => b.sales?.some((s: { storeOrder: unknown }) => s.storeOrder !== null));
    const sale = view.sales[0];
    expect(sale.storeOrder.platform).toBe('shopify');
    const order = await shopifyOrder(sale.storeOrder.id);
    expect(order.displayFinancialStatus).toBe('PAID');
    expect(order.lineItems.nodes.map((l) => [l.variant?.id, l.quantity])).toEqual([[world.variants['LC-DESK'], 1]]);
    expect(available('LC-DESK')).toBe(3);

    const refund = await admin(`/api/payments/${paymentId}/refunds`, { reason: 'Arrived dented' });
    expect([201, 202]).toContain(refund.status);
    const refunded = await eventually(() => shopifyOrder(sale.storeOrder.id), (o) => o.refunds.length > 0);
    expect(refunded.refunds.map((r) => r.totalRefundedSet.shopMoney.amount)).toEqual(['40.0']);
    // The refund's store step again (the worker crashed before noting it done): still one refund on the order.
    const [step] = await services.db.query<{ id: string }>(`SELECT id FROM outbox WHERE topic = 'store.sync_refund' AND merchant_id = $1`, [merchantId]);
    await services.db.query('UPDATE outbox SET done_at = NULL WHERE id = $1', [step!.id]);
    expect(await syncStoreRefund(services, step!.id)).toContain('shown on');
    expect((await shopifyOrder(sale.storeOrder.id)).refunds).toHaveLength(1);
  });

  it('the privacy webhooks from Shopify: a customer’s data exported, then erased', async () => {
    const customer = sandbox().createCustomer(world.shop, { email: 'ada@example.org', firstName: 'Ada' });
    sandbox().customersDataRequest(world.shop, customer.id);
    const exported = await eventually(
      async () => services.db.query<{ customer_email: string }>('SELECT customer_email FROM shopify_data_requests WHERE merchant_id = $1', [merchantId]),
      (rows) => rows.length > 0,
    );
    expect(exported.map((r) => r.customer_email)).toEqual(['ada@example.org']);
    sandbox().customersRedact(world.shop, customer.id);
    await eventually(async () => (await services.db.query(`SELECT 1 FROM inbox WHERE merchant_id = $1 AND event_type = 'CUSTOMERS_REDACT' AND processed_at IS NOT NULL`, [merchantId])).length, (n) => n > 0);
    expect(await services.db.query('SELECT 1 FROM shopify_data_requests WHERE merchant_id = $1', [merchantId])).toEqual([]);
  });

  it('uninstall: the old token is refused by Shopify, Settle shows the shop uninstalled and forgets its tokens; shop/redact then erases', async () => {
    const { session } = await shopAccess(services, merchantId);
    sandbox().uninstall(world.shop, SHOPIFY_CLIENT.clientId);
    const gone = await fetch(`${sandbox().url}/shops/${world.shop}/admin/api/2026-07/graphql.json`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': session.accessToken! }, body: JSON.stringify({ query: '{ shop { name } }' }),
    });
    expect(gone.status).toBe(401);
    await eventually(async () => (await services.connections.list(merchantId)).find((c) => c.platform === 'shopify')?.status, (s) => s === 'uninstalled');
    expect(await services.db.query('SELECT 1 FROM shopify_sessions WHERE shop = $1', [world.shop])).toEqual([]);
    await expect(shopAccess(services, merchantId)).rejects.toMatchObject({ code: 'shopify_uninstalled' });

    const withShopper = `SELECT 1 FROM counter_sales WHERE merchant_id = $1 AND customer IS NOT NULL`;
    expect(await services.db.query(withShopper, [merchantId])).toHaveLength(1);
    sandbox().shopRedact(world.shop);
    await eventually(async () => (await services.db.query(`SELECT 1 FROM inbox WHERE merchant_id = $1 AND event_type = 'SHOP_REDACT' AND processed_at IS NOT NULL`, [merchantId])).length, (n) => n > 0);
    expect(await services.db.query(withShopper, [merchantId])).toEqual([]);
  });
});
