/**
 * Settle's admin embedded in Shopify admin: the page Shopify frames (App Bridge 4 first in <head>,
 * framable only by the requesting shop and Shopify admin) and the App Bridge session tokens its API
 * calls carry instead of the cookie. The WooCommerce merchants' admin (/admin without `embedded=1`)
 * is untouched.
 */
import '@shopify/shopify-api/adapters/node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiVersion, LogSeverity, shopifyApi } from '@shopify/shopify-api';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { SettleError } from '../../core/errors';
import { findMerchant, type Merchant } from '../../core/merchants/merchants';
import type { Services } from './services';
import { sendError } from './http';

/** What Shopify's CDN serves; the product's HTML always names it (tests intercept it in the browser). */
export const APP_BRIDGE_SCRIPT = 'https://cdn.shopify.com/shopifycloud/app-bridge.js';

export interface EmbeddedAdminSettings {
  /** The app's client id (Partner Dashboard): App Bridge reads it from <meta name="shopify-api-key">. */
  apiKey: string;
  apiSecret: string;
  /** Where a shop lives, `https://{shop}` (the sandbox's template in tests), as for every shop call. */
  shopUrl: string;
  /** Shopify admin's origin, the other page allowed to frame the app. */
  adminOrigin: string;
  publicUrl: string;
}

/**
 * The Shopify app's settings, or undefined when Settle has no Shopify app. TODO(merge): shopify-app
 * adds SHOPIFY_API_KEY/SECRET/SHOP_URL to config.ts; read them (and SHOPIFY_ADMIN_ORIGIN) from there only.
 */
export function embeddedAdminSettings(services: Services): EmbeddedAdminSettings | undefined {
  const config = services.config as Services['config'] & Partial<Record<'SHOPIFY_API_KEY' | 'SHOPIFY_API_SECRET' | 'SHOPIFY_SHOP_URL', string>>;
  const apiKey = config.SHOPIFY_API_KEY ?? process.env.SHOPIFY_API_KEY;
  const apiSecret = config.SHOPIFY_API_SECRET ?? process.env.SHOPIFY_API_SECRET;
  if (!apiKey || !apiSecret) return undefined;
  return {
    apiKey, apiSecret,
    shopUrl: config.SHOPIFY_SHOP_URL ?? process.env.SHOPIFY_SHOP_URL ?? 'https://{shop}',
    adminOrigin: process.env.SHOPIFY_ADMIN_ORIGIN ?? 'https://admin.shopify.com',
    publicUrl: config.publicUrl,
  };
}

// `name.myshopify.com`, the only shop address Shopify gives an app (and the library's own rule).
const SHOP = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
export const isShopDomain = (shop: unknown): shop is string => typeof shop === 'string' && SHOP.test(shop);

/** The origin a shop's own pages are served from: `https://{shop}` in production. */
function shopOrigin(settings: EmbeddedAdminSettings, shop: string): string {
  return new URL(settings.shopUrl.replace('{shop}', shop)).origin;
}

/** Shopify's rule for embedded apps: only the shop's admin (both of its addresses) may frame the page. */
export function frameAncestors(settings: EmbeddedAdminSettings, shop: string): string {
  return `frame-ancestors ${shopOrigin(settings, shop)} ${settings.adminOrigin};`;
}

/** App Bridge 4 must be the first thing in <head>, after the meta tag naming the app (Shopify's requirement). */
export function withAppBridge(adminHtml: string, apiKey: string): string {
  const tags = `<meta name="shopify-api-key" content="${apiKey.replace(/[^\w-]/g, '')}" />\n    <script src="${APP_BRIDGE_SCRIPT}"></script>`;
  return adminHtml.replace(/<head>/i, `<head>\n    ${tags}`);
}

/**
 * GET /admin?shop=…&host=…&embedded=1: the admin as Shopify admin frames it. Anything else at /admin
 * goes on to the plain admin. A shop that is not a myshopify.com domain is refused, not framed.
 */
export function embeddedAdminPage(services: Services, webDist: string): RequestHandler {
  let html: Promise<string> | undefined;
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.query.embedded !== '1') return next();
    const settings = embeddedAdminSettings(services);
    if (!settings) return sendError(res, 404, 'shopify_not_configured', 'This Settle has no Shopify app configured (SHOPIFY_API_KEY and SHOPIFY_API_SECRET).');
    const { shop, host } = req.query;
    if (!isShopDomain(shop)) return sendError(res, 400, 'invalid_shop', 'Open Settle from your Shopify admin: the shop must be a name.myshopify.com address.');
    if (typeof host !== 'string' || !/^[\w+/-]+=*$/.test(host)) return sendError(res, 400, 'invalid_host', 'Open Settle from your Shopify admin: the host parameter is missing.');
    html ??= readFile(join(webDist, 'admin.html'), 'utf8');
    res.setHeader('Content-Security-Policy', frameAncestors(settings, shop));
    // Per shop and per client id: never reuse a copy cached for another shop's frame policy.
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(withAppBridge(await html, settings.apiKey));
  };
}

