import Stripe from 'stripe';

/**
 * The official SDK, pointed at `apiBase` (https://api.stripe.com in production, the sandbox in
 * tests and the demo). The SDK retries network errors, 409s and 5xx with the same idempotency key.
 * With `stripeAccount` (a Connect platform's key) every request carries `Stripe-Account`: set on
 * the client, it cannot be forgotten on one call. In production the OAuth calls go to
 * connect.stripe.com by themselves; a `host` override (the sandbox) sends them there too.
 */
export function stripeClient(secretKey: string, apiBase: string, options: { stripeAccount?: string } = {}): Stripe {
  const url = new URL(apiBase);
  return new Stripe(secretKey, {
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'Settle', version: '0.1.0' },
    ...(options.stripeAccount ? { stripeAccount: options.stripeAccount } : {}),
  });
}
