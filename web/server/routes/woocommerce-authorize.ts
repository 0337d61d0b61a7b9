import { createHash } from 'node:crypto';
import { Router, json, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import type { SessionTokens } from '../auth';
import { parseBody, route, sendError } from '../http';
import { useSignatureOnce } from '../../../core/merchants/store-signatures';
import { saveWooConnection } from './merchants';

const AUTHORIZE_SECONDS = 15 * 60;
const keysBody = z.object({
  key_id: z.number().int(), user_id: z.string().max(300),
  consumer_key: z.string().regex(/^ck_\w+$/), consumer_secret: z.string().regex(/^cs_\w+$/),
  key_permissions: z.literal('read_write'),
});

/**
 * "Connect to Settle": the merchant (or the plugin's button) opens the start URL; Settle sends the
 * browser to the store's /wc-auth/v1/authorize with user_id = a signed token naming the merchant,
 * valid 15 minutes and once. WooCommerce POSTs the new keys to the callback, which saves them as
 * PUT /api/connections/woocommerce does.
 */
export function wooAuthorizeRoutes(services: Services, auth: RequestHandler, tokens: SessionTokens): Router {
  const router = Router();

  router.get('/connect/woocommerce', auth, route(async (req, res) => {
    let site: URL;
    try { site = new URL(typeof req.query.site === 'string' ? req.query.site : ''); } catch { site = new URL('about:blank'); }
    if (site.protocol !== 'https:' && site.protocol !== 'http:') return sendError(res, 400, 'invalid_site', 'Give the store\'s address, e.g. ?site=https://shop.example.com/.');
    const siteUrl = site.toString().endsWith('/') ? site.toString() : `${site.toString()}/`;
    const callback = new URL(`${services.config.publicUrl}/connect/woocommerce/callback`);
    callback.searchParams.set('site', siteUrl);
    const authorize = new URL('wc-auth/v1/authorize', siteUrl);
    authorize.search = new URLSearchParams({
      app_name: 'Settle', scope: 'read_write',
      // The token names the merchant and the store's address, so the keys can only be saved for that store.
      user_id: tokens.issue(`${req.merchant!.id}~${siteFingerprint(siteUrl)}`, 'wc-auth', AUTHORIZE_SECONDS),
      return_url: `${services.config.publicUrl}/admin/`, callback_url: callback.toString(),
    }).toString();
    res.redirect(302, authorize.toString());
  }));

  router.post('/connect/woocommerce/callback', json({ limit: '16kb' }), route(async (req, res) => {
    const keys = parseBody(keysBody, req);
    const [merchantId, fingerprint] = (tokens.verify(keys.user_id, 'wc-auth') ?? '').split('~');
    const site = typeof req.query.site === 'string' ? req.query.site : '';
    if (!merchantId || !/^https?:\/\//.test(site) || fingerprint !== siteFingerprint(site)) return sendError(res, 401, 'invalid_user_id', 'This connection request has expired or is not valid. Start again from Settle.');
    if (!(await useSignatureOnce(services.db, merchantId, `wc-auth.${keys.user_id.split('.')[3]}`, AUTHORIZE_SECONDS))) {
      return sendError(res, 409, 'already_used', 'This connection request was already used. Start again from Settle.');
    }
    await saveWooConnection(services, merchantId, { siteUrl: site, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret });
    res.json({ connected: true });
  }));
  return router;
}

/** A store address as it goes into a signed token (base64url: no dots to break the token's format). */
function siteFingerprint(siteUrl: string): string {
  return createHash('sha256').update(siteUrl).digest('base64url');
}
