/**
 * The throttle-aware client against a small stand-in for a shop's GraphQL endpoints, written here:
 * it keeps Shopify's leaky bucket on the same hand-moved clock as the client, charges each
 * operation its cost, answers `extensions.cost` like Shopify and refuses with THROTTLED what the
 * bucket cannot afford. The client is the real one, over @shopify/shopify-api's client, reaching
 * the stand-in through the library's fetch exactly as it reaches the sandbox (a shop URL template).
 */
import '@shopify/shopify-api/adapters/node';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from '@shopify/shopify-api';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';
import { CostBuckets, type Clock } from './cost-bucket';
import { ShopifyGraphql } from './client';
import { ShopifyAccessRevoked, ShopifyQueryError, ShopifyUnavailable, ShopifyUserErrors } from './errors';
import { SHOP_INFO, type ShopInfoResult } from './documents/shop';
import { ORDERS_MATCHING } from './documents/orders';
import { ORDER_MARK_AS_PAID } from './documents/order-payment';
import { PAYMENTS_APP_CONFIGURE } from './payments-apps/configure';

/** A clock that moves only when someone sleeps: waits are counted, never spent. */
class HandClock implements Clock {
  at = 1_000_000;
  readonly sleeps: number[] = [];
  now = () => this.at;
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.at += ms;
  };
}

const SHOP = 'corner-shop.myshopify.com';
const TOKEN = 'shpat_corner';
/** What each operation costs at the stand-in (Shopify's calculated cost; a listing of orders is dear). */
const COSTS: Record<string, number> = { ShopInfo: 1, OrdersMatching: 60, OrderMarkAsPaid: 10, PaymentsAppConfigure: 10 };

interface Received {
  path: string;
  operation: string;
  token: string | undefined;
  throttled: boolean;
}

/** A shop's endpoints: Shopify's bucket (100 points, 50 a second), cost extensions, THROTTLED, userErrors. */
class StandInShop {
  readonly received: Received[] = [];
  available = 100;
  /** Other apps spend every point as it comes back. */
  busyElsewhere = false;
  private at: number;
  answer: (operation: string) => { status?: number; body?: unknown } | undefined = () => undefined;

  constructor(private readonly clock: HandClock) {
    this.at = clock.now();
  }

  /** Another app (or Shopify admin) spends the shop's points without Settle knowing. */
  drain(points: number) {
    this.refill();
    this.available -= points;
  }

  private refill() {
    if (this.busyElsewhere) this.available = 0;
    else this.available = Math.min(100, this.available + (50 * (this.clock.now() - this.at)) / 1000);
    this.at = this.clock.now();
  }

  handle(path: string, token: string | undefined, body: { query: string }): { status: number; body: unknown } {
    const operation = /\b(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1] ?? '';
    const cost = COSTS[operation] ?? 1;
    this.refill();
    const throttled = cost > this.available;
    this.received.push({ path, operation, token, throttled });
    const canned = this.answer(operation);
    if (canned?.status) return { status: canned.status, body: canned.body ?? { errors: 'Unauthorized' } };
    const throttleStatus = () => ({ maximumAvailable: 100, currentlyAvailable: Math.floor(this.available), restoreRate: 50 });
    if (throttled) {
      return {
        status: 200,
        body: {
          errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
          extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: throttleStatus() } },
        },
      };
    }
    this.available -= cost;
    const data = canned?.body ?? { shop: { id: 'gid://shopify/Shop/820982911946154508', name: 'Corner Shop', email: 'owner@corner.test', myshopifyDomain: SHOP, currencyCode: 'EUR', ianaTimezone: 'Europe/Paris' } };
    return { status: 200, body: { data, extensions: { cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: throttleStatus() } } } };
  }
}

