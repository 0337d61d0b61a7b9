import { HttpResponseError, type Session } from '@shopify/shopify-api';
import { RetryableError, SettleError } from '../../core/errors';
import type { Database } from '../../core/storage/database';
import type { SecretBox } from '../../core/secrets/secret-box';
import { shopifyApp, type ShopifyApp, type ShopifyAppSettings } from './app';
import { PostgresShopifySessions } from './sessions';

/**
 * Offline tokens expire after an hour (Shopify requires expiring tokens of public apps): one that
 * has less than this left is renewed with its refresh token before it is used.
 */
const RENEW_WITHIN_MS = 5 * 60_000;

/** A session whose token still works, or whose refresh token can get one without the merchant. */
export const usableSession = (session: Session | undefined): session is Session =>
  Boolean(session?.accessToken) && (!session!.isExpired(RENEW_WITHIN_MS) || canRefresh(session!));

const canRefresh = (session: Session) => Boolean(session.refreshToken) && (!session.refreshTokenExpires || session.refreshTokenExpires.getTime() > Date.now());

/**
 * What every call Settle makes to a merchant's shop starts from: the shop and an offline session
 * whose token works now (renewed first when it is about to expire). Refused with a stable code once
 * the app is uninstalled (its tokens are gone), never installed, or its refresh token has lapsed.
 */
export async function shopAccess(services: { db: Database; box: SecretBox; config: ShopifyAppSettings }, merchantId: string): Promise<{ shop: string; session: Session }> {
  const rows = await services.db.query<{ shop: string; status: string }>(
    `SELECT settings->>'shop' AS shop, settings->>'status' AS status FROM connections WHERE merchant_id = $1 AND platform = 'shopify'`, [merchantId],
  );
  const connection = rows[0];
  if (!connection) throw new SettleError('shopify_not_installed', 'Settle is not installed in a Shopify shop for this merchant.', 409);
  const { shop } = connection;
  const app = shopifyApp(services.config);
  const sessions = new PostgresShopifySessions(services.db, services.box);
  const session = connection.status === 'active' && app ? await sessions.loadSession(app.session.getOfflineId(shop)) : undefined;
  if (!session?.accessToken) {
    throw new SettleError('shopify_uninstalled', `Settle was removed from ${shop}, so it can no longer reach the shop. Install Settle again from Shopify admin.`, 409);
  }
  if (!session.isExpired(RENEW_WITHIN_MS)) return { shop, session };
  return { shop, session: await renew(services, app!, shop) };
}

/** Renews the shop's offline token once, however many jobs find it stale together (a lock per shop). */
async function renew(services: { db: Database; box: SecretBox }, app: ShopifyApp, shop: string): Promise<Session> {
  return services.db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`shopify-token:${shop}`]);
    const sessions = new PostgresShopifySessions(tx, services.box);
    const current = await sessions.loadSession(app.session.getOfflineId(shop));
    if (current?.accessToken && !current.isExpired(RENEW_WITHIN_MS)) return current; // another job just renewed it
    const reauthorize = new SettleError('shopify_reauthorize', `Settle's access to ${shop} has lapsed. Open Settle in Shopify admin to renew it.`, 409);
    if (!current || !canRefresh(current)) throw reauthorize;
    try {
      const { session } = await app.auth.refreshToken({ shop, refreshToken: current.refreshToken! });
      await sessions.storeSession(session);
      return session;
    } catch (error) {
      if (error instanceof HttpResponseError && error.response.code < 500) throw reauthorize;
      throw new RetryableError(`Shopify did not renew the token of ${shop}: ${(error as Error).message}`);
    }
  });
}
