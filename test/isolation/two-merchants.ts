/**
 * Two merchants on one Settle, each with every platform connected and one of everything a merchant
 * owns (a payment with a refund, a payout, a dispute, a customer, a reconciliation exception, a
 * books flag, a payment link, a report run, a Shopify payment session and data request). The
 * isolation and fuzz suites attack one from the other, and check that nothing changed with
 * `snapshot()`: every table's row count and a hash of its rows, and the queue's jobs in Redis.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Session } from '@shopify/shopify-api';
import { Redis } from 'ioredis';
import { createMerchant } from '../../core/merchants/merchants';
import { newConnectionSecret } from '../../core/merchants/store-signatures';
import { newId } from '../../core/ids';
import { PostgresShopifySessions } from '../../connectors/shopify/sessions';
import { shopifyApp } from '../../connectors/shopify/app';
import { startSettleInProcess } from '../support/in-process';
import { CLIENT_ID, CLIENT_SECRET, startFakeShopify, type FakeShopify } from '../server/shopify-fake';

export const CONNECT_WEBHOOK_SECRET = 'whsec_platform_connect_endpoint';
export const INTUIT_VERIFIER_TOKEN = 'intuit-verifier-token-for-tests';

export interface MerchantFixture {
  id: string;
  apiKey: string;
  shop: string;
  siteUrl: string;
  realmId: string;
  stripeAccount: string;
  stripeWebhookSecret: string;
  wooWebhookSecret: string;
  connectionSecret: string;
  /** What the merchant owns, by the id its API takes. */
  paymentId: string;
  refundId: string;
  payoutId: string;
  customerId: string;
  exceptionId: number;
  linkId: string;
  reportRunId: string;
  dataRequestId: string;
  shopifySessionId: string;
}

export interface TwoMerchants {
  settle: Awaited<ReturnType<typeof startSettleInProcess>>;
  shopify: FakeShopify;
  a: MerchantFixture;
  b: MerchantFixture;
  snapshot(): Promise<Snapshot>;
  close(): Promise<void>;
}

export type Snapshot = Record<string, string>;

export async function startTwoMerchants(env: Record<string, string> = {}): Promise<TwoMerchants> {
  const shopify = await startFakeShopify();
  const settle = await startSettleInProcess({
    SHOPIFY_API_KEY: CLIENT_ID, SHOPIFY_API_SECRET: CLIENT_SECRET, SHOPIFY_SHOP_URL: `${shopify.url}/shops/{shop}`,
    STRIPE_CONNECT_WEBHOOK_SECRET: CONNECT_WEBHOOK_SECRET, QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN: INTUIT_VERIFIER_TOKEN,
    // Nothing here may reach a platform: a refused request never gets that far.
    STRIPE_API_BASE: 'http://127.0.0.1:9', ...env,
  });
  const a = await seedMerchant(settle.services, 'Alder Books', 'alder-books');
  const b = await seedMerchant(settle.services, 'Birch Bikes', 'birch-bikes');
  const redis = new Redis(settle.services.config.REDIS_URL, { maxRetriesPerRequest: 1 });
  const tables = (await settle.services.db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
  )).map((t) => t.name)
    // The alerting's own count of refused deliveries (a log of the attempt, like a metric), not merchant data:
    // a refused webhook is counted there so the merchant can be told webhooks are failing (see core/alerts).
    .filter((t) => t !== 'webhook_refusals');
  // One statement for every table: its row count and an md5 of its rows in a stable order.
  const sql = `SELECT ${tables.map((t) => `(SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM "${t}" x) AS "${t}"`).join(', ')}`;
  const prefix = settle.services.config.QUEUE_PREFIX;
  return {
    settle, shopify, a, b,
    async snapshot() {
      const [row] = await settle.services.db.query<Snapshot>(sql);
      return { ...row!, redis: await queueDigest(redis, prefix) };
    },
    async close() {
      redis.disconnect();
      await settle.close();
      await shopify.close();
    },
  };
}

/**
 * Every queue's jobs and their data, under this Settle's prefix. Not its contents: BullMQ's `events`
 * stream, a log of what was asked of the queue, and its `id` counter, which every add moves on,
 * even one whose job id makes it the job already queued (a redelivered webhook's).
 */
async function queueDigest(redis: Redis, prefix: string): Promise<string> {
  const keys = (await redis.keys(`${prefix}:*`)).filter((k) => !k.endsWith(':events') && !k.endsWith(':id')).sort();
  const hash = createHash('sha256');
  for (const key of keys) {
    const type = await redis.type(key);
    const value = type === 'hash' ? await redis.hgetall(key)
      : type === 'list' ? await redis.lrange(key, 0, -1)
        : type === 'zset' ? await redis.zrange(key, '0', '-1', 'WITHSCORES')
          : type === 'set' ? (await redis.smembers(key)).sort()
            : type === 'string' ? await redis.get(key) : type;
    hash.update(`${key}=${JSON.stringify(value)}\n`);
  }
  return `${keys.length}:${hash.digest('hex')}`;
}

type Services = Awaited<ReturnType<typeof startSettleInProcess>>['services'];

