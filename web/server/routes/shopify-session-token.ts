import { HttpResponseError } from '@shopify/shopify-api';
import type { Services } from '../services';
import { RetryableError, SettleError } from '../../../core/errors';
import { findMerchant, type Merchant } from '../../../core/merchants/merchants';
import { linkInstalledShop, merchantForShop, type ShopSettings } from '../../../core/shops/shops';
import { exchangeForOfflineToken, verifySessionToken } from '../../../connectors/shopify/session-token';
import { usableSession } from '../../../connectors/shopify/shop-access';
import { PostgresShopifySessions } from '../../../connectors/shopify/sessions';
import { requireShopifyApp } from './shopify-install';

/**
 * The merchant an App Bridge session token (Authorization: Bearer, from Settle's admin embedded in
 * Shopify admin) speaks for. The token is verified first; a shop Settle holds no offline token for
 * yet (installed through Shopify-managed install, or installed again) gets one by token exchange.
 */
export function shopifySessionTokenMerchant(services: Services): (token: string) => Promise<Merchant> {
  const sessions = new PostgresShopifySessions(services.db, services.box);
  return async (token) => {
    const app = requireShopifyApp(services);
    const { shop } = await verifySessionToken(app, token);
    let merchantId = await merchantForShop(services.connections, shop);
    const connection = merchantId ? await services.connections.find<ShopSettings, object>(merchantId, 'shopify') : undefined;
    const offline = await sessions.loadSession(app.session.getOfflineId(shop));
    if (!merchantId || connection?.settings.status !== 'active' || !usableSession(offline)) {
      let scope: string | undefined;
      try {
        ({ session: { scope } } = await exchangeForOfflineToken(app, sessions, shop, token));
      } catch (error) {
        // Shopify not answering is worth a retry (503); Shopify refusing is not.
        if (!(error instanceof HttpResponseError)) throw new RetryableError(`token exchange for ${shop} failed: ${(error as Error).message}`);
        throw new SettleError('shopify_access_refused', `Shopify did not grant Settle access to ${shop} (${error.response.code}). Install Settle again from your Shopify admin.`, 401);
      }
      merchantId = await linkInstalledShop(services.db, services.box, shop, scope ?? '');
    }
    const merchant = await findMerchant(services.db, merchantId);
    if (!merchant) throw new SettleError('invalid_session_token', 'The shop of this session token has no Settle merchant.', 401);
    return merchant;
  };
}
