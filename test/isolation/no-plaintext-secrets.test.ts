/**
 * Secrets encrypted at rest, never logged; card numbers never reach Settle. The whole flow runs
 * (server and worker processes, logging at debug): a merchant connects Stripe, WooCommerce and
 * QuickBooks (pasted keys, then "Connect to QuickBooks" through Intuit's consent page), installs the
 * Shopify app through OAuth, opens the admin with a sign-in link, and a shopper pays an order by
 * card. Then every text in the database (every row of every table), everything both processes
 * logged and every job in Redis is searched for each secret the flow used and for card numbers:
 * none is found.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../connectors/database/open';
import type { Database } from '../../core/storage/database';
import { TEST_DATABASE_URL } from '../support/databases';
import { adminSignInLink, payAsShopper, placeOrder, readPayments, signUpAndConnect, startCheckout, type ConnectedMerchant } from '../support/journey';
import { connectThroughIntuit, setUpIntuitApp, type IntuitApp } from '../support/quickbooks-connect';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { CLIENT_ID, CLIENT_SECRET, installThroughOAuth, startFakeShopify, type FakeShopify } from '../server/shopify-fake';

const SHOP = 'scan-lamps.myshopify.com';
const CARDS = ['4242424242424242', '4000002500003155', '4000000000009995'];

describe('no plaintext secret or card number anywhere Settle keeps things', { timeout: 180_000 }, () => {
  let shopify: FakeShopify;
  let stack: SettleStack;
  let intuit: IntuitApp;
  let merchant: ConnectedMerchant;
  let db: Database;
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    shopify = await startFakeShopify();
    stack = await startSettleStack({
      env: async (s, url) => {
        intuit = await setUpIntuitApp(s, url);
        return { ...intuit.env, SHOPIFY_API_KEY: CLIENT_ID, SHOPIFY_API_SECRET: CLIENT_SECRET, SHOPIFY_SHOP_URL: `${shopify.url}/shops/{shop}`, LOG_LEVEL: 'debug' };
      },
    });
    db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema: stack.env.DATABASE_SCHEMA });
    const { settleUrl, sandboxes } = stack;

    merchant = await signUpAndConnect(settleUrl, sandboxes, 'Scan Lamps');
    const woo = merchant.woo as unknown as { consumerKey: string; consumerSecret: string };
    // Connected through Intuit's consent page too: Settle exchanges the code for its own tokens.
    const connected = await connectThroughIntuit(settleUrl, merchant.apiKey, { companyName: 'Scan Lamps Books' });
    expect(connected.callback.status).toBe(303);
    expect((await installThroughOAuth(settleUrl, shopify, SHOP)).status).toBe(302);
    const link = await adminSignInLink(settleUrl, merchant.apiKey);
    const signIn = await fetch(`${settleUrl}${new URL(link).pathname}${new URL(link).search}`, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    const connectionSecret = ((await (await fetch(`${settleUrl}/api/connections/woocommerce/connection-secret`, { headers: { Authorization: `Bearer ${merchant.apiKey}` } })).json()) as { connectionSecret: string }).connectionSecret;

    const product = await merchant.woo.post('products', { name: 'Desk Lamp', sku: 'LAMP-1', regular_price: '40.00', manage_stock: true, stock_quantity: 5 });
    const order = await placeOrder(merchant.woo, { productId: (product.data as { id: number }).id, quantity: 1 });
    const { payment } = await startCheckout(settleUrl, merchant.apiKey, order.id);
    expect(await payAsShopper(settleUrl, payment.id, CARDS[0])).toBe('succeeded');
    await eventually(() => readPayments(settleUrl, merchant.apiKey), (v) => v.payments[0]?.booksStatus === 'posted', 60_000);

    for (const [name, value] of Object.entries({
      'Settle API key': merchant.apiKey,
      'Stripe secret key': merchant.stripeAccount.secret_key,
      'WooCommerce consumer key': woo.consumerKey,
      'WooCommerce consumer secret': woo.consumerSecret,
      'store connection secret': connectionSecret,
      'QuickBooks access token (pasted)': merchant.quickBooksAccessToken,
      "Intuit app's client secret": intuit.app.client_secret,
      'Intuit webhook verifier token': intuit.verifierToken,
      'Shopify offline token': shopify.granted.get(SHOP)?.[0] ?? 'missing',
      'Shopify app secret': CLIENT_SECRET,
      'admin sign-in token': new URL(link).searchParams.get('token')!,
      ...Object.fromEntries(CARDS.map((c) => [`card number ${c.slice(0, 4)}…`, c])),
    })) secrets.set(name, value);
  }, 180_000);
  afterAll(async () => {
    await db?.close();
    await stack?.stop();
    await shopify?.close();
  });

  const found = (haystack: string) => [...secrets].filter(([, value]) => haystack.includes(value)).map(([name]) => name);

  it('the flow used real secrets (the search has something to look for)', () => {
    expect(secrets.get('Shopify offline token')).toMatch(/^shpat_|\w{10,}/);
    expect([...secrets.values()].every((v) => v.length >= 12)).toBe(true);
  });

  it('no table holds one in plaintext', async () => {
    const tables = await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
    const leaks: string[] = [];
    let rows = 0;
    for (const { name } of tables) {
      for (const row of await db.query<{ text: string }>(`SELECT x::text AS text FROM "${name}" x`)) {
        rows++;
        leaks.push(...found(row.text).map((what) => `${what} in ${name}`));
      }
    }
    expect(rows).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
  });

  it('neither process logged one', () => {
    const logs = stack.server.output() + stack.worker.output();
    expect(logs.length).toBeGreaterThan(1000);
    expect(found(logs)).toEqual([]);
  });

  it('no queued job carries one', async () => {
    const redis = new Redis(stack.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const keys = await redis.keys(`${stack.env.QUEUE_PREFIX}:*`);
      let text = '';
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'hash') text += JSON.stringify(await redis.hgetall(key));
        else if (type === 'list') text += JSON.stringify(await redis.lrange(key, 0, -1));
        else if (type === 'stream') text += JSON.stringify(await redis.xrange(key, '-', '+'));
        else if (type === 'string') text += (await redis.get(key)) ?? '';
      }
      expect(text).toContain('outboxId');
      expect(found(text)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
