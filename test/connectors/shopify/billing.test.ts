/**
 * Settle's plan through Shopify's Billing API, against the stand-in shop (real 2026-07 schema) and
 * an embedded PostgreSQL (PGlite) with Settle's migrations: the merchant is asked once, their
 * features wait until they accept, and a declined plan keeps them waiting.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../connectors/database/open';
import type { Database } from '../../../core/storage/database';
import { ShopifyGraphql } from '../../../connectors/shopify/graphql/client';
import { planGuard, ShopifyBilling } from '../../../connectors/shopify/billing';
import { FAKE_TOKEN, startFakeShop } from './fake-shop';

let fake: Awaited<ReturnType<typeof startFakeShop>>;
let db: Database;
let billing: ShopifyBilling;
const SHOP = 'corner-shop.myshopify.com';

beforeAll(async () => {
  fake = await startFakeShop(SHOP);
  db = await openDatabase({ dataDir: '' });
});
afterAll(async () => {
  await fake.close();
  await db.close();
});

beforeEach(async () => {
  fake.shop.subscriptions = [];
  await db.query('DELETE FROM shopify_plan_subscriptions');
  billing = new ShopifyBilling(db, {
    clientFor: async (shop) => new ShopifyGraphql(fake.shopify, { shop, accessToken: FAKE_TOKEN }),
    testCharges: true,
    returnUrl: (shop) => `https://settle.test/shopify/admin?shop=${shop}`,
  });
});

describe('ShopifyBilling', () => {
  it("holds the shop's features until the merchant accepts the plan, then lets them through", async () => {
    await expect(billing.requirePlan(SHOP)).rejects.toMatchObject({ code: 'plan_not_accepted', status: 402 });

    const asked = await billing.requestPlan(SHOP);
    expect(asked).toMatchObject({ status: 'pending', test: true });
    expect(asked.confirmationUrl).toMatch(new RegExp(`^https://${SHOP}/admin/charges/`));
    expect(fake.shop.subscriptions).toMatchObject([{ name: 'Settle', test: true, trialDays: 14, interval: 'EVERY_30_DAYS', price: { amount: 1900, currency: 'USD' }, returnUrl: `https://settle.test/shopify/admin?shop=${SHOP}` }]);

    // Asking again while the merchant has not answered gives the same confirmation, not a second charge.
    expect(await billing.requestPlan(SHOP)).toEqual(asked);
    expect(fake.shop.subscriptions).toHaveLength(1);
    await expect(billing.requirePlan(SHOP)).rejects.toMatchObject({ code: 'plan_not_accepted' });

    fake.shop.answerPlan(asked.subscriptionId!, 'ACTIVE');
    expect(await billing.requirePlan(SHOP)).toMatchObject({ status: 'active', subscriptionId: asked.subscriptionId });
    expect(await billing.requestPlan(SHOP)).toMatchObject({ status: 'active' });
    expect(fake.shop.subscriptions).toHaveLength(1);
  });

  it('a declined plan keeps the features closed, and asking again makes a new request', async () => {
    const asked = await billing.requestPlan(SHOP);
    fake.shop.answerPlan(asked.subscriptionId!, 'DECLINED');
    expect(await billing.planStatus(SHOP)).toMatchObject({ status: 'declined', confirmationUrl: null });
    await expect(billing.requirePlan(SHOP)).rejects.toMatchObject({ message: expect.stringContaining('declined') });
    const again = await billing.requestPlan(SHOP);
    expect(again.subscriptionId).not.toBe(asked.subscriptionId);
    expect(again.status).toBe('pending');
  });

  it('guards a route: 402 without the plan, through with it', async () => {
    const guard = planGuard(billing, (req: { shop?: string }) => req.shop);
    const outcome = async (req: { shop?: string }) => new Promise<unknown>((resolve) => void guard(req, undefined, (error) => resolve(error ?? 'next')));
    expect(await outcome({ shop: SHOP })).toMatchObject({ status: 402 });
    expect(await outcome({})).toMatchObject({ code: 'shop_unknown' });
    const asked = await billing.requestPlan(SHOP);
    fake.shop.answerPlan(asked.subscriptionId!, 'ACTIVE');
    expect(await outcome({ shop: SHOP })).toBe('next');
  });
});
