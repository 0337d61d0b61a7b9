import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { findMerchantByApiKey, findMerchant, type Merchant } from '../../core/merchants/merchants';
import type { Queryable } from '../../core/storage/database';
import { sendError } from './http';
import { looksLikeSessionToken } from '../../connectors/shopify/session-token';

declare module 'express-serve-static-core' {
  interface Request {
    merchant?: Merchant;
  }
}

export const SESSION_COOKIE = 'settle_session';

/**
 * Signed, expiring tokens for admin sign-in links and the session cookie: merchant id and expiry,
 * HMAC-SHA256 with a key derived from the encryption key. Nothing to store, nothing to look up.
 */
/** wc-auth: the user_id of WooCommerce's app authorization, naming the merchant connecting a store. */
export type TokenPurpose = 'link' | 'session' | 'wc-auth';

export class SessionTokens {
  private readonly key: Buffer;
  constructor(encryptionKey: Buffer) {
    this.key = createHmac('sha256', encryptionKey).update('settle admin sessions').digest();
  }

  issue(merchantId: string, purpose: TokenPurpose, ttlSeconds: number): string {
    const body = `${purpose}.${merchantId}.${Math.floor(Date.now() / 1000) + ttlSeconds}`;
    return `${body}.${createHmac('sha256', this.key).update(body).digest('base64url')}`;
  }

  verify(token: string | undefined, purpose: TokenPurpose): string | undefined {
    const parts = token?.split('.') ?? [];
    if (parts.length !== 4 || parts[0] !== purpose) return undefined;
    const [kind, merchantId, expires, mac] = parts as [string, string, string, string];
    const expected = createHmac('sha256', this.key).update(`${kind}.${merchantId}.${expires}`).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    if (Number(expires) < Date.now() / 1000) return undefined;
    return merchantId;
  }
}

export function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined; // not percent-encoding (a forged or mangled cookie): no session, not a 500
    }
  }
  return undefined;
}

/**
 * Merchant API key (server-to-server, store plugins), the admin session cookie (browser), or an App
 * Bridge session token (the admin embedded in Shopify admin; `shopifyToken` verifies it or throws).
 */
export function requireMerchant(db: Queryable, tokens: SessionTokens, shopifyToken?: (token: string) => Promise<Merchant>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    let merchant: Merchant | undefined;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (bearer && shopifyToken && looksLikeSessionToken(bearer)) merchant = await shopifyToken(bearer);
    else if (bearer) merchant = await findMerchantByApiKey(db, bearer);
    else {
      const merchantId = tokens.verify(cookie(req, SESSION_COOKIE), 'session');
      if (merchantId) merchant = await findMerchant(db, merchantId);
    }
    if (!merchant) return sendError(res, 401, 'unauthenticated', 'Sign in to Settle, or send a valid API key as a Bearer token.');
    req.merchant = merchant;
    next();
  };
}
