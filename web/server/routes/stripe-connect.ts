import { Router, type RequestHandler, type Response } from 'express';
import type { Services } from '../services';
import { SettleError } from '../../../core/errors';
import { endConnection } from '../../../core/merchants/connections';
import { OAuthStates } from '../../../core/merchants/oauth-states';
import { stripeClient } from '../../../connectors/stripe/client';
import { removeKeyWebhook } from '../../../connectors/stripe/connect';
import { deauthorizeStripe, exchangeStripeCode, stripeAuthorizeUrl, type StripePlatform } from '../../../connectors/stripe/oauth';
import type { StripeSettings } from '../../../connectors/stripe/processor';
import { route } from '../http';

/** How long a merchant has on Stripe's consent page before the link must be asked for again. */
const STATE_TTL_SECONDS = 15 * 60;

/**
 * Stripe Connect (Standard accounts, OAuth): the merchant asks for Stripe's consent link, Stripe sends
 * their browser back to the callback, which binds the connected account to the merchant who asked.
 * Disconnecting removes Settle from the account at Stripe.
 */
export function stripeConnectRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();
  const { config } = services;
  const states = new OAuthStates(services.db, config.encryptionKey);
  const redirectUri = `${config.publicUrl}/connect/stripe/callback`;
  const platform = (): StripePlatform => {
    if (!config.STRIPE_CONNECT_CLIENT_ID || !config.STRIPE_PLATFORM_SECRET_KEY) {
      throw new SettleError('stripe_connect_not_configured', 'Connecting through Stripe is not set up on this Settle (STRIPE_CONNECT_CLIENT_ID). Connect with API keys instead.', 409);
    }
    return { clientId: config.STRIPE_CONNECT_CLIENT_ID, secretKey: config.STRIPE_PLATFORM_SECRET_KEY, connectBase: config.STRIPE_CONNECT_BASE };
  };
  const platformStripe = (p: StripePlatform) => stripeClient(p.secretKey, config.STRIPE_API_BASE);

  router.post('/api/connections/stripe/oauth', auth, route(async (req, res) => {
    const p = platform();
    const state = await states.issue(req.merchant!.id, 'stripe', STATE_TTL_SECONDS);
    res.status(201).json({ url: stripeAuthorizeUrl(p, state, redirectUri), expiresIn: STATE_TTL_SECONDS });
  }));

  // The merchant's browser, back from Stripe. It carries no session: the state says whose it is.
  router.get('/connect/stripe/callback', route(async (req, res) => {
    const query = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);
    const merchantId = await states.consume(query('state'), 'stripe');
    if (!merchantId) return page(res, 400, 'This Stripe connection link has expired, was already used or is not from Settle. Start connecting Stripe again from Settle.');
    if (query('error')) return page(res, 400, `Stripe was not connected: ${query('error_description') ?? query('error')}. You can try again from Settle.`);
    const code = query('code');
    if (!code) return page(res, 400, 'Stripe sent no authorization code. Start connecting Stripe again from Settle.');
    const p = platform();
    let settings: Awaited<ReturnType<typeof exchangeStripeCode>>;
    try {
      settings = await exchangeStripeCode(platformStripe(p), code);
    } catch (error) {
      if (error instanceof SettleError) return page(res, error.status, error.message);
      throw error;
    }
    const previous = await services.connections.find<StripeSettings, { secretKey?: string }>(merchantId, 'stripe');
    const owner = await services.connections.merchantForAccount('stripe', settings.accountId);
    const current = owner && owner !== merchantId ? await services.connections.find<StripeSettings, object>(owner, 'stripe') : undefined;
    if (current?.settings.mode === 'connect' && current.settings.status === 'active' && current.settings.accountId === settings.accountId) {
      return page(res, 409, 'This Stripe account is already connected to another Settle merchant. Disconnect it there first.');
    }
    await services.connections.save({ merchantId, platform: 'stripe', settings, secrets: {} });
    if (previous && previous.settings.mode !== 'connect' && previous.secrets.secretKey) {
      const removed = await removeKeyWebhook({ secretKey: previous.secrets.secretKey, webhookEndpointId: previous.settings.webhookEndpointId }, config.STRIPE_API_BASE);
      if (!removed) req.log.warn({ merchant: merchantId }, 'the webhook endpoint registered with the old Stripe keys could not be removed');
    }
    req.log.info({ merchant: merchantId, account: settings.accountId }, 'Stripe account connected through Connect');
    res.redirect(303, '/admin/?connected=stripe');
  }));

  router.delete('/api/connections/stripe', auth, route(async (req, res) => {
    const merchantId = req.merchant!.id;
    const c = await services.connections.find<StripeSettings, object>(merchantId, 'stripe');
    if (!c) throw new SettleError('platform_not_connected', 'Stripe is not connected.', 404);
    if (c.settings.mode !== 'connect') {
      throw new SettleError('stripe_connected_with_keys', 'This Stripe account was connected with API keys: roll the keys in Stripe to end Settle\'s access, then connect again here.', 409);
    }
    if (c.settings.status !== 'revoked') {
      const p = platform();
      // Ended here first, so Stripe's account.application.deauthorized finds it the merchant's doing;
      // if Stripe cannot be reached, asking again repeats the call (not connected counts as done).
      await endConnection(services.db, merchantId, 'stripe', c.settings.accountId, 'disconnected');
      await deauthorizeStripe(platformStripe(p), p, c.settings.accountId);
    }
    res.json({ platform: 'stripe', status: (await services.connections.list(merchantId)).find((x) => x.platform === 'stripe')?.status });
  }));
  return router;
}

/** The callback answers a person in a browser: a short page, not JSON. */
function page(res: Response, status: number, message: string): void {
  res.status(status).type('text/plain').send(message);
}
