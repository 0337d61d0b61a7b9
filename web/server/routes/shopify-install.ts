import { Router, type Response } from 'express';
import {
  BotActivityDetected, CookieNotFound, HttpResponseError, InvalidHmacError, InvalidOAuthError, InvalidShopError, ShopifyError,
} from '@shopify/shopify-api';
import type { Services } from '../services';
import { SettleError } from '../../../core/errors';
import { linkInstalledShop } from '../../../core/shops/shops';
import { cleanShop, shopifyApp, shopUrl, type ShopifyApp } from '../../../connectors/shopify/app';
import { PostgresShopifySessions } from '../../../connectors/shopify/sessions';
import { route } from '../http';

export const SHOPIFY_CALLBACK_PATH = '/shopify/callback';

/** The configured Shopify app, or a 404 the merchant can read when this Settle has none. */
export function requireShopifyApp(services: Services): ShopifyApp {
  const app = shopifyApp(services.config);
  if (!app) throw new SettleError('shopify_not_configured', 'The Shopify app is not set up on this Settle (SHOPIFY_API_KEY, SHOPIFY_API_SECRET).', 404);
  return app;
}

/**
 * Installing the app through OAuth (authorization code grant): Shopify sends the merchant to
 * /shopify/install?shop=…, Settle sends them on to the shop's consent page with a signed `state`
 * cookie, and the callback checks Shopify's HMAC, the state and the timestamp (the library does)
 * before the code becomes the shop's offline token, stored sealed. A new shop becomes a merchant.
 */
export function shopifyInstallRoutes(services: Services): Router {
  const router = Router();
  const sessions = new PostgresShopifySessions(services.db, services.box);

  router.get('/shopify/install', route(async (req, res) => {
    const app = requireShopifyApp(services);
    const shop = cleanShop(app, req.query.shop);
    if (!shop) return page(res, 400, 'This is not a Shopify shop address (name.myshopify.com). Install Settle from your Shopify admin.');
    // The consent page is the shop's own (`https://{shop}/admin/oauth/authorize`), reached the way every shop call is.
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name: string, value: number | string | readonly string[]) =>
      setHeader(name, name.toLowerCase() === 'location' && typeof value === 'string' ? shopUrl(value) : value);
    await app.auth.begin({ shop, callbackPath: SHOPIFY_CALLBACK_PATH, isOnline: false, rawRequest: req, rawResponse: res });
  }));

  // The merchant's browser, back from the consent page. Nothing is stored unless every check passes.
  router.get(SHOPIFY_CALLBACK_PATH, route(async (req, res) => {
    const app = requireShopifyApp(services);
    let session: Awaited<ReturnType<ShopifyApp['auth']['callback']>>['session'];
    try {
      ({ session } = await app.auth.callback({ rawRequest: req, rawResponse: res, expiring: true }));
    } catch (error) {
      const refusal = callbackRefusal(error);
      if (!refusal) throw error;
      req.log.warn({ reason: refusal.code }, 'Shopify install callback refused');
      return page(res, refusal.status, refusal.message);
    }
    await sessions.storeSession(session);
    const merchantId = await linkInstalledShop(services.db, services.box, session.shop, session.scope ?? '');
    req.log.info({ merchant: merchantId, shop: session.shop }, 'Shopify app installed');
    // Back into Shopify admin, where the embedded app opens.
    res.redirect(302, shopUrl(`https://${session.shop}/admin/apps/${app.config.apiKey}`));
  }));
  return router;
}

/** Why a callback is refused, in words for the merchant; undefined for a failure that is Settle's own. */
function callbackRefusal(error: unknown): { status: number; code: string; message: string } | undefined {
  const again = 'Install Settle again from your Shopify admin.';
  if (error instanceof CookieNotFound) return { status: 400, code: 'oauth_state_missing', message: `This install link has expired or was opened in another browser. ${again}` };
  if (error instanceof InvalidOAuthError || error instanceof InvalidHmacError) {
    return { status: 401, code: 'invalid_oauth_callback', message: `This install link is not from Shopify, or was not started here (signature or state do not match). ${again}` };
  }
  if (error instanceof InvalidShopError) return { status: 400, code: 'invalid_shop', message: `The shop address is not a Shopify shop. ${again}` };
  if (error instanceof BotActivityDetected) return { status: 410, code: 'bot_request', message: 'Automated requests cannot install Settle.' };
  if (error instanceof HttpResponseError) return { status: 502, code: 'shopify_refused_code', message: `Shopify did not accept the install code (${error.response.code}). ${again}` };
  if (error instanceof ShopifyError) return { status: 400, code: 'invalid_oauth_callback', message: `The install could not be completed: ${error.message}. ${again}` };
  // fetch() to the shop failed: nothing was stored, and the merchant can simply try again.
  if (error instanceof TypeError && error.message === 'fetch failed') return { status: 503, code: 'shopify_unavailable', message: `Shopify did not answer. ${again}` };
  return undefined;
}

/** The install pages answer a person in a browser: a short page, not JSON. */
function page(res: Response, status: number, message: string): void {
  res.status(status).type('text/plain').send(message);
}
