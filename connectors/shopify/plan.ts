import { z } from 'zod';
import type { Database, Queryable } from '../../core/storage/database';
import type { SecretBox } from '../../core/secrets/secret-box';
import { SettleError } from '../../core/errors';
import { shopifyApp, type ShopifyAppSettings } from './app';
import { ShopifyBilling } from './billing';
import { ShopifyGraphql } from './graphql/client';
import { shopAccess } from './shop-access';
import { askCheckoutReadiness } from '../../core/payments/sessions/readiness';
import type { SubscriptionStatus } from './graphql/documents/billing';

export interface PlanServices {
  db: Database;
  box: SecretBox;
  config: ShopifyAppSettings & { NODE_ENV: string };
}

/**
 * Settle's plan for a shop, asked of Shopify with the shop's offline token. Test charges except in
 * production (development stores and Settle's own tests are never billed).
 */
export function settleBilling(services: PlanServices, db: Queryable = services.db): ShopifyBilling {
  return new ShopifyBilling(db, {
    testCharges: services.config.NODE_ENV !== 'production',
    // Checkout offers Settle only while the plan is accepted (readiness.ts tells Shopify).
    onActiveChange: planChanged,
    // Back into Shopify admin, where Settle's embedded page opens and shows the accepted plan.
    returnUrl: (shop) => `https://${shop}/admin/apps/${services.config.SHOPIFY_API_KEY ?? ''}`,
    async clientFor(shop) {
      const app = shopifyApp(services.config);
      const merchantId = await merchantOfShop(services.db, shop);
      if (!app || !merchantId) throw new SettleError('shopify_not_installed', `Settle is not installed in ${shop}.`, 409);
      const { session } = await shopAccess(services, merchantId);
      return new ShopifyGraphql(app, { shop, accessToken: session.accessToken! });
    },
  });
}

/** The shop the merchant sells through with Settle installed (active), or none: WooCommerce merchants have none. */
export async function installedShopOf(db: Queryable, merchantId: string): Promise<string | undefined> {
  const rows = await db.query<{ shop: string }>(
    `SELECT settings->>'shop' AS shop FROM connections WHERE merchant_id = $1 AND platform = 'shopify' AND settings->>'status' = 'active'`, [merchantId],
  );
  return rows[0]?.shop;
}

async function merchantOfShop(db: Queryable, shop: string): Promise<string | undefined> {
  const rows = await db.query<{ merchant_id: string }>(
    `SELECT merchant_id FROM connections WHERE platform = 'shopify' AND settings->>'shop' = $1 AND settings->>'status' = 'active'`, [shop],
  );
  return rows[0]?.merchant_id;
}

/** The app_subscriptions/update payload: the subscription's gid and its new status (lower case). */
const subscriptionUpdate = z.object({
  app_subscription: z.object({
    admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/AppSubscription\/\d+$/),
    status: z.string().transform((s) => s.toUpperCase()).pipe(z.enum(['ACCEPTED', 'ACTIVE', 'CANCELLED', 'DECLINED', 'EXPIRED', 'FROZEN', 'PENDING'])),
  }),
});

/** Shopify says the merchant accepted, declined or cancelled the plan: recorded without asking again. */
export async function planSubscriptionUpdated(services: PlanServices, tx: Queryable, shop: string, payload: unknown): Promise<string> {
  const { admin_graphql_api_id: id, status } = subscriptionUpdate.parse(payload).app_subscription;
  const test = services.config.NODE_ENV !== 'production';
  const state = await settleBilling(services, tx).subscriptionUpdated(shop, id, status as SubscriptionStatus, test);
  return `plan ${state.status}`;
}

/** For the plan's record: a change into or out of "active" may change what checkout offers. */
async function planChanged(db: Queryable, shop: string, status: string): Promise<void> {
  const rows = await db.query<{ merchant_id: string }>(
    `SELECT merchant_id FROM connections WHERE platform = 'shopify' AND settings->>'shop' = $1 AND settings->>'status' = 'active'`, [shop],
  );
  if (rows[0]) await askCheckoutReadiness(db, rows[0].merchant_id, `plan ${status}`);
}
