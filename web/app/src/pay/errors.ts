// Turns Stripe API errors into sentences a shopper understands. Stripe's own
// `message` is written for developers and can leak detail we don't want to show
// (e.g. that a card was reported stolen), so we never display it verbatim.
import type { CardField } from './card';

export interface StripeErrorBody {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  payment_intent?: { status?: string };
}

export interface ShopperError {
  message: string;
  /** Field to focus so the shopper can fix it, when the error is about one field. */
  field?: CardField;
}

export const GENERIC_DECLINE = 'Your card was declined.';
export const TRY_ANOTHER = 'Your card was declined. Try another card.';

export function shopperMessage(err: StripeErrorBody | undefined): ShopperError {
  if (!err) return { message: 'Something went wrong. Please try again.' };
  // decline_code is more specific than code, so it wins when both are set.
  const reason = err.decline_code ?? err.code ?? '';
  switch (reason) {
    case 'insufficient_funds':
      return { message: 'Your card has insufficient funds. Try another card.' };
    case 'expired_card':
      return { message: 'Your card has expired. Try another card.', field: 'expiry' };
    case 'incorrect_cvc':
    case 'invalid_cvc':
      return { message: "Your card's security code is incorrect.", field: 'cvc' };
    case 'lost_card':
    case 'stolen_card':
    case 'pickup_card':
    case 'fraudulent':
      return { message: TRY_ANOTHER };
    case 'incorrect_number':
    case 'invalid_number':
      return { message: 'Your card number is incorrect.', field: 'number' };
    case 'invalid_expiry_month':
    case 'invalid_expiry_year':
      return { message: "Your card's expiry date is incorrect.", field: 'expiry' };
    case 'payment_intent_authentication_failure':
      return { message: 'We couldn’t verify this payment with your bank, so nothing was charged. Try again, or use another card.' };
    case 'processing_error':
      return { message: 'We couldn’t process your card. Please try again.' };
    case 'rate_limit':
      return { message: 'Too many attempts. Wait a moment and try again.' };
  }
  if (err.type === 'card_error') return { message: GENERIC_DECLINE };
  if (err.type === 'api_error' || err.type === 'api_connection_error') {
    return { message: 'We couldn’t reach the payment processor. Please try again.' };
  }
  return { message: 'Something went wrong with this payment. Refresh the page and try again.' };
}
