/**
 * How a payment was made, in the merchant's words. Stored in the processor's words (Stripe's
 * `payment_method_details.type`, or for a card in a wallet the wallet's `card.wallet.type`: an
 * Apple Pay payment is a card payment to Stripe, but "Apple Pay" is what the merchant looks for).
 */
const NAMES: Record<string, string> = {
  card: 'Card',
  apple_pay: 'Apple Pay',
  google_pay: 'Google Pay',
  samsung_pay: 'Samsung Pay',
  link: 'Link',
  sepa_debit: 'SEPA Direct Debit',
  card_present: 'Card in person',
  interac_present: 'Card in person',
};

/** null until the processor has said how the shopper paid. */
export function paymentMethodName(type: string | null): string | null {
  if (!type) return null;
  return NAMES[type] ?? type.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
