import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import type { Store } from './store';
import { SettleError } from '../errors';

/**
 * Which store the merchant sells through: a Shopify shop with Settle installed, else a connected
 * WooCommerce store, else none. The one place that says it, for counter sales, payment links and
 * their refunds. A shop that uninstalled Settle is no longer the merchant's store (Settle cannot reach it).
 */
export async function storePlatformOf(db: Queryable, merchantId: string): Promise<Store['platform'] | null> {
  const rows = await db.query<{ platform: Store['platform'] }>(
    `SELECT platform FROM connections
      WHERE merchant_id = $1 AND platform IN ('shopify', 'woocommerce') AND coalesce(settings->>'status', 'active') = 'active'
      ORDER BY (platform = 'shopify') DESC LIMIT 1`,
    [merchantId],
  );
  return rows[0]?.platform ?? null;
}

/** The merchant's store, or null when none is connected. */
export async function connectedStore(settle: Settle, merchantId: string): Promise<Store | null> {
  const platform = await storePlatformOf(settle.db, merchantId);
  if (!platform) return null;
  return settle.platforms.storeFor(merchantId, platform).catch((error: unknown) => {
    if (error instanceof SettleError && error.code === 'platform_not_connected') return null;
    throw error;
  });
}

/** Which store an order Settle made for a sale is in: Shopify's ids are gids, WooCommerce's whole numbers. */
export const platformOfStoreOrder = (orderId: string): Store['platform'] => (orderId.startsWith('gid://shopify/') ? 'shopify' : 'woocommerce');