/** Who an App Bridge session token speaks for. */
export interface EmbeddedCaller {
  shop: string;
  userId: string;
}

const refused = (message: string) => new SettleError('invalid_session_token', message, 401);

/** A JWT (what App Bridge's idToken() gives) rather than a Settle API key. */
export const looksLikeSessionToken = (token: string): boolean => /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(token);

/**
 * Verifies an App Bridge session token: HS256 signature with the app's secret, exp/nbf and aud (the
 * library's decodeSessionToken), then that `dest` is a shop and `iss` is that shop's admin.
 * Stand-in until shopify-app's verifySessionToken lands (connectors/shopify/session-token.ts).
 */
export async function verifyEmbeddedSessionToken(settings: EmbeddedAdminSettings, token: string): Promise<EmbeddedCaller> {
  let payload: Awaited<ReturnType<ReturnType<typeof shopifyLibrary>['session']['decodeSessionToken']>>;
  try {
    payload = await shopifyLibrary(settings).session.decodeSessionToken(token);
  } catch {
    // The library's message repeats the token: neither passed on nor logged.
    throw refused('Your Shopify session has expired or is not valid for Settle. Reload Settle from your Shopify admin.');
  }
  const shop = typeof payload.dest === 'string' ? payload.dest.replace(/^https:\/\//, '') : '';
  if (!isShopDomain(shop) || payload.iss !== `https://${shop}/admin`) {
    throw refused('The Shopify session does not name the shop it came from. Reload Settle from your Shopify admin.');
  }
  if (typeof payload.sub !== 'string' || !payload.sub) throw refused('The Shopify session names no staff member. Reload Settle from your Shopify admin.');
  return { shop, userId: payload.sub };
}

const libraries = new Map<string, ReturnType<typeof shopifyApi>>();
function shopifyLibrary(settings: EmbeddedAdminSettings) {
  const key = `${settings.apiKey}:${settings.apiSecret}`;
  let made = libraries.get(key);
  if (!made) {
    const url = new URL(settings.publicUrl);
    made = shopifyApi({
      apiKey: settings.apiKey,
      apiSecretKey: settings.apiSecret,
      hostName: url.host,
      hostScheme: url.protocol === 'http:' ? 'http' : 'https',
      apiVersion: ApiVersion.July26,
      isEmbeddedApp: true,
      logger: { level: LogSeverity.Error, log: () => undefined, httpRequests: false, timestamps: false },
    });
    libraries.set(key, made);
  }
  return made;
}

/**
 * The merchant a session token speaks for: its shop mapped through `merchantForShop` (the shop's
 * Shopify connection). A shop Settle does not know is refused: installing is shopify-app's job.
 */
export function embeddedSessionTokenMerchant(
  services: Services,
  merchantForShop: (shop: string) => Promise<string | undefined>,
): ((token: string) => Promise<Merchant>) | undefined {
  const settings = embeddedAdminSettings(services);
  if (!settings) return undefined;
  return async (token) => {
    const { shop } = await verifyEmbeddedSessionToken(settings, token);
    const merchantId = await merchantForShop(shop);
    const merchant = merchantId ? await findMerchant(services.db, merchantId) : undefined;
    if (!merchant) throw refused(`${shop} is not connected to Settle. Install Settle from the Shopify App Store.`);
    return merchant;
  };
}

/**
 * Lets the admin API accept App Bridge session tokens (Authorization: Bearer <JWT>) besides what
 * `auth` accepts (API keys, the session cookie). TODO(merge): shopify-app's requireMerchant takes the
 * verifier itself; this wrapper then goes.
 */
export function acceptSessionTokens(auth: RequestHandler, merchantFor: ((token: string) => Promise<Merchant>) | undefined): RequestHandler {
  if (!merchantFor) return auth;
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!bearer || !looksLikeSessionToken(bearer)) return auth(req, res, next);
    try {
      req.merchant = await merchantFor(bearer);
    } catch (error) {
      if (error instanceof SettleError) return sendError(res, error.status, error.code, error.message);
      throw error;
    }
    next();
  };
}
