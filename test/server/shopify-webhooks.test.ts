/**
 * Shopify's webhooks at Settle: signed deliveries recorded once per event id and processed from the
 * 'shopify' queue's handler; forged or unknown-shop deliveries store nothing; orders/paid becomes the
 * order's reconciliation snapshot with its id intact; app/uninstalled deletes the shop's tokens and
 * shows the connection uninstalled; the privacy topics export or erase, looked for in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyShopifyWebhook } from '../../connectors/shopify/apply-webhook';
import { linkInstalledShop } from '../../core/shops/shops';
import { PostgresShopifySessions } from '../../connectors/shopify/sessions';
import { shopAccess } from '../../connectors/shopify/shop-access';
import { shopifyApp } from '../../connectors/shopify/app';
import { Session } from '@shopify/shopify-api';
import { startSettleInProcess } from '../support/in-process';
import { CLIENT_ID, CLIENT_SECRET, sessionToken, startFakeShopify, webhookHeaders, type FakeShopify } from './shopify-fake';

const SHOP = 'river-bikes.myshopify.com';
// Larger than 2^53: a JS number would turn it into …500.
const ORDER_ID = '820982911946154508';

describe('Shopify webhooks', () => {
  let shopify: FakeShopify;
  let settle: Awaited<ReturnType<typeof startSettleInProcess>>;
  let merchantId: string;

  beforeAll(async () => {
    shopify = await startFakeShopify();
    settle = await startSettleInProcess({ SHOPIFY_API_KEY: CLIENT_ID, SHOPIFY_API_SECRET: CLIENT_SECRET, SHOPIFY_SHOP_URL: `${shopify.url}/shops/{shop}` });
    const { db, box, config } = settle.services;
    await new PostgresShopifySessions(db, box).storeSession(new Session({
      id: shopifyApp(config)!.session.getOfflineId(SHOP), shop: SHOP, state: '', isOnline: false, accessToken: 'shpat_river_offline', scope: 'read_orders',
    }));
    merchantId = await linkInstalledShop(db, box, SHOP, 'read_orders');
  });
  afterAll(async () => {
    await settle?.close();
    await shopify?.close();
  });

  const q = <T>(sql: string, params: unknown[] = []) => settle.services.db.query<T>(sql, params);
  const deliver = (topic: string, body: string, eventId: string, options: { shop?: string; secret?: string; triggeredAt?: Date } = {}) =>
    fetch(`${settle.url}/webhooks/shopify`, { method: 'POST', headers: webhookHeaders(options.shop ?? SHOP, topic, body, eventId, options.secret, options.triggeredAt), body });
  const inboxIds = async (eventId: string) => (await q<{ id: number }>(`SELECT id FROM inbox WHERE platform = 'shopify' AND split_part(event_id, '/', 2) = $1`, [eventId])).map((r) => Number(r.id));
  /** What the worker does with the job the delivery queued. */
  const processDelivery = async (eventId: string) => applyShopifyWebhook(settle.services, (await inboxIds(eventId))[0]!);
  const textAnywhere = async (needle: string) => (await q<{ n: number }>(
    `SELECT (SELECT count(*) FROM inbox WHERE strpos(lower(payload::text), $1) > 0) + (SELECT count(*) FROM customers WHERE lower(email) = $1 OR lower(name) LIKE '%' || $1 || '%')
          + (SELECT count(*) FROM counter_sales WHERE strpos(lower(customer::text), $1) > 0)
          + (SELECT count(*) FROM shopify_data_requests WHERE strpos(lower(export::text), $1) > 0) AS n`, [needle.toLowerCase()],
  ))[0]!.n;

  const paidOrder = (email: string, extra = '') => `{"id":${ORDER_ID},"admin_graphql_api_id":"gid://shopify/Order/${ORDER_ID}","name":"#1001",` +
    `"email":"${email}","financial_status":"paid","cancelled_at":null,"currency":"JPY","total_price":"12500","refunds":[],` +
    `"customer":{"id":7001,"email":"${email}","first_name":"Jane","last_name":"Doe"},` +
    `"shipping_address":{"name":"Jane Doe","address1":"1 Canal Street","city":"Osaka","phone":"+81 6 0000 0000"}${extra}}`;

  it('refuses a delivery whose HMAC does not match (401) and stores nothing', async () => {
    const res = await deliver('orders/paid', paidOrder('jane@example.com'), 'evt-forged', { secret: 'not-the-app-secret' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    expect(await inboxIds('evt-forged')).toEqual([]);
  });

  it('refuses a delivery for a shop Settle is not installed in (404) and stores nothing', async () => {
    const res = await deliver('orders/paid', paidOrder('x@example.com'), 'evt-stranger', { shop: 'stranger.myshopify.com' });
    expect(res.status).toBe(404);
    expect(await inboxIds('evt-stranger')).toEqual([]);
  });

  it('keeps two topics of one event apart (the same event id on orders/paid and orders/updated)', async () => {
    const body = paidOrder('sam@example.com');
    expect(await (await deliver('orders/paid', body, 'evt-shared')).json()).toEqual({ received: true, duplicate: false });
    expect(await (await deliver('orders/updated', body, 'evt-shared')).json()).toEqual({ received: true, duplicate: false });
    expect(await inboxIds('evt-shared')).toHaveLength(2);
    for (const id of await inboxIds('evt-shared')) await applyShopifyWebhook(settle.services, id);
  });

  it("records orders/paid once per event id and keeps the order's snapshot, its gid exact", async () => {
    const body = paidOrder('jane@example.com');
    expect(await (await deliver('orders/paid', body, 'evt-paid-1')).json()).toEqual({ received: true, duplicate: false });
    expect(await (await deliver('orders/paid', body, 'evt-paid-1')).json()).toEqual({ received: true, duplicate: true });
    expect(await inboxIds('evt-paid-1')).toHaveLength(1);
    expect(await processDelivery('evt-paid-1')).toMatch(/order #1001 recorded \(paid\)/);
    expect(await processDelivery('evt-paid-1')).toBe('already processed');
    const snapshots = await q<{ order_id: string; order_number: string; paid: boolean; total: string; currency: string }>(
      `SELECT order_id, order_number, paid, total::text AS total, currency FROM store_order_snapshots WHERE merchant_id = $1 AND store_platform = 'shopify'`, [merchantId],
    );
    expect(snapshots).toEqual([{ order_id: `gid://shopify/Order/${ORDER_ID}`, order_number: '#1001', paid: true, total: '12500', currency: 'JPY' }]);
    // Processed: the stored payload keeps ids and amounts, not the shopper's address.
    expect(await textAnywhere('1 Canal Street')).toBe(0);
  });

  it('records an order payload it cannot read as processed, with the reason, instead of retrying it forever', async () => {
    await deliver('orders/updated', `{"id":5,"admin_graphql_api_id":5,"name":"#1002","currency":"JPY","total_price":"3000"}`, 'evt-unreadable');
    expect(await processDelivery('evt-unreadable')).toMatch(/payload not understood/);
    expect(await q(`SELECT processed_at IS NOT NULL AS done FROM inbox WHERE event_id = 'ORDERS_UPDATED/evt-unreadable'`)).toEqual([{ done: true }]);
    expect(await q(`SELECT order_id FROM store_order_snapshots WHERE order_number = '#1002'`)).toEqual([]);
  });

  it('turns refunds/create into an order the sweep re-reads first', async () => {
    const body = `{"id":890088186047892319,"order_id":${ORDER_ID},"admin_graphql_api_id":"gid://shopify/Refund/890088186047892319","transactions":[]}`;
    await deliver('refunds/create', body, 'evt-refund-1');
    expect(await processDelivery('evt-refund-1')).toContain(`gid://shopify/Order/${ORDER_ID}`);
    const [row] = await q<{ stale: boolean }>(`SELECT read_at = '-infinity' AS stale FROM store_order_snapshots WHERE order_id = $1`, [`gid://shopify/Order/${ORDER_ID}`]);
    expect(row!.stale).toBe(true);
  });

  describe('privacy', () => {
    beforeAll(async () => {
      await q(`INSERT INTO customers (id, merchant_id, processor_ref, email, name) VALUES ('cus_jane', $1, 'cus_stripe_jane', 'Jane@Example.com', 'Jane Doe'),
               ('cus_bob', $1, 'cus_stripe_bob', 'bob@example.com', 'Bob Stone')`, [merchantId]);
      await q(`INSERT INTO payments (id, merchant_id, store_platform, order_id, order_number, amount, currency, status, processor_ref, customer_id)
               VALUES ('pay_jane', $1, 'shopify', $2, '#1001', 12500, 'JPY', 'succeeded', 'pi_jane', 'cus_jane'),
                      ('pay_bob', $1, 'shopify', 'gid://shopify/Order/5', '#1002', 3000, 'JPY', 'succeeded', 'pi_bob', 'cus_bob')`,
      [merchantId, `gid://shopify/Order/${ORDER_ID}`]);
      await q(`INSERT INTO refunds (id, merchant_id, payment_id, amount, currency, origin, status) VALUES ('rf_jane', $1, 'pay_jane', 2500, 'JPY', 'settle', 'succeeded')`, [merchantId]);
      // She also bought at the counter, giving her email for the receipt.
      await q(`INSERT INTO terminal_readers (merchant_id, id, label, location_id) VALUES ($1, 'tmr_1', 'Till', 'tml_1')`, [merchantId]);
      await q(`INSERT INTO payments (id, merchant_id, store_platform, order_id, order_number, amount, currency, status, processor_ref, sales_channel)
               VALUES ('pay_counter', $1, 'counter', 'cs_1', 'C-1', 800, 'JPY', 'succeeded', 'pi_counter', 'in_person')`, [merchantId]);
      await q(`INSERT INTO counter_sales (id, merchant_id, reader_id, description, payment_id, customer)
               VALUES ('cs_1', $1, 'tmr_1', 'Bell', 'pay_counter', '{"email":"jane@example.com","name":"Jane Doe"}')`, [merchantId]);
      // A processed Stripe event that named her (receipt email): erased with the rest.
      await q(`INSERT INTO inbox (merchant_id, platform, event_id, event_type, payload, processed_at)
               VALUES ($1, 'stripe', 'evt_stripe_jane', 'charge.succeeded', '{"id":"evt_stripe_jane","type":"charge.succeeded","data":{"object":{"receipt_email":"jane@example.com"}}}', now())`, [merchantId]);
    });

    const privacyBody = (email: string, customerId: string, extra: string) =>
      `{"shop_id":954889,"shop_domain":"${SHOP}","customer":{"id":${customerId},"email":"${email}","phone":"555-625-1199"},${extra}}`;

    it("customers/data_request: an export of the customer's payments and refunds the merchant downloads", async () => {
      await deliver('customers/data_request', privacyBody('jane@example.com', '7001', `"orders_requested":[${ORDER_ID}],"data_request":{"id":9999}`), 'evt-dr-1');
      expect(await processDelivery('evt-dr-1')).toMatch(/export sdr_\S+ ready/);
      const headers = { Authorization: `Bearer ${sessionToken(SHOP)}` };
      const list = (await (await fetch(`${settle.url}/api/shopify/data-requests`, { headers })).json()) as { dataRequests: { id: string; requestRef: string }[] };
      expect(list.dataRequests.map((d) => d.requestRef)).toEqual(['9999']);
      const res = await fetch(`${settle.url}/api/shopify/data-requests/${list.dataRequests[0]!.id}`, { headers });
      expect(res.headers.get('content-disposition')).toContain('settle-customer-data-9999.json');
      const data = (await res.json()) as { email: string; customers: { name: string }[]; payments: { id: string }[]; refunds: { id: string }[]; counterSales: { id: string }[] };
      expect(data.email).toBe('jane@example.com');
      expect(data.customers.map((c) => c.name)).toEqual(['Jane Doe']);
      expect(data.payments.map((p) => p.id)).toEqual(['pay_jane']);
      expect(data.refunds.map((r) => r.id)).toEqual(['rf_jane']);
      expect(data.counterSales.map((s) => s.id)).toEqual(['cs_1']);
    });

    it('customers/redact: her name and email are gone from every table; the amounts stay for the books', async () => {
      expect(await textAnywhere('jane@example.com')).toBeGreaterThan(0);
      await deliver('customers/redact', privacyBody('jane@example.com', '7001', `"orders_to_redact":[${ORDER_ID}]`), 'evt-redact-1');
      expect(await processDelivery('evt-redact-1')).toMatch(/record\(s\) erased/);
      expect(await textAnywhere('jane@example.com')).toBe(0);
      expect(await textAnywhere('jane doe')).toBe(0);
      expect(await q(`SELECT email, name FROM customers WHERE id = 'cus_jane'`)).toEqual([{ email: null, name: null }]);
      expect(await q(`SELECT amount::int AS amount FROM payments WHERE id = 'pay_jane'`)).toEqual([{ amount: 12500 }]);
      expect(await q(`SELECT description, customer FROM counter_sales WHERE id = 'cs_1'`)).toEqual([{ description: 'Bell', customer: null }]);
      // Bob is not part of her request.
      expect(await q(`SELECT email FROM customers WHERE id = 'cus_bob'`)).toEqual([{ email: 'bob@example.com' }]);
    });

    it('a late retry of an uninstall from before the current installation changes nothing', async () => {
      const anHourAgo = new Date(Date.now() - 3600_000);
      await deliver('app/uninstalled', `{"id":548380009,"name":"River Bikes"}`, 'evt-old-uninstall', { triggeredAt: anHourAgo });
      expect(await processDelivery('evt-old-uninstall')).toMatch(/ignored/);
      expect(await q(`SELECT count(*)::int AS n FROM shopify_sessions WHERE shop = $1`, [SHOP])).toEqual([{ n: 1 }]);
      expect((await settle.services.connections.list(merchantId)).find((c) => c.platform === 'shopify')?.status).toBe('active');
      expect((await shopAccess(settle.services, merchantId)).session.accessToken).toBe('shpat_river_offline');
    });

    it('app/uninstalled: the tokens are deleted and the connection shows uninstalled; the admin is refused', async () => {
      shopify.uninstalled.add(SHOP);
      await deliver('app/uninstalled', `{"id":548380009,"name":"River Bikes","email":"owner@river.example","shop_owner":"Rita River"}`, 'evt-uninstall-1');
      expect(await processDelivery('evt-uninstall-1')).toMatch(/uninstalled, 1 token\(s\) deleted/);
      expect(await q(`SELECT id FROM shopify_sessions WHERE shop = $1`, [SHOP])).toEqual([]);
      // Calls Settle would make to the shop (orders, stock, payment sessions) are refused from now on.
      await expect(shopAccess(settle.services, merchantId)).rejects.toMatchObject({ code: 'shopify_uninstalled' });
      const connections = await settle.services.connections.list(merchantId);
      expect(connections.find((c) => c.platform === 'shopify')?.status).toBe('uninstalled');
      const res = await fetch(`${settle.url}/api/connections`, { headers: { Authorization: `Bearer ${sessionToken(SHOP)}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('shopify_access_refused');
      expect(await textAnywhere('Rita River')).toBe(0);
    });

    it("shop/redact (48 h after uninstalling): every customer's personal data is erased; payments keep their amounts", async () => {
      expect(await textAnywhere('bob@example.com')).toBeGreaterThan(0);
      await deliver('shop/redact', `{"shop_id":954889,"shop_domain":"${SHOP}"}`, 'evt-shop-redact-1');
      expect(await processDelivery('evt-shop-redact-1')).toMatch(/record\(s\) erased/);
      expect(await textAnywhere('bob@example.com')).toBe(0);
      expect(await q(`SELECT count(*)::int AS n FROM customers WHERE merchant_id = $1 AND (email IS NOT NULL OR name IS NOT NULL)`, [merchantId])).toEqual([{ n: 0 }]);
      expect(await q(`SELECT count(*)::int AS n FROM shopify_data_requests WHERE merchant_id = $1`, [merchantId])).toEqual([{ n: 0 }]);
      expect(await q(`SELECT sum(amount)::int AS total FROM payments WHERE merchant_id = $1`, [merchantId])).toEqual([{ total: 16300 }]);
    });

    it('installed again, the shop finds the merchant it had, with its payments', async () => {
      shopify.uninstalled.delete(SHOP);
      const res = await fetch(`${settle.url}/api/payments`, { headers: { Authorization: `Bearer ${sessionToken(SHOP)}` } });
      expect(res.status).toBe(200);
      const { payments } = (await res.json()) as { payments: { id: string }[] };
      expect(payments.map((p) => p.id).sort()).toEqual(['pay_bob', 'pay_counter', 'pay_jane']);
      expect(await q(`SELECT merchant_id, settings->>'status' AS status FROM connections WHERE platform = 'shopify' AND settings->>'shop' = $1`, [SHOP]))
        .toEqual([{ merchant_id: merchantId, status: 'active' }]);
      expect(await q(`SELECT count(*)::int AS n FROM shopify_sessions WHERE shop = $1`, [SHOP])).toEqual([{ n: 1 }]);
    });
  });
});
