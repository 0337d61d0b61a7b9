import type { Database, Queryable } from '../storage/database';
import { ConnectionStore, endConnection } from '../merchants/connections';
import { createMerchant } from '../merchants/merchants';
import type { SecretBox } from '../secrets/secret-box';

/** What Settle shows about a merchant's Shopify shop (the connection's settings). */
export interface ShopSettings {
  /** `name.myshopify.com`: the shop's permanent address, and the account the connection reaches. */
  accountId: string;
  shop: string;
  status: 'active' | 'uninstalled';
  scopes: string;
  installedAt: string;
  /** When the app was uninstalled (set by `endConnection`). */
  endedAt?: string;
}

/**
 * The Settle merchant a shop belongs to: the one whose connection reaches it (an uninstalled shop
 * still has one, so its privacy requests find the data to erase), or none for a shop never installed.
 */
export async function merchantForShop(connections: ConnectionStore, shop: string): Promise<string | undefined> {
  return connections.merchantForAccount('shopify', shop);
}

/**
 * A shop installed the app (or installed it again): it becomes a Settle merchant of its own the
 * first time, named after the shop, and its connection is active. A reinstall finds the merchant it
 * had, with its payments and books. Serialised per shop, so two installs at once make one merchant.
 */
export async function linkInstalledShop(db: Database, box: SecretBox, shop: string, scopes: string): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`shopify-install:${shop}`]);
    const scoped = new ConnectionStore(tx, box);
    const merchantId = (await merchantForShop(scoped, shop)) ?? (await createMerchant(tx, shopName(shop))).merchant.id;
    const settings: ShopSettings = { accountId: shop, shop, status: 'active', scopes, installedAt: new Date().toISOString() };
    await scoped.save({ merchantId, platform: 'shopify', settings, secrets: {} });
    return merchantId;
  });
}

/** The shop removed the app: its connection shows it, and nothing more is done for it. */
export async function markShopUninstalled(db: Queryable, merchantId: string, shop: string): Promise<boolean> {
  return endConnection(db, merchantId, 'shopify', shop, 'uninstalled');
}

/** "corner-lamps.myshopify.com" → "corner-lamps": the shop's handle, until its own name is read. */
function shopName(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, '');
}
