import WooCommerceRestApiModule from '@woocommerce/woocommerce-rest-api';
import { RetryableError, SettleError } from '../../core/errors';
import { notePlatformTrouble, troubleOf } from '../platform-trouble';

export interface WooSettings {
  siteUrl: string;
}
export interface WooSecrets {
  consumerKey: string;
  consumerSecret: string;
}

/**
 * The package is CommonJS compiled from ES modules (`exports.default = class …`): under Node's ESM
 * loader the default import is the whole `exports` object, under bundlers it is the class itself.
 */
const moduleExports = WooCommerceRestApiModule as unknown as { default?: typeof WooCommerceRestApiModule };
export const WooCommerceRestApi = moduleExports.default ?? WooCommerceRestApiModule;
export type WooCommerceRestApi = InstanceType<typeof WooCommerceRestApiModule>;

/**
 * The official REST client for one store. Over https it authenticates with Basic auth, over plain
 * http (the sandbox) with OAuth 1.0a signatures, as WooCommerce requires.
 */
export function wooClient(settings: WooSettings, secrets: WooSecrets): WooCommerceRestApi {
  return new WooCommerceRestApi({
    url: settings.siteUrl,
    consumerKey: secrets.consumerKey,
    consumerSecret: secrets.consumerSecret,
    version: 'wc/v3',
    timeout: 20_000,
  });
}

/** Turns an axios failure into core's errors: 5xx, 429 and lost connections may pass on retry. */
export function wooFailure(error: unknown, doing: string): Error {
  const e = error as { response?: { status: number; data?: { code?: string; message?: string } }; message?: string };
  const status = e.response?.status;
  const trouble = troubleOf(status);
  if (trouble) notePlatformTrouble('woocommerce', trouble);
  if (status === undefined || status >= 500 || status === 429) {
    return new RetryableError(`WooCommerce did not answer while ${doing}: ${e.message ?? 'no response'}`);
  }
  if (status === 404) return new SettleError('store_order_not_found', `The store has no such order (${doing}).`, 404);
  if (status === 401 || status === 403) {
    return new SettleError('store_access_denied', `The store refused Settle's API keys while ${doing}; reconnect the store.`, 502);
  }
  return new SettleError('store_rejected', `The store refused ${doing}: ${e.response?.data?.message ?? status}`, 502);
}
