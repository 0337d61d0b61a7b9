import type Stripe from 'stripe';
import { SettleError } from '../../core/errors';
import { stripeClient } from './client';
import type { StripeSettings } from './processor';
import { STRIPE_EVENTS } from './mapping';


/**
 * Connects a merchant's Stripe account with their API keys: checks the keys, registers Settle's
 * webhook endpoint for this merchant and keeps its signing secret.
 */
export async function connectStripe(input: { secretKey: string; publishableKey: string; webhookUrl: string; apiBase: string }): Promise<{
  settings: StripeSettings;
  secrets: { secretKey: string; webhookSecret: string };
}> {
  if (!/^sk_(test|live)_/.test(input.secretKey)) throw new SettleError('invalid_stripe_key', 'The Stripe secret key should start with sk_test_ or sk_live_.');
  if (!/^pk_(test|live)_/.test(input.publishableKey)) throw new SettleError('invalid_stripe_key', 'The Stripe publishable key should start with pk_test_ or pk_live_.');
  if (input.secretKey.split('_')[1] !== input.publishableKey.split('_')[1]) {
    throw new SettleError('stripe_key_mode_mismatch', 'The secret and publishable keys are from different modes (test and live).');
  }
  const stripe = stripeClient(input.secretKey, input.apiBase);
  try {
    // The key is Settle's webhook URL (it names the merchant): connecting twice in a row, or a retry
    // after a lost answer, registers one endpoint, not two.
    const endpoint = await stripe.webhookEndpoints.create(
      { url: input.webhookUrl, enabled_events: STRIPE_EVENTS as Stripe.WebhookEndpointCreateParams.EnabledEvent[] },
      { idempotencyKey: `webhook-endpoint-${input.webhookUrl}` },
    );
    if (!endpoint.secret) throw new Error('Stripe returned no signing secret');
    return {
      settings: { publishableKey: input.publishableKey, webhookEndpointId: endpoint.id },
      secrets: { secretKey: input.secretKey, webhookSecret: endpoint.secret },
    };
  } catch (error) {
    const e = error as { type?: string; message?: string };
    if (e.type === 'StripeAuthenticationError') throw new SettleError('stripe_key_rejected', 'Stripe did not accept this secret key.', 400);
    throw error;
  }
}

/**
 * A merchant moving from API keys to Stripe Connect: the webhook endpoint Settle registered on their
 * account with those keys would keep sending events nobody takes. Removed with the old key; if that
 * key no longer works, there is nothing more Settle can do (Stripe disables the endpoint in time).
 */
export async function removeKeyWebhook(previous: { secretKey: string; webhookEndpointId: string }, apiBase: string): Promise<boolean> {
  try {
    await stripeClient(previous.secretKey, apiBase).webhookEndpoints.del(previous.webhookEndpointId);
    return true;
  } catch {
    return false;
  }
}
