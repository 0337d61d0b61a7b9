import Stripe from 'stripe';

/**
 * The official SDK, pointed at `apiBase` (https://api.stripe.com in production, the sandbox in
 * tests and the demo). The SDK retries network errors, 409s and 5xx with the same idempotency key.
 */
export function stripeClient(secretKey: string, apiBase: string): Stripe {
  const url = new URL(apiBase);
  return new Stripe(secretKey, {
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'Settle', version: '0.1.0' },
  });
}
