// What a PaymentIntent's status means for the shopper, after confirming it or after coming back
// from their bank's 3-D Secure page. Pure (no DOM), so it is unit-testable.
import type { CardField } from './card';
import { shopperMessage } from './errors';
import type { PaymentIntentResult } from './stripe';

export type Outcome =
  | { kind: 'paid' }
  | { kind: 'pending'; message: string }
  /** The bank wants the shopper on its own page first (3-D Secure); it sends them back here. */
  | { kind: 'authenticate'; url: string }
  | { kind: 'failed'; message: string; field?: CardField };

/** Only an http(s) address may become a navigation: a javascript: URL from bad data must not run. */
function safeUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

export function outcomeOf(pi: PaymentIntentResult, backFromBank = false): Outcome {
  // requires_capture: the card is authorized and the store captures it later; for the shopper it is paid.
  if (pi.status === 'succeeded' || pi.status === 'requires_capture') return { kind: 'paid' };
  if (pi.status === 'processing') {
    return { kind: 'pending', message: 'Your payment is processing. The store will update your order when it completes.' };
  }
  if (pi.status === 'requires_action') {
    // Back from the bank with the check still open (the back button, a closed tab): start again.
    if (backFromBank) return { kind: 'failed', message: 'Your bank’s verification wasn’t finished, so nothing was charged. Try again.' };
    const url = pi.next_action?.type === 'redirect_to_url' ? safeUrl(pi.next_action.redirect_to_url?.url) : null;
    if (url) return { kind: 'authenticate', url };
    return { kind: 'failed', message: 'Your bank needs extra verification that this page can’t do. Try another card.' };
  }
  if (pi.status === 'canceled') return { kind: 'failed', message: 'This payment was canceled and nothing was charged. Return to the store to check out again.' };
  return { kind: 'failed', ...shopperMessage(pi.last_payment_error ?? { type: 'card_error' }) };
}
