/**
 * Connecting a WooCommerce store that already holds 260 orders, end to end (server, worker, sandbox):
 * the worker imports the orders modified in the last 30 days, three pages of 100, the run reaches
 * done with the store's counts, and every order's snapshot is there once. Rotating the connection
 * secret makes the plugin's old secret refused and the new one accepted.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WooCommerceRestApi } from '../../connectors/woocommerce/client';
import { openDatabase } from '../../connectors/database/open';
import type { Database } from '../../core/storage/database';
import { TEST_DATABASE_URL } from '../support/databases';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { placeOrder, signUpAndConnect, type ConnectedMerchant } from '../support/journey';

interface ImportView { id: string; status: string; reason: string; error: string | null; progress: { ordersDone: number; ordersTotal: number | null; pagesDone: number; pagesTotal: number | null; percent: number } }
interface ConnectionView { store: { siteUrl: string; connectedAt: string; storeId: string }; latestImport: ImportView | null; webhooks: { topics: { topic: string; status: string }[] } }

const ORDERS = 260;

describe('WooCommerce: a store\'s recent orders imported on connect', { timeout: 180_000 }, () => {
  let stack: SettleStack;
  let merchant: ConnectedMerchant;
  let db: Database;
  const get = async <T>(path: string) => {
    const r = await fetch(`${stack.settleUrl}${path}`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } });
    expect(r.status).toBe(200);
    return (await r.json()) as T;
  };
  const latestImport = async () => (await get<ConnectionView>('/api/woocommerce/connection')).latestImport;

  beforeAll(async () => {
    stack = await startSettleStack();
    // The store had orders before Settle: every fifth one paid there (cash, another gateway).
    const keys = stack.sandboxes.woo.createApiKeys();
    const store = new WooCommerceRestApi({ url: stack.sandboxes.woo.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret, version: 'wc/v3' });
    const product = stack.sandboxes.woo.createProduct({ name: 'Candle', regular_price: '9.00' }) as { id: number };
    for (let i = 0; i < ORDERS; i++) {
      const order = await placeOrder(store, { productId: product.id, quantity: 1 });
      if (i % 5 === 0) await store.put(`orders/${order.id}`, { set_paid: true, transaction_id: `cash-${i}` });
    }
    merchant = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Candle Corner');
    db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema: stack.env.DATABASE_SCHEMA! });
  }, 180_000);

  afterAll(async () => {
    await db?.close();
    await stack?.stop();
  });

  it('imports every order once, in three pages, and the run says so', async () => {
    const done = await eventually(latestImport, (run) => run?.status === 'done' || run?.status === 'failed', 60_000);
    expect(done).toMatchObject({ status: 'done', reason: 'connected', error: null, progress: { ordersDone: ORDERS, ordersTotal: ORDERS, pagesDone: 3, pagesTotal: 3, percent: 100 } });

    const snapshots = await db.query<{ paid: boolean; total: number; currency: string }>(
      `SELECT paid, total, currency FROM store_order_snapshots WHERE merchant_id = $1 AND store_platform = 'woocommerce'`, [merchant.merchantId]);
    expect(snapshots).toHaveLength(ORDERS);
    expect(snapshots.filter((s) => s.paid)).toHaveLength(ORDERS / 5);
    expect(snapshots.every((s) => s.total === 900 && s.currency === 'USD')).toBe(true);
  });

  it('importing again (the merchant asks) records no order twice', async () => {
    const r = await fetch(`${stack.settleUrl}/api/woocommerce/imports`, { method: 'POST', headers: { Authorization: `Bearer ${merchant.apiKey}` } });
    expect(r.status).toBe(202);
    const { import: started } = (await r.json()) as { import: ImportView };
    const done = await eventually(latestImport, (run) => run?.id === started.id && (run.status === 'done' || run.status === 'failed'), 60_000);
    expect(done).toMatchObject({ status: 'done', reason: 'requested', progress: { ordersDone: ORDERS, ordersTotal: ORDERS } });
    const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM store_order_snapshots WHERE merchant_id = $1`, [merchant.merchantId]);
    expect(count!.n).toBe(ORDERS);
  });

  it('after rotating the connection secret, the old one is refused and the new one signs the plugin in', async () => {
    const auth = { Authorization: `Bearer ${merchant.apiKey}` };
    const old = ((await (await fetch(`${stack.settleUrl}/api/connections/woocommerce/connection-secret`, { headers: auth })).json()) as { connectionSecret: string }).connectionSecret;
    const rotated = await fetch(`${stack.settleUrl}/api/woocommerce/connection-secret/rotate`, { method: 'POST', headers: auth });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    const { connectionSecret } = (await rotated.json()) as { connectionSecret: string };
    expect(connectionSecret).toMatch(/^sss_[0-9a-f]{64}$/);
    expect(connectionSecret).not.toBe(old);

    const sso = (secret: string) => {
      const t = String(Math.floor(Date.now() / 1000));
      const sig = createHmac('sha256', secret).update(`sso.${merchant.merchantId}.${t}`).digest('hex');
      return fetch(`${stack.settleUrl}/admin/sso?${new URLSearchParams({ store: merchant.merchantId, t, sig })}`, { redirect: 'manual' });
    };
    expect((await sso(old)).status).toBe(401);
    expect((await sso(connectionSecret)).status).toBe(303);
    // At rest the secret is sealed: neither the new secret nor the old one is in the database's text.
    const [row] = await db.query<{ secrets: string }>(`SELECT secrets FROM connections WHERE merchant_id = $1 AND platform = 'woocommerce'`, [merchant.merchantId]);
    expect(row!.secrets).not.toContain(connectionSecret.slice(4));
  });
});
