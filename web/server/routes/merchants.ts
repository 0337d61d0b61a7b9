import { Router, json } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { createMerchant } from '../../../core/merchants/merchants';
import { connectStripe } from '../../../connectors/stripe/connect';
import { parseBody, route, sendError } from '../http';
import { SESSION_COOKIE, type SessionTokens } from '../auth';
import type { RequestHandler, Response } from 'express';
import { checkSsoSignature, newConnectionSecret, useSignatureOnce } from '../../../core/merchants/store-signatures';
import type { WooSecrets, WooSettings } from '../store-signature';
import { startOrderImport } from '../../../core/stores/order-imports';

const stripeBody = z.object({ secretKey: z.string().min(10).max(300), publishableKey: z.string().min(10).max(300) }).strict();
const wooBody = z
  .object({
    siteUrl: z.url().max(500), consumerKey: z.string().regex(/^ck_\w+$/), consumerSecret: z.string().regex(/^cs_\w+$/),
    requireSignedRequests: z.boolean().optional().describe('refuse the plugin\'s calls that carry no X-Settle-Signature'),
  })
  .strict();
const SSO_LINK_SECONDS = 60;
const quickBooksBody = z
  .object({
    realmId: z.string().regex(/^\d+$/),
    clientId: z.string().min(1).max(200),
    clientSecret: z.string().min(1).max(200),
    accessToken: z.string().min(1).max(5000),
    refreshToken: z.string().min(1).max(500),
    expiresIn: z.number().int().positive().max(86_400),
  })
  .strict();

/** The WooCommerce connection, saved the same way whether keys were pasted or came from wc-auth. */
export async function saveWooConnection(
  services: Services, merchantId: string,
  input: { siteUrl: string; consumerKey: string; consumerSecret: string; requireSignedRequests?: boolean },
) {
  const { siteUrl, consumerKey, consumerSecret, requireSignedRequests } = input;
  const previous = await services.connections.find<WooSettings, WooSecrets>(merchantId, 'woocommerce');
  const connectedAt = previous?.settings.siteUrl === siteUrl ? previous.settings.connectedAt : undefined;
  const settings: WooSettings = {
    siteUrl, requireSignedRequests: requireSignedRequests ?? previous?.settings.requireSignedRequests ?? false, connectedAt: connectedAt ?? new Date().toISOString(),
  };
  // The plugin signs its calls and admin links with this secret. Saving the connection again keeps
  // it, so a plugin already set up goes on working.
  const connectionSecret = previous?.secrets.connectionSecret ?? newConnectionSecret();
  await services.connections.save({ merchantId, platform: 'woocommerce', settings, secrets: { consumerKey, consumerSecret, connectionSecret } });
  // The store's recent orders are read in the background (an import already running is kept).
  await startOrderImport(services, merchantId, 'connected');
  return { platform: 'woocommerce' as const, settings, storeId: merchantId, connectionSecret };
}

/**
 * Sign-up and platform connections. Real onboarding connects through each platform's OAuth (later
 * issues); these endpoints take the credentials that flow produces.
 */
export function merchantRoutes(services: Services, auth: RequestHandler, tokens: SessionTokens): Router {
  const router = Router();
  const body = json({ limit: services.config.API_BODY_LIMIT });

  router.post('/api/merchants', body, route(async (req, res) => {
    const { name } = parseBody(z.object({ name: z.string() }).strict(), req);
    const created = await createMerchant(services.db, name);
    res.status(201).json(created);
  }));

  router.put('/api/connections/stripe', auth, body, route(async (req, res) => {
    const input = parseBody(stripeBody, req);
    const merchantId = req.merchant!.id;
    const { settings, secrets } = await connectStripe({
      ...input,
      apiBase: services.config.STRIPE_API_BASE,
      webhookUrl: `${services.config.publicUrl}/webhooks/stripe/${merchantId}`,
    });
    await services.connections.save({ merchantId, platform: 'stripe', settings, secrets });
    res.json({ platform: 'stripe', settings });
  }));

  router.put('/api/connections/woocommerce', auth, body, route(async (req, res) => {
    res.json(await saveWooConnection(services, req.merchant!.id, parseBody(wooBody, req)));
  }));

  // For pasting into the plugin's settings (store id and connection secret).
  router.get('/api/connections/woocommerce/connection-secret', auth, route(async (req, res) => {
    const woo = await services.connections.find<WooSettings, WooSecrets>(req.merchant!.id, 'woocommerce');
    if (!woo?.secrets.connectionSecret) return sendError(res, 404, 'not_connected', 'Connect WooCommerce first: PUT /api/connections/woocommerce.');
    res.setHeader('Cache-Control', 'no-store');
    res.json({ storeId: req.merchant!.id, connectionSecret: woo.secrets.connectionSecret });
  }));

  router.put('/api/connections/quickbooks', auth, body, route(async (req, res) => {
    const { realmId, expiresIn, ...secrets } = parseBody(quickBooksBody, req);
    const settings = { realmId, status: 'active' };
    await services.connections.save({
      merchantId: req.merchant!.id, platform: 'quickbooks', settings,
      secrets: { ...secrets, accessTokenExpiresAt: Date.now() + expiresIn * 1000 },
    });
    res.json({ platform: 'quickbooks', settings });
  }));

  router.get('/api/connections', auth, route(async (req, res) => {
    res.json({ connections: await services.connections.list(req.merchant!.id) });
  }));

  // A short-lived sign-in link for the admin (opened from a store's admin or printed by the demo).
  router.post('/api/admin-links', auth, route(async (req, res) => {
    const token = tokens.issue(req.merchant!.id, 'link', 300);
    res.status(201).json({ url: `${services.config.publicUrl}/admin/login?token=${encodeURIComponent(token)}`, expiresIn: 300 });
  }));

  router.get('/admin/login', (req, res) => {
    const merchantId = tokens.verify(typeof req.query.token === 'string' ? req.query.token : undefined, 'link');
    if (!merchantId) {
      res.status(401).type('text/plain').send('This sign-in link has expired or is not valid. Open Settle again from your store.');
      return;
    }
    signIn(res, merchantId);
  });

  // The plugin's "Settle" page in the WordPress admin: a link signed with the connection secret,
  // valid 60 s and once, signs the merchant in as /admin/login does. No second password.
  router.get('/admin/sso', route(async (req, res) => {
    const q = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : '');
    const refuse = () => res.status(401).type('text/plain').send('This sign-in link has expired, was already used or is not valid. Open Settle again from your store.');
    const store = q('store');
    if (!/^[\w-]{1,64}$/.test(store)) return refuse();
    const woo = await services.connections.find<WooSettings, WooSecrets>(store, 'woocommerce');
    const secret = woo?.secrets.connectionSecret;
    if (!secret) return refuse();
    const check = checkSsoSignature(secret, store, q('t'), q('sig'), Date.now() / 1000, SSO_LINK_SECONDS);
    if (!check.valid || !(await useSignatureOnce(services.db, store, `sso.${check.signature}`, SSO_LINK_SECONDS))) return refuse();
    signIn(res, store);
  }));

  function signIn(res: Response, merchantId: string) {
    const secure = services.config.publicUrl.startsWith('https:') ? '; Secure' : '';
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${encodeURIComponent(tokens.issue(merchantId, 'session', 8 * 3600))}; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800${secure}`);
    res.redirect(303, '/admin/');
  }
  return router;
}