let server: Server;
let shop: StandInShop;
let clock: HandClock;
let shopify: Shopify;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = shop.handle(req.url ?? '', req.headers['x-shopify-access-token'] as string | undefined, JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/shops`;
  // What connectors/shopify/app.ts does with SHOPIFY_SHOP_URL=http://127.0.0.1:PORT/shops/{shop}.
  setAbstractFetchFunc((input, init) => fetch(String(input).replace(/^https:\/\/([^/]+)/, `${base}/$1`), init));
  shopify = shopifyApi({
    apiKey: 'settle-client-id', apiSecretKey: 'settle-secret', scopes: ['write_orders'], hostName: 'settle.test',
    apiVersion: ApiVersion.July26, isEmbeddedApp: true, logger: { level: LogSeverity.Error, log: async () => undefined },
  });
});

afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

beforeEach(() => {
  clock = new HandClock();
  shop = new StandInShop(clock);
});

const client = (api: 'admin' | 'payments-apps' = 'admin', attempts?: number) =>
  new ShopifyGraphql(shopify, { shop: SHOP, accessToken: TOKEN }, { api, buckets: new CostBuckets(clock), attempts });

describe('ShopifyGraphql', () => {
  it("asks the shop's Admin API with the shop's token and gives back its ids as strings", async () => {
    const { shop: info } = await client().request<ShopInfoResult>(SHOP_INFO);
    expect(info.id).toBe('gid://shopify/Shop/820982911946154508');
    expect(shop.received).toEqual([{ path: `/shops/${SHOP}/admin/api/2026-07/graphql.json`, operation: 'ShopInfo', token: TOKEN, throttled: false }]);
  });

  it('waits until the bucket can afford a query instead of sending it to be refused', async () => {
    const orders = client();
    const page = { orders: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } };
    shop.answer = () => ({ body: page });
    await orders.request(ORDERS_MATCHING, { query: 'tag:settle', first: 50 }); // 60 of 100 points: 40 left
    await orders.request(ORDERS_MATCHING, { query: 'tag:settle', first: 50 }); // needs 60: 20 more, 0.4 s at 50/s
    await orders.request(ORDERS_MATCHING, { query: 'tag:settle', first: 50 });
    expect(shop.received.map((r) => r.throttled)).toEqual([false, false, false]);
    expect(clock.sleeps).toEqual([400, 1200]);
  });

  it('backs off and retries when Shopify answers THROTTLED (the points went elsewhere)', async () => {
    const orders = client();
    shop.answer = () => ({ body: { orders: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } } });
    await orders.request(ORDERS_MATCHING, { query: 'tag:settle', first: 50 });
    shop.drain(40); // another app spends the 40 points Settle thinks it has
    clock.at += 800; // Settle expects 80 points by now; the shop has 40
    const result = await orders.request<{ orders: { nodes: unknown[] } }>(ORDERS_MATCHING, { query: 'tag:settle', first: 50 });
    expect(result.orders.nodes).toEqual([]);
    expect(shop.received.map((r) => r.throttled)).toEqual([false, true, false]);
    // It waited what Shopify's throttleStatus said the missing 20 points take, then was served.
    expect(clock.sleeps).toEqual([400]);
  });

  it('gives up after its attempts with a retryable error, leaving the retry to the job', async () => {
    shop.busyElsewhere = true;
    const error = await client('admin', 3).request(ORDERS_MATCHING, { query: 'tag:settle', first: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyUnavailable);
    expect((error as Error).message).toMatch(/THROTTLED/);
    expect(shop.received).toHaveLength(3);
  });

  it("surfaces Shopify's userErrors as a typed error carrying its words", async () => {
    shop.answer = () => ({ body: { orderMarkAsPaid: { order: null, userErrors: [{ field: ['id'], message: 'Order cannot be marked as paid.' }] } } });
    const error = await client().mutate(ORDER_MARK_AS_PAID, { input: { id: 'gid://shopify/Order/1' } }, 'orderMarkAsPaid').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyUserErrors);
    expect((error as ShopifyUserErrors).message).toBe('Shopify refused OrderMarkAsPaid: Order cannot be marked as paid.');
    expect((error as ShopifyUserErrors).has('id')).toBe(true);
  });

  it('says the access was revoked when the shop refuses the token', async () => {
    shop.answer = () => ({ status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } });
    await expect(client().request(SHOP_INFO)).rejects.toBeInstanceOf(ShopifyAccessRevoked);
  });

  it('does not retry a document Shopify cannot run', async () => {
    shop.answer = () => ({ status: 200, body: { errors: [{ message: "Field 'nmae' doesn't exist on type 'Shop'", extensions: { code: 'undefinedField' } }] } });
    await expect(client().request(SHOP_INFO)).rejects.toBeInstanceOf(ShopifyQueryError);
    expect(shop.received).toHaveLength(1);
  });

  it('reaches the Payments Apps API at its own path, with its own bucket', async () => {
    shop.answer = () => ({ body: { paymentsAppConfigure: { paymentsAppConfiguration: { externalHandle: 'acct_1', ready: true }, userErrors: [] } } });
    const payload = await client('payments-apps').mutate<{ paymentsAppConfiguration: { ready: boolean }; userErrors: [] }>(
      PAYMENTS_APP_CONFIGURE, { externalHandle: 'acct_1', ready: true }, 'paymentsAppConfigure',
    );
    expect(payload.paymentsAppConfiguration.ready).toBe(true);
    expect(shop.received[0]?.path).toBe(`/shops/${SHOP}/payments_apps/api/2026-07/graphql.json`);
  });
});
