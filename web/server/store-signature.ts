import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Services } from './services';
import { checkRequestSignature, useSignatureOnce } from '../../core/merchants/store-signatures';
import { sendError } from './http';

declare module 'express-serve-static-core' {
  interface Request {
    rawBody?: Buffer;
  }
}

export interface WooSettings { siteUrl: string; requireSignedRequests?: boolean; /** When this store was first connected (ISO). */ connectedAt?: string }
export interface WooSecrets { consumerKey: string; consumerSecret: string; connectionSecret?: string }

const REQUEST_TOLERANCE_SECONDS = 300;

/** JSON body parser that keeps the raw bytes: the signature covers the body exactly as sent. */
export function jsonKeepingRaw(limit: string | number): RequestHandler {
  return json({ limit, verify: (req, _res, buf) => { (req as Request).rawBody = buf; } });
}

/**
 * Checks `X-Settle-Signature` on a store plugin's call (after the API key named the merchant). A call
 * without it passes unless the merchant requires signed calls; a bad, stale or replayed one is a 401
 * and nothing runs. The admin in the browser (session cookie) is not a store plugin and is not asked.
 */
export function storeSignature(services: Services): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const header = req.get('x-settle-signature');
      const fromPlugin = req.headers.authorization?.startsWith('Bearer ') ?? false;
      // Present but empty is a signature that is wrong, not an unsigned call.
      if (!fromPlugin && header === undefined) return next();
      const merchantId = req.merchant!.id;
      const woo = await services.connections.find<WooSettings, WooSecrets>(merchantId, 'woocommerce');
      if (header === undefined) {
        if (woo?.settings.requireSignedRequests) return sendError(res, 401, 'signature_required', 'This store requires signed calls: send X-Settle-Signature made with the connection secret.');
        return next();
      }
      const secret = woo?.secrets.connectionSecret;
      if (!secret) return sendError(res, 401, 'signature_invalid', 'X-Settle-Signature does not match: this store has no connection secret yet; connect WooCommerce again.');
      const check = checkRequestSignature(secret, header, req.rawBody?.toString('utf8') ?? '', Date.now() / 1000, REQUEST_TOLERANCE_SECONDS);
      if (!check.valid) {
        if (check.reason === 'stale') return sendError(res, 401, 'signature_stale', 'X-Settle-Signature is older than 5 minutes: check the store server\'s clock and send the call again.');
        return sendError(res, 401, 'signature_invalid', 'X-Settle-Signature does not match the connection secret for this store.');
      }
      if (!(await useSignatureOnce(services.db, merchantId, check.signature, REQUEST_TOLERANCE_SECONDS))) {
        return sendError(res, 401, 'signature_replayed', 'This signed call was already received; sign each call afresh.');
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
