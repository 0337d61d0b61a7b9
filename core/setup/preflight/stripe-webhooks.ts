import { ok, problem, skipped, type PreflightCheck } from './check';

/**
 * Stripe tells Settle about payments, refunds, disputes and payouts through a webhook endpoint:
 * without it (deleted in the Stripe Dashboard, disabled, pointing elsewhere, missing events) or with
 * a signing secret Settle does not hold, payments are taken but orders never marked paid. Checked
 * end to end: Stripe sends a signed event and Settle's webhook route must accept it.
 */
export const stripeWebhooksCheck: PreflightCheck = {
  id: 'stripe_webhooks',
  title: 'Stripe webhooks reach Settle, signature verified',
  async run({ facts, choices }) {
    if (!choices.connect.stripe) return skipped('Stripe is not part of this setup.');
    if (!(await facts.stripe())) return problem('Stripe is not connected yet.', 'Go back to "Connect" and connect your Stripe account.');
    const endpoint = await facts.stripeWebhookEndpoint();
    const ownEndpoint = endpoint !== undefined && !endpoint.viaPlatform;
    const renew = (text: string) => problem(text, 'Press "Register the webhook again": Settle replaces its endpoint in your Stripe account with a new one and keeps its signing secret.', 'renew_stripe_webhook');
    if (endpoint && ownEndpoint) {
      if (!endpoint.exists) return renew('Settle\'s webhook endpoint is gone from your Stripe account (it was deleted in the Stripe Dashboard), so Stripe tells Settle nothing.');
      if (endpoint.status !== 'enabled') return renew(`Settle's webhook endpoint is ${endpoint.status} in your Stripe account, so Stripe sends Settle nothing.`);
      if (endpoint.url !== endpoint.expectedUrl) return renew(`Settle's webhook endpoint in Stripe sends events to ${endpoint.url ?? 'nowhere'}, not to Settle (${endpoint.expectedUrl}).`);
      if (endpoint.missingEvents.length > 0) return renew(`Settle's webhook endpoint in Stripe does not send ${endpoint.missingEvents.join(', ')}.`);
    }
    const delivery = await facts.stripeTestDelivery();
    if (delivery !== 'received') {
      const text = 'Stripe sent Settle a test event, but Settle did not accept it: the webhook signing secret Settle holds does not match your endpoint\'s (it may have been rolled in the Stripe Dashboard), or Stripe cannot reach Settle.';
      return ownEndpoint ? renew(text) : problem(text, 'Ask whoever runs your Settle to check its Stripe Connect webhook endpoint and signing secret (STRIPE_CONNECT_WEBHOOK_SECRET).');
    }
    return ok('Stripe sent a signed test event and Settle accepted it.');
  },
};
