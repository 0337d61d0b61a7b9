// Stripe's documented test cards (docs.stripe.com/testing) and the behaviour each one
// triggers. Only this behaviour, the brand, country, funding and last4 are kept — never
// the full number.
export interface CardDecline {
  code: string; // error.code
  decline_code?: string; // only "card_declined" errors carry one
  message: string;
}

export interface TestCard {
  brand: 'visa' | 'mastercard' | 'amex';
  country: string;
  funding: 'credit' | 'debit';
  decline?: CardDecline;
  /** 4000000000000077: the charge's funds skip the pending period. */
  availableImmediately?: boolean;
  /** 4000000000000259: the charge succeeds, then the cardholder disputes it. */
  disputed?: boolean;
  /** 4000000000005126: refunds succeed, then fail asynchronously (next clock advance). */
  refundFails?: boolean;
  /**
   * The issuer asks for 3-D Secure: confirm leaves the intent requires_action until the shopper
   * completes (or fails) the challenge page (three-d-secure.ts). A `decline` then applies after it.
   */
  threeDSecure?: 'required';
  /**
   * 4000002500003155: authentication is asked on-session only; once the card is saved (SetupIntent),
   * off-session charges go through. Other 3-D Secure cards decline off-session with
   * authentication_required.
   */
  offSessionWithoutAuthentication?: boolean;
  /** 4000000000000341: saving the card succeeds (SetupIntent, attach); every charge is declined. */
  declinesOnlyCharges?: boolean;
}

const declined = (decline_code: string, message = 'Your card was declined.'): CardDecline => ({
  code: 'card_declined',
  decline_code,
  message,
});

const visaUS: TestCard = { brand: 'visa', country: 'US', funding: 'credit' };

export const TEST_CARDS: Record<string, TestCard> = {
  '4242424242424242': visaUS,
  '4000056655665556': { brand: 'visa', country: 'US', funding: 'debit' },
  '5555555555554444': { brand: 'mastercard', country: 'US', funding: 'credit' },
  '378282246310005': { brand: 'amex', country: 'US', funding: 'credit' },
  '4000000000000077': { ...visaUS, availableImmediately: true },
  '4000000000000259': { ...visaUS, disputed: true },
  '4000000000005126': { ...visaUS, refundFails: true },
  // 3-D Secure (docs "regulatory cards"): authentication always required / required on-session /
  // 3DS2 required; the last one is declined (card_declined) once the shopper has authenticated.
  '4000002760003184': { ...visaUS, threeDSecure: 'required' },
  '4000002500003155': { ...visaUS, threeDSecure: 'required', offSessionWithoutAuthentication: true },
  '4000000000003220': { ...visaUS, threeDSecure: 'required' },
  '4000008400001629': { ...visaUS, threeDSecure: 'required', decline: declined('generic_decline') },
  // International cards (by issuing country)
  '4000000760000002': { brand: 'visa', country: 'BR', funding: 'credit' },
  '4000002500000003': { brand: 'visa', country: 'FR', funding: 'credit' },
  '4000008260000000': { brand: 'visa', country: 'GB', funding: 'credit' },
  '4000001240000000': { brand: 'visa', country: 'CA', funding: 'credit' },
  '4000003920000003': { brand: 'visa', country: 'JP', funding: 'credit' },
  // Declines
  '4000000000000002': { ...visaUS, decline: declined('generic_decline') },
  '4000000000000341': { ...visaUS, decline: declined('generic_decline'), declinesOnlyCharges: true },
  '4000000000009995': { ...visaUS, decline: declined('insufficient_funds', 'Your card has insufficient funds.') },
  '4000000000009987': { ...visaUS, decline: declined('lost_card') },
  '4000000000009979': { ...visaUS, decline: declined('stolen_card') },
  // These fail with their own error code and no decline_code, as Stripe documents.
  '4000000000000069': { ...visaUS, decline: { code: 'expired_card', message: 'Your card has expired.' } },
  '4000000000000127': {
    ...visaUS,
    decline: { code: 'incorrect_cvc', message: "Your card's security code is incorrect." },
  },
  '4000000000000119': {
    ...visaUS,
    decline: {
      code: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  },
};

/** Stripe's ready-made PaymentMethod ids usable in test mode, mapped to a card number. */
export const PM_SHORTCUTS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_br: '4000000760000002',
  pm_card_fr: '4000002500000003',
  pm_card_gb: '4000008260000000',
  pm_card_ca: '4000001240000000',
  pm_card_jp: '4000003920000003',
  pm_card_bypassPending: '4000000000000077',
  pm_card_createDispute: '4000000000000259',
  pm_card_refundFail: '4000000000005126',
  pm_card_authenticationRequired: '4000002760003184',
  pm_card_authenticationRequiredOnSetup: '4000002500003155',
  pm_card_threeDSecure2Required: '4000000000003220',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeCustomerFail: '4000000000000341',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedLostCard: '4000000000009987',
  pm_card_chargeDeclinedStolenCard: '4000000000009979',
  pm_card_chargeDeclinedExpiredCard: '4000000000000069',
  pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
  pm_card_chargeDeclinedProcessingError: '4000000000000119',
};

/** Luhn check: Stripe rejects a number that fails it with incorrect_number. */
export function luhnValid(number: string): boolean {
  let sum = 0;
  [...number].reverse().forEach((ch, i) => {
    let d = Number(ch);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  });
  return /^\d{12,19}$/.test(number) && sum % 10 === 0;
}

/** Any other Luhn-valid number behaves like a successful US card, brand guessed by prefix. */
export function lookupCard(number: string): TestCard {
  const known = TEST_CARDS[number];
  if (known) return known;
  if (/^5[1-5]|^2[2-7]/.test(number)) return { brand: 'mastercard', country: 'US', funding: 'credit' };
  if (/^3[47]/.test(number)) return { brand: 'amex', country: 'US', funding: 'credit' };
  return visaUS;
}
