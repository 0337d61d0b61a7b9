import type { Services } from './services';
import { SettleError } from '../../core/errors';
import { storeOrigins } from './pay-page-policy';

/**
 * A checkout's returnUrl must be on the merchant's own WooCommerce site: the payment page links the
 * shopper there, so anything else would let a checkout call send shoppers to another site.
 * Refused before anything is created (400, return_url_not_on_store).
 */
export async function checkStoreReturnUrl(services: Services, merchantId: string, returnUrl: string): Promise<void> {
  const stores = (await services.connections.list(merchantId)).filter((c) => c.platform === 'woocommerce' && c.status === 'active');
  const origins = storeOrigins(stores);
  const url = new URL(returnUrl);
  if (!origins.includes(url.origin)) {
    throw new SettleError(
      'return_url_not_on_store',
      `returnUrl must be a page of your store's site (${origins.join(', ') || 'no WooCommerce store is connected'}), not ${url.origin}.`,
    );
  }
}
