import Stripe from 'stripe';

/** Verification only needs the SDK's helpers, not an account: no key is used. */
const verifier = new Stripe('sk_verify_only');

export type StripeWebhookCheck =
  | { valid: true; event: Stripe.Event }
  | { valid: false; code: 'missing_signature' | 'invalid_signature' | 'signature_expired' | 'malformed_event'; message: string };

/**
 * Checks `Stripe-Signature` against the raw body with the endpoint's secret (HMAC-SHA256, five
 * minutes' tolerance, timing-safe compare: the SDK's own check). Never throws.
 */
export function verifyStripeWebhook(rawBody: Buffer, signature: string | undefined, secret: string): StripeWebhookCheck {
  if (!signature) return { valid: false, code: 'missing_signature', message: 'The Stripe-Signature header is missing.' };
  let event: Stripe.Event;
  try {
    event = verifier.webhooks.constructEvent(rawBody, signature, secret);
  } catch (error) {
    const e = error as { type?: string; message?: string };
    // The signature is checked before the body is parsed: anything else failing is the body.
    if (e.type !== 'StripeSignatureVerificationError') return { valid: false, code: 'malformed_event', message: 'The webhook body is not valid JSON.' };
    if (/tolerance/i.test(e.message ?? '')) return { valid: false, code: 'signature_expired', message: 'The Stripe-Signature timestamp is too old; the delivery may be a replay.' };
    return { valid: false, code: 'invalid_signature', message: 'The Stripe-Signature does not match this endpoint’s signing secret.' };
  }
  // A signed body of `null`, a number or an array parses, yet is no event (and has no id to read).
  const fields = (typeof event === 'object' && event !== null ? event : {}) as Partial<Stripe.Event>;
  if (typeof fields.id !== 'string' || typeof fields.type !== 'string') {
    return { valid: false, code: 'malformed_event', message: 'The webhook body is not a Stripe event.' };
  }
  return { valid: true, event };
}
