import Stripe from 'stripe';
import { SettleError } from '../../core/errors';
import type { StripeSettings } from './processor';

/** Settle as a Stripe Connect platform: its OAuth client id, its own secret key, where consent happens. */
export interface StripePlatform {
  clientId: string;
  secretKey: string;
  /** https://connect.stripe.com in production (the sandbox in tests and the demo). */
  connectBase: string;
}

/**
 * Where the merchant's browser goes to connect their Standard account: Stripe's consent page, which
 * sends them back to `redirectUri` with `code` and our `state`. read_write: Settle creates payments.
 */
export function stripeAuthorizeUrl(platform: StripePlatform, state: string, redirectUri: string): string {
  const url = new URL('/oauth/authorize', platform.connectBase);
  url.search = new URLSearchParams({ response_type: 'code', client_id: platform.clientId, scope: 'read_write', state, redirect_uri: redirectUri }).toString();
  return url.toString();
}

/**
 * Completes the connection: exchanges the single-use code for the connected account's id. The OAuth
 * access token is not kept: every call is made with the platform's key and `Stripe-Account`.
 */
export async function exchangeStripeCode(stripe: Stripe, code: string): Promise<Extract<StripeSettings, { mode: 'connect' }>> {
  try {
    const token = await stripe.oauth.token({ grant_type: 'authorization_code', code });
    if (!token.stripe_user_id || !token.stripe_publishable_key) throw new Error('Stripe returned no connected account');
    return {
      mode: 'connect', accountId: token.stripe_user_id, publishableKey: token.stripe_publishable_key,
      scope: token.scope ?? 'read_write', livemode: token.livemode ?? false, status: 'active', connectedAt: new Date().toISOString(),
    };
  } catch (error) {
    if (error instanceof Stripe.errors.StripeOAuthError) {
      throw new SettleError('stripe_connect_failed', `Stripe did not complete the connection (${error.message}). Start connecting Stripe again from Settle.`, 400);
    }
    throw error;
  }
}

/** Removes Settle from the connected account. Already removed (by its owner) counts as done. */
export async function deauthorizeStripe(stripe: Stripe, platform: StripePlatform, accountId: string): Promise<void> {
  try {
    await stripe.oauth.deauthorize({ client_id: platform.clientId, stripe_user_id: accountId });
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidClientError && /not connected/i.test(error.message)) return;
    throw error;
  }
}
