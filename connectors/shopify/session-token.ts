import { RequestedTokenType } from '@shopify/shopify-api';
import { SettleError } from '../../core/errors';
import { cleanShop, type ShopifyApp } from './app';
import type { PostgresShopifySessions } from './sessions';
import { usableSession } from './shop-access';

/** Who an App Bridge session token speaks for: a staff member of one shop, in the embedded admin. */
export interface ShopifyCaller {
  shop: string;
  userId: string;
}

// Whatever was wrong with the token, what the person in Shopify admin can do about it is the same.
const refused = (message: string) => new SettleError('invalid_session_token', `${message} Reload Settle from your Shopify admin.`, 401);

/** An App Bridge session token is a JWT: three base64url parts, the first a JSON header ("eyJ"). */
export const looksLikeSessionToken = (token: string): boolean => /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(token);

/**
 * Verifies an App Bridge session token as Shopify specifies: HS256 signature with the app's
 * secret, `exp`/`nbf` (the library's check, 10 s of clock leeway), `aud` = the app's client id
 * (the library's), and `dest` a shop whose admin issued it (`iss` = dest + /admin), which the
 * library leaves to the app. Anything else is refused with 401 `invalid_session_token`.
 */
export async function verifySessionToken(app: ShopifyApp, token: string): Promise<ShopifyCaller> {
  let payload: Awaited<ReturnType<ShopifyApp['session']['decodeSessionToken']>>;
  try {
    payload = await app.session.decodeSessionToken(token);
  } catch {
    // The library's message repeats the token itself: it is not passed on, nor logged.
    throw refused('The Shopify session token is not valid for Settle (signature, audience or expiry).');
  }
  const dest = typeof payload.dest === 'string' ? payload.dest : '';
  const shop = cleanShop(app, dest.replace(/^https:\/\//, ''));
  if (!shop || dest !== `https://${shop}` || payload.iss !== `${dest}/admin`) {
    throw refused('The Shopify session token does not name the shop it was issued by.');
  }
  if (typeof payload.sub !== 'string' || !payload.sub) throw refused('The Shopify session token names no staff member.');
  return { shop, userId: payload.sub };
}

/**
 * The shop's offline access token (an expiring one, with its refresh token), got from Shopify in
 * exchange for a session token when Settle has none that works (Shopify-managed install: the app was
 * installed without Settle's OAuth pages; or the refresh token lapsed).
 */
export async function exchangeForOfflineToken(app: ShopifyApp, sessions: PostgresShopifySessions, shop: string, sessionToken: string) {
  const existing = await sessions.loadSession(app.session.getOfflineId(shop));
  if (usableSession(existing)) return { session: existing, exchanged: false };
  const { session } = await app.auth.tokenExchange({ shop, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true });
  await sessions.storeSession(session);
  return { session, exchanged: true };
}
