import '@shopify/shopify-api/adapters/node';
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from '@shopify/shopify-api';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';

/** The Admin and Payments Apps API version Settle is written against (shopify.app.toml says the same). */
export const SHOPIFY_API_VERSION = ApiVersion.July26;

/** What Settle's configuration says about its Shopify app (web/server/config.ts). */
export interface ShopifyAppSettings {
  SHOPIFY_API_KEY?: string;
  SHOPIFY_API_SECRET?: string;
  SHOPIFY_SCOPES: string;
  /** `https://{shop}` for real Shopify; the sandbox's `http://127.0.0.1:PORT/shops/{shop}` in tests. */
  SHOPIFY_SHOP_URL: string;
  publicUrl: string;
}

export type ShopifyApp = Shopify;

// `name.myshopify.com`: the only shop address Settle accepts (the library's own check says the same).
const SHOP_ORIGIN = /^https:\/\/([a-z0-9][a-z0-9-]*\.myshopify\.com)(?=[/?#]|$)/i;
const apps = new WeakMap<object, ShopifyApp>();

/**
 * Where the shop's URL `https://{shop}/…` really goes under the configured template. One template
 * per process: the library's fetch is global to it, and Settle runs against one Shopify at a time.
 */
let shopUrlTemplate = 'https://{shop}';
export function shopUrl(url: string): string {
  const match = SHOP_ORIGIN.exec(url);
  if (!match) return url;
  return shopUrlTemplate.replace('{shop}', match[1]!.toLowerCase()) + url.slice(match[0].length);
}

setAbstractFetchFunc((input, init) => fetch(typeof input === 'string' || input instanceof URL ? shopUrl(String(input)) : input, init));

/**
 * The @shopify/shopify-api instance for Settle's app, or undefined when Shopify is not configured.
 * Made once per configuration (the library's instances are cheap but hold their config).
 */
export function shopifyApp(settings: ShopifyAppSettings): ShopifyApp | undefined {
  if (!settings.SHOPIFY_API_KEY || !settings.SHOPIFY_API_SECRET) return undefined;
  const made = apps.get(settings);
  if (made) return made;
  shopUrlTemplate = settings.SHOPIFY_SHOP_URL;
  const host = new URL(settings.publicUrl);
  const app = shopifyApi({
    apiKey: settings.SHOPIFY_API_KEY,
    apiSecretKey: settings.SHOPIFY_API_SECRET,
    scopes: settings.SHOPIFY_SCOPES.split(','),
    hostName: host.host,
    hostScheme: host.protocol === 'http:' ? 'http' : 'https',
    apiVersion: SHOPIFY_API_VERSION,
    isEmbeddedApp: true,
    // The library's messages can carry session tokens and shop data: Settle logs its own, without them.
    logger: { level: LogSeverity.Error, log: () => undefined, httpRequests: false, timestamps: false },
  });
  apps.set(settings, app);
  return app;
}

/** A shop's address as Shopify writes it (`name.myshopify.com`), or undefined when it is not one. */
export function cleanShop(app: ShopifyApp, shop: unknown): string | undefined {
  if (typeof shop !== 'string') return undefined;
  return app.utils.sanitizeShop(shop) ?? undefined;
}