async function seedMerchant(services: Services, name: string, handle: string): Promise<MerchantFixture> {
  const { db, box, connections, config } = services;
  const { merchant, apiKey } = await createMerchant(db, name);
  const id = merchant.id;
  const shop = `${handle}.myshopify.com`;
  const siteUrl = `https://${handle}.example/`;
  const realmId = String(4_620_816_365_000_000 + Math.floor(Math.random() * 1_000_000));
  const stripeAccount = `acct_${randomBytes(8).toString('hex')}`;
  const stripeWebhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const wooWebhookSecret = randomBytes(16).toString('hex');
  const connectionSecret = newConnectionSecret();

  await connections.save({
    merchantId: id, platform: 'stripe', settings: { publishableKey: 'pk_test_isolation', webhookEndpointId: `we_${handle}`, accountId: stripeAccount },
    secrets: { secretKey: `sk_test_${handle}_secret`, webhookSecret: stripeWebhookSecret },
  });
  await connections.save({
    merchantId: id, platform: 'woocommerce', settings: { siteUrl, requireSignedRequests: false, connectedAt: new Date().toISOString() },
    secrets: { consumerKey: `ck_${handle.replace('-', '')}`, consumerSecret: `cs_${handle.replace('-', '')}`, connectionSecret, webhookSecret: wooWebhookSecret },
  });
  await connections.save({
    merchantId: id, platform: 'quickbooks', settings: { realmId, status: 'active' },
    secrets: { clientId: 'qb-client', clientSecret: 'qb-client-secret', accessToken: `qb-access-${handle}`, refreshToken: `qb-refresh-${handle}`, accessTokenExpiresAt: Date.now() + 3_600_000 },
  });
  // The shop installed the app: its offline token, and the shop linked to this merchant.
  await new PostgresShopifySessions(db, box).storeSession(new Session({
    id: shopifyApp(config)!.session.getOfflineId(shop), shop, state: '', isOnline: false, accessToken: `shpat_${handle}`, scope: 'read_orders',
  }));
  await connections.save({
    merchantId: id, platform: 'shopify', settings: { accountId: shop, shop, status: 'active', scopes: 'read_orders', installedAt: new Date().toISOString() }, secrets: {},
  });

  const paymentId = newId('pay');
  await db.query(
    `INSERT INTO payments (id, merchant_id, store_platform, order_id, order_number, amount, currency, status, processor_ref, order_status, capture_method)
     VALUES ($1, $2, 'woocommerce', '501', '501', 4200, 'USD', 'succeeded', $3, 'paid', 'manual')`,
    [paymentId, id, `pi_${handle}`],
  );
  const refundId = newId('rf');
  await db.query(`INSERT INTO refunds (id, merchant_id, payment_id, amount, currency, origin, status, processor_ref) VALUES ($1, $2, $3, 1000, 'USD', 'settle', 'succeeded', $4)`, [refundId, id, paymentId, `re_${handle}`]);
  const payoutId = `po_${handle.replace('-', '_')}`;
  await db.query(`INSERT INTO payouts (merchant_id, processor_ref, amount, currency, status, arrival_date) VALUES ($1, $2, 3200, 'USD', 'paid', '2026-11-02')`, [id, payoutId]);
  await db.query(`INSERT INTO disputes (merchant_id, processor_ref, payment_id, amount, currency, reason, status) VALUES ($1, $2, $3, 4200, 'USD', 'fraudulent', 'needs_response')`, [id, `dp_${handle}`, paymentId]);
  const customerId = newId('cus');
  await db.query(`INSERT INTO customers (id, merchant_id, processor_ref, email, name) VALUES ($1, $2, $3, $4, 'Pat Customer')`, [customerId, id, `cus_${handle}`, `pat@${handle}.example`]);
  const [exception] = await db.query<{ id: number }>(
    `INSERT INTO reconciliation_exceptions (merchant_id, kind, subject, payment_id, order_number, details, explanation)
     VALUES ($1, 'paid_order_not_updated', $2, $3, '501', '{}', 'The store shows the order unpaid.') RETURNING id`,
    [id, `payment:${paymentId}`, paymentId],
  );
  const linkId = newId('pl');
  await db.query(`INSERT INTO payment_links (id, merchant_id, description, currency, custom_amount) VALUES ($1, $2, 'Gift card', 'USD', 2500)`, [linkId, id]);
  const reportRunId = newId('rr');
  await db.query(`INSERT INTO report_runs (id, merchant_id, report, from_day, to_day, status, steps_total) VALUES ($1, $2, 'daily_summary', '2026-01-01', '2026-06-30', 'queued', 6)`, [reportRunId, id]);
  const dataRequestId = newId('sdr');
  await db.query(`INSERT INTO shopify_data_requests (id, merchant_id, shop, request_ref, customer_email, export) VALUES ($1, $2, $3, '9001', 'pat@example.com', '{"payments":[]}')`, [dataRequestId, id, shop]);
  const shopifySessionId = `ps_${handle}`;
  await db.query(
    `INSERT INTO shopify_payment_sessions (shop, kind, session_id, gid, merchant_id, payment_id, amount, currency, test, request_hash)
     VALUES ($1, 'payment', $2, $3, $4, $5, 4200, 'USD', true, 'seeded')`,
    [shop, shopifySessionId, `gid://shopify/PaymentSession/${shopifySessionId}`, id, paymentId],
  );
  return {
    id, apiKey, shop, siteUrl, realmId, stripeAccount, stripeWebhookSecret, wooWebhookSecret, connectionSecret,
    paymentId, refundId, payoutId, customerId, exceptionId: Number(exception!.id), linkId, reportRunId, dataRequestId, shopifySessionId,
  };
}
