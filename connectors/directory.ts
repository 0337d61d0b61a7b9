import type { PlatformDirectory } from '../core/ports';
import type { ConnectionStore } from '../core/merchants/connections';
import type { Database } from '../core/storage/database';
import { BooksMapping } from '../core/books/mapping';
import { SettleError } from '../core/errors';
import { stripeClient } from './stripe/client';
import { StripeProcessor, type StripeSettings } from './stripe/processor';
import { StripeCardReaders } from './stripe/terminal';
import { wooClient, type WooSecrets, type WooSettings } from './woocommerce/client';
import { WooStore } from './woocommerce/store';
import { quickBooksClient } from './quickbooks/client';
import { QuickBooksBooks } from './quickbooks/books';
import { quickBooksAccess } from './quickbooks/access';
import type { SecretBox } from '../core/secrets/secret-box';
import { shopifyApp, type ShopifyAppSettings } from './shopify/app';
import { shopAccess } from './shopify/shop-access';
import { ShopifyGraphql } from './shopify/graphql/client';
import { ShopifyStore } from './shopify/store';
import type { RealmLimiter } from './quickbooks/limiter';

export interface PlatformEndpoints {
  stripeApiBase: string;
  /** Settle's own Stripe key as a Connect platform: merchants connected through OAuth are reached with it. */
  stripePlatformKey?: string;
  quickBooksTokenUrl: string;
  /** Settle's own Intuit app, for companies connected through "Connect to QuickBooks". */
  quickBooksApp?: { clientId: string; clientSecret: string };
  /** Settle's Shopify app and the box its shops' tokens are sealed in (absent: no Shopify). */
  shopify?: { config: ShopifyAppSettings; box: SecretBox };
  /** Keeps each QuickBooks company within Intuit's request limits across the worker's jobs. */
  quickBooksLimiter?: RealmLimiter;
}

/** Builds each merchant's platform adapters from their stored (encrypted) connections. */
export function platformDirectory(db: Database, connections: ConnectionStore, endpoints: PlatformEndpoints): PlatformDirectory {
  const notConnected = (platform: string) =>
    new SettleError('platform_not_connected', `Connect ${platform} in Settle's setup before taking payments.`, 409);
  /** The merchant's own Stripe account: their key, or Settle's platform key on their behalf (Connect). */
  async function stripeFor(merchantId: string) {
    const c = await connections.find<StripeSettings, { secretKey: string }>(merchantId, 'stripe');
    if (!c) throw notConnected('Stripe');
    if (c.settings.mode !== 'connect') return { stripe: stripeClient(c.secrets.secretKey, endpoints.stripeApiBase), settings: c.settings };
    if (!endpoints.stripePlatformKey) throw new SettleError('stripe_connect_not_configured', 'Settle is not set up as a Stripe Connect platform (STRIPE_PLATFORM_SECRET_KEY).', 503);
    return { stripe: stripeClient(endpoints.stripePlatformKey, endpoints.stripeApiBase, { stripeAccount: c.settings.accountId }), settings: c.settings };
  }
  return {
    async processorFor(merchantId) {
      const { stripe, settings } = await stripeFor(merchantId);
      return new StripeProcessor(stripe, settings, endpoints.stripeApiBase);
    },
    async cardReadersFor(merchantId) {
      return new StripeCardReaders((await stripeFor(merchantId)).stripe);
    },
    async storeFor(merchantId, platform) {
      if (platform === 'shopify') {
        const app = endpoints.shopify && shopifyApp(endpoints.shopify.config);
        if (!app) throw notConnected('Shopify');
        // The shop's offline token, renewed first when it is about to expire; refused once uninstalled.
        const { shop, session } = await shopAccess({ db, ...endpoints.shopify! }, merchantId);
        return new ShopifyStore(new ShopifyGraphql(app, { shop, accessToken: session.accessToken! }));
      }
      const c = await connections.find<WooSettings, WooSecrets>(merchantId, 'woocommerce');
      if (!c) throw notConnected('WooCommerce');
      return new WooStore(wooClient(c.settings, c.secrets));
    },
    async booksFor(merchantId) {
      const { settings, secrets } = await quickBooksAccess(db, connections, merchantId, endpoints.quickBooksTokenUrl, endpoints.quickBooksApp);
      return new QuickBooksBooks(quickBooksClient(settings, secrets), new BooksMapping(db, merchantId),
        endpoints.quickBooksLimiter && { realmId: settings.realmId, limiter: endpoints.quickBooksLimiter });
    },
  };
}
