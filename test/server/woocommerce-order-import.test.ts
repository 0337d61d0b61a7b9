/**
 * Importing a connected WooCommerce store's recent orders, with Settle's HTTP app in-process and
 * the worker's step called by the test (so a queued import stays queued, and a job can be delivered
 * twice on purpose): a store that fails is recorded in words and imported again once it answers;
 * a second start while one is queued is a 409; another merchant cannot see the store or start one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WooCommerceRestApi } from '../../connectors/woocommerce/client';
import { runWooOrderImport } from '../../web/server/woo-order-import';
import { startSettleInProcess } from '../support/in-process';
import { startWooSandbox, type WooSandbox } from '../sandbox/woocommerce';
import { placeOrder } from '../support/journey';

type Settle = Awaited<ReturnType<typeof startSettleInProcess>>;
interface ImportView { id: string; status: string; error: string | null; progress: { ordersDone: number; ordersTotal: number | null; pagesDone: number; pagesTotal: number | null } }
interface ConnectionView { store: { siteUrl: string; connectedAt: string }; latestImport: ImportView | null; webhooks: { error: string | null; topics: { topic: string; status: string }[] } }

describe('WooCommerce: recent orders imported on connect', { timeout: 120_000 }, () => {
  let settle: Settle;
  let woo: WooSandbox;
  let store: WooCommerceRestApi;
  let apiKey: string;
  let merchantId: string;

  const call = async <T>(path: string, init: { method?: string; body?: unknown; key?: string } = {}) => {
    const res = await fetch(`${settle.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { Authorization: `Bearer ${init.key ?? apiKey}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const connection = async () => (await call<ConnectionView>('/api/woocommerce/connection')).body;
  const signUp = async (name: string) => (await (await fetch(`${settle.url}/api/merchants`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name }),
  })).json()) as { merchant: { id: string }; apiKey: string };
  const connect = async (key: string) => {
    const keys = woo.createApiKeys();
    return call<{ connectionSecret: string }>('/api/connections/woocommerce', { method: 'PUT', key, body: { siteUrl: woo.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret } });
  };
  const snapshots = async () => settle.services.db.query<{ order_id: string; paid: boolean; total: number }>(
    `SELECT order_id, paid, total FROM store_order_snapshots WHERE merchant_id = $1 AND store_platform = 'woocommerce' ORDER BY order_id::int`, [merchantId]);

  beforeAll(async () => {
    woo = await startWooSandbox();
    settle = await startSettleInProcess();
    const keys = woo.createApiKeys();
    store = new WooCommerceRestApi({ url: woo.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret, version: 'wc/v3' });
    const product = woo.createProduct({ name: 'Tea tin', regular_price: '12.50' }) as { id: number };
    // 130 orders: every third one paid in the store (cash, another gateway) before Settle came.
    for (let i = 0; i < 130; i++) {
      const order = await placeOrder(store, { productId: product.id as number, quantity: 1 + (i % 3) });
      if (i % 3 === 0) await store.put(`orders/${order.id}`, { set_paid: true, transaction_id: `cash-${i}` });
    }
    ({ apiKey, merchant: { id: merchantId } } = await signUp('Import Tea House'));
  }, 120_000);

  afterAll(async () => {
    await settle?.close();
    await woo?.close();
  });

  it('a store that fails while importing is recorded in words, and importing again reads every order once', async () => {
    woo.setFault({ path: 'orders', status: 503 });
    expect((await connect(apiKey)).status).toBe(200);
    const queued = (await connection()).latestImport!;
    expect(queued.status).toBe('queued');
    expect(await runWooOrderImport(settle.services, queued.id)).toBe('failed');
    const failed = (await connection()).latestImport!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^The import stopped: WooCommerce did not answer while importing recent orders: .*503.*Import again in a few minutes\.$/);
    expect(await snapshots()).toHaveLength(0);

    woo.setFault(null);
    const retry = await call<{ import: ImportView }>('/api/woocommerce/imports', { method: 'POST' });
    expect(retry.status).toBe(202);
    expect(retry.body.import.id).not.toBe(failed.id);
    expect(await runWooOrderImport(settle.services, retry.body.import.id)).toBe('imported 130 orders in 2 pages');
    const done = (await connection()).latestImport!;
    expect(done).toMatchObject({ id: retry.body.import.id, status: 'done', error: null, progress: { ordersDone: 130, ordersTotal: 130, pagesDone: 2, pagesTotal: 2 } });

    const recorded = await snapshots();
    expect(recorded).toHaveLength(130);
    expect(recorded.filter((s) => s.paid)).toHaveLength(44);
    // The first order (one tin, paid) and the third (three tins, unpaid): totals in cents.
    expect(recorded[0]).toMatchObject({ paid: true, total: 1250 });
    expect(recorded[2]).toMatchObject({ paid: false, total: 3750 });
  });

  it('an import delivered twice (even at once) records each order once and counts it once', async () => {
    const run = (await call<{ import: ImportView }>('/api/woocommerce/imports', { method: 'POST' })).body.import;
    await Promise.all([runWooOrderImport(settle.services, run.id), runWooOrderImport(settle.services, run.id)]);
    expect(await runWooOrderImport(settle.services, run.id)).toBe('already done');
    expect((await connection()).latestImport).toMatchObject({ id: run.id, status: 'done', progress: { ordersDone: 130, ordersTotal: 130 } });
    expect(await snapshots()).toHaveLength(130);
  });

  it('connecting the store again imports again without duplicating an order', async () => {
    const before = (await connection()).store.connectedAt;
    expect((await connect(apiKey)).status).toBe(200);
    const again = (await connection());
    expect(again.store.connectedAt).toBe(before);
    await runWooOrderImport(settle.services, again.latestImport!.id);
    expect((await connection()).latestImport).toMatchObject({ status: 'done', progress: { ordersDone: 130 } });
    expect(await snapshots()).toHaveLength(130);
  });

  it('a second start while an import is queued is a 409 with a stable code, and starts nothing', async () => {
    const first = await call<{ import: ImportView }>('/api/woocommerce/imports', { method: 'POST' });
    expect(first.status).toBe(202);
    const second = await call<{ error: { code: string; message: string } }>('/api/woocommerce/imports', { method: 'POST' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('import_already_running');
    expect((await connection()).latestImport!.id).toBe(first.body.import.id);
    await runWooOrderImport(settle.services, first.body.import.id);
    expect((await call('/api/woocommerce/imports', { method: 'POST' })).status).toBe(202);
  });

  it('a merchant may ask for a longer window, up to a year; anything else is a 400 and starts nothing', async () => {
    const latest = (await connection()).latestImport!;
    for (const days of [0, 366, 2.5]) {
      const refused = await call<{ error: { code: string; message: string } }>('/api/woocommerce/imports', { method: 'POST', body: { days } });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/^days: /) });
    }
    expect((await connection()).latestImport!.id).toBe(latest.id);
    await runWooOrderImport(settle.services, latest.id);
    const year = await call<{ import: ImportView & { modifiedAfter: string } }>('/api/woocommerce/imports', { method: 'POST', body: { days: 365 } });
    expect(year.status).toBe(202);
    const days = (Date.now() - Date.parse(year.body.import.modifiedAfter)) / 86_400_000;
    expect(Math.round(days)).toBe(365);
    expect(await runWooOrderImport(settle.services, year.body.import.id)).toBe('imported 130 orders in 2 pages');
  });

  it('shows each webhook as the store has it, and says so when the store cannot show them', async () => {
    // No scheduled check has run here: Settle's webhooks are not in the store yet.
    expect((await connection()).webhooks).toMatchObject({ error: null, topics: [
      { topic: 'order.created', status: 'missing' }, { topic: 'order.updated', status: 'missing' },
      { topic: 'order.deleted', status: 'missing' }, { topic: 'product.updated', status: 'missing' },
    ] });
    woo.setFault({ path: 'webhooks', status: 502 });
    try {
      const view = await connection();
      expect(view.webhooks.error).toMatch(/^Settle could not read the store's webhooks: WooCommerce did not answer while listing webhooks/);
      expect(view.webhooks.topics.map((t) => t.status)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
      expect(view.latestImport).not.toBeNull();
    } finally {
      woo.setFault(null);
    }
  });

  it('keys the store refuses (401) are recorded as a failure that says to reconnect', async () => {
    const refused = await signUp('Revoked Keys Shop');
    const put = await call('/api/connections/woocommerce', { method: 'PUT', key: refused.apiKey, body: { siteUrl: woo.url, consumerKey: 'ck_revoked', consumerSecret: 'cs_revoked' } });
    expect(put.status).toBe(200);
    const run = (await call<ConnectionView>('/api/woocommerce/connection', { key: refused.apiKey })).body.latestImport!;
    await runWooOrderImport(settle.services, run.id);
    const failed = (await call<ConnectionView>('/api/woocommerce/connection', { key: refused.apiKey })).body.latestImport!;
    expect(failed).toMatchObject({ status: 'failed', error: 'The import stopped: The store refused Settle\'s API keys while importing recent orders; reconnect the store.' });
  });

  it('another merchant cannot read this store\'s connection or start an import of it; signed out is a 401', async () => {
    const other = await signUp('Other Bakery');
    const read = await call<{ error: { code: string } }>('/api/woocommerce/connection', { key: other.apiKey });
    expect(read.status).toBe(404);
    expect(read.body.error.code).toBe('not_connected');
    expect((await call('/api/woocommerce/imports', { method: 'POST', key: other.apiKey })).status).toBe(404);
    expect((await call('/api/woocommerce/connection-secret/rotate', { method: 'POST', key: other.apiKey })).status).toBe(404);
    expect((await fetch(`${settle.url}/api/woocommerce/connection`)).status).toBe(401);
  });
});
