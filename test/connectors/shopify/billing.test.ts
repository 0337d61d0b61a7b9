/**
 * Settle's plan through Shopify's Billing API, against the Shopify sandbox (real 2026-07 schema;
 * the merchant answers on its confirmation page) and an embedded PostgreSQL (PGlite) with Settle's
 * migrations: the merchant is asked once, their features wait until they accept, and a declined
 * plan keeps them waiting.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../connectors/database/open';
import type { Database } from '../../../core/storage/database';
import { shopifyApp, type ShopifyApp } from '../../../connectors/shopify/app';
import { ShopifyGraphql } from '../../../connectors/shopify/graphql/client';
import { planGuard, ShopifyBilling } from '../../../connectors/shopify/billing';
import { startShopifySandbox, type ShopifySandbox } from '../../sandbox/shopify';

const CLIENT = { clientId: 'settle_billing_client', clientSecret: 'shpss_settle_billing_secret' };
const SCOPES = ['read_orders', 'write_orders'];
let sandbox: ShopifySandbox;
let app: ShopifyApp;
let db: Database;
let billing: ShopifyBilling;
let shop: string;
let client: ShopifyGraphql;
let shops = 0;

beforeAll(async () => {
  sandbox = await startShopifySandbox({ port: 0 });
  sandbox.registerApp({ ...CLIENT, name: 'Settle', appUrl: 'https://settle.test', redirectUrls: ['https://settle.test/shopify/callback'], scopes: SCOPES });
  app = shopifyApp({ SHOPIFY_API_KEY: CLIENT.clientId, SHOPIFY_API_SECRET: CLIENT.clientSecret, SHOPIFY_SCOPES: SCOPES.join(','), SHOPIFY_SHOP_URL: sandbox.shopUrlTemplate, publicUrl: 'https://settle.test' })!;
  db = await openDatabase({ dataDir: '' });
}, 60_000);
afterAll(async () => {
  await sandbox?.close();
  await db?.close();
});

beforeEach(async () => {
  // A shop of its own for each case: Shopify keeps every subscription an app ever asked for.
  shop = `corner-shop-${++shops}.myshopify.com`;
  sandbox.createShop({ domain: shop, currency: 'USD' });
  client = new ShopifyGraphql(app, { shop, accessToken: await sandbox.install(shop, CLIENT.clientId) });
  billing = new ShopifyBilling(db, { clientFor: async () => client, testCharges: true, returnUrl: (s) => `https://settle.test/shopify/admin?shop=${s}` });
});

/** The merchant's answer on Shopify's confirmation page. */
async function answer(confirmationUrl: string | null, decision: 'approve' | 'decline') {
  const res = await fetch(confirmationUrl!, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ decision }) });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

/** What the app asked the shop for, as Shopify lists it. */
async function subscriptions() {
  const { currentAppInstallation } = await client.request<{ currentAppInstallation: { allSubscriptions: { nodes: { name: string; test: boolean; status: string }[] } } }>(
    '{ currentAppInstallation { allSubscriptions(first: 10) { nodes { name test status } } } }',
  );
  return currentAppInstallation.allSubscriptions.nodes;
}

describe('ShopifyBilling', () => {
  it("holds the shop's features until the merchant accepts the plan, then lets them through", async () => {
    await expect(billing.requirePlan(shop)).rejects.toMatchObject({ code: 'plan_not_accepted', status: 402 });

    const asked = await billing.requestPlan(shop);
    expect(asked).toMatchObject({ status: 'pending', test: true });
    expect(asked.confirmationUrl).toContain(`/shops/${shop}/admin/charges/`);
    expect(await subscriptions()).toEqual([{ name: 'Settle', test: true, status: 'PENDING' }]);

    // Asking again while the merchant has not answered gives the same confirmation, not a second charge.
    expect(await billing.requestPlan(shop)).toEqual(asked);
    expect(await subscriptions()).toHaveLength(1);
    await expect(billing.requirePlan(shop)).rejects.toMatchObject({ code: 'plan_not_accepted' });

    const back = await answer(asked.confirmationUrl, 'approve');
    expect(back.toString()).toMatch(new RegExp(`^https://settle.test/shopify/admin\\?shop=${shop}&charge_id=`));
    expect(await billing.requirePlan(shop)).toMatchObject({ status: 'active', subscriptionId: asked.subscriptionId });
    expect(await billing.requestPlan(shop)).toMatchObject({ status: 'active' });
    expect(await subscriptions()).toEqual([{ name: 'Settle', test: true, status: 'ACTIVE' }]);
  });

  it('a declined plan keeps the features closed, and asking again makes a new request', async () => {
    const asked = await billing.requestPlan(shop);
    await answer(asked.confirmationUrl, 'decline');
    expect(await billing.planStatus(shop)).toMatchObject({ status: 'declined', confirmationUrl: null });
    await expect(billing.requirePlan(shop)).rejects.toMatchObject({ message: expect.stringContaining('declined') });
    const again = await billing.requestPlan(shop);
    expect(again.subscriptionId).not.toBe(asked.subscriptionId);
    expect(again.status).toBe('pending');
  });

  it('guards a route: 402 without the plan, through with it', async () => {
    const guard = planGuard(billing, (req: { shop?: string }) => req.shop);
    const outcome = async (req: { shop?: string }) => new Promise<unknown>((resolve) => void guard(req, undefined, (error) => resolve(error ?? 'next')));
    expect(await outcome({ shop })).toMatchObject({ status: 402 });
    expect(await outcome({})).toMatchObject({ code: 'shop_unknown' });
    const asked = await billing.requestPlan(shop);
    await answer(asked.confirmationUrl, 'approve');
    expect(await outcome({ shop })).toBe('next');
  });
});
