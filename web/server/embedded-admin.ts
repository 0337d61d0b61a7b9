/**
 * Settle's admin embedded in Shopify admin: the page Shopify frames (App Bridge 4 first in <head>,
 * framable only by the requesting shop and Shopify admin). The App Bridge session tokens its API
 * calls carry instead of the cookie are verified in routes/shopify-session-token.ts. The WooCommerce
 * merchants' admin (/admin without `embedded=1`) is untouched.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Services } from './services';
import { sendError } from './http';
import { allowFraming } from './security-headers';

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

/** The Shopify app's settings, or undefined when Settle has no Shopify app. */
export function embeddedAdminSettings(services: Services): EmbeddedAdminSettings | undefined {
  const { SHOPIFY_API_KEY: apiKey, SHOPIFY_API_SECRET: apiSecret, SHOPIFY_SHOP_URL: shopUrl, SHOPIFY_ADMIN_ORIGIN: adminOrigin, publicUrl } = services.config;
  if (!apiKey || !apiSecret) return undefined;
  return { apiKey, apiSecret, shopUrl, adminOrigin, publicUrl };
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
    allowFraming(res);
    // Per shop and per client id: never reuse a copy cached for another shop's frame policy.
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(withAppBridge(await html, settings.apiKey));
  };
}
