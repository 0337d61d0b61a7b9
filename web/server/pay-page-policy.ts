/**
 * What the shopper's payment page may load and who may frame it. Pure, so each rule is unit-tested.
 *
 * Two ways to collect a card, and either way no card data reaches Settle:
 * - `direct`: the page's own fields post the card straight to the processor's API. Only for a
 *   Stripe stand-in (a sandbox) with a test key: the real Stripe refuses raw card numbers from browsers.
 * - `elements`: the page loads Stripe.js from js.stripe.com and mounts the Payment Element, whose
 *   fields live in Stripe's own frames (PCI SAQ A). Used with a live key, or whenever the API is the real Stripe.
 */
export type CardFields = 'direct' | 'elements';

export const STRIPE_JS_URL = 'https://js.stripe.com/v3/';
const REAL_STRIPE_API = 'https://api.stripe.com';

export function cardFieldsFor(publishableKey: string, stripeApiBase: string): CardFields {
  if (publishableKey.startsWith('pk_live_')) return 'elements';
  return new URL(stripeApiBase).origin === REAL_STRIPE_API ? 'elements' : 'direct';
}

/**
 * The store origins allowed to frame the embedded page: where the merchant's connected stores live
 * (a WooCommerce site URL, a Shopify shop). Anything that is not an http(s) origin is left out.
 */
export function storeOrigins(connections: { settings: unknown }[]): string[] {
  const origins = new Set<string>();
  for (const { settings } of connections) {
    const s = (settings ?? {}) as Record<string, unknown>;
    for (const raw of [s.siteUrl, s.shopDomain && `https://${String(s.shopDomain)}`]) {
      if (typeof raw !== 'string') continue;
      try {
        const url = new URL(raw);
        if (url.protocol === 'https:' || url.protocol === 'http:') origins.add(url.origin);
      } catch {
        // A malformed stored URL allows nothing rather than breaking the page.
      }
    }
  }
  return [...origins].sort();
}

export interface PagePolicyInput {
  cardFields: CardFields;
  /** The processor API the direct fields post to (the sandbox's origin). */
  stripeApiBase: string;
  /** null: the hosted page, which nobody may frame; a list: the embedded page, framed only by these. */
  frameAncestors: string[] | null;
}

/** The Content-Security-Policy header: only what the page needs, nothing from `*`. */
export function contentSecurityPolicy(input: PagePolicyInput): string {
  const stripeJs = input.cardFields === 'elements';
  const api = stripeJs ? REAL_STRIPE_API : new URL(input.stripeApiBase).origin;
  const ancestors = input.frameAncestors === null || input.frameAncestors.length === 0 ? "'none'" : input.frameAncestors.join(' ');
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    ['script-src', ["'self'", ...(stripeJs ? ['https://js.stripe.com'] : [])]],
    // The page's own inline <style>; Stripe's Elements style their frames inline too.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', ...(stripeJs ? ['https://*.stripe.com'] : [])]],
    ['connect-src', ["'self'", api]],
    // Stripe.js runs its fields and the 3-D Secure challenge in frames of its own.
    ['frame-src', stripeJs ? ['https://js.stripe.com', 'https://hooks.stripe.com'] : ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', [ancestors]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}
