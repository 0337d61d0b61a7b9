// Card wallets (Apple Pay, Google Pay) as Stripe represents them. The shopper's wallet (Apple's or
// Google's servers, with the merchant's publishable key) asks Stripe for a card token; the token's
// card carries `tokenization_method` (apple_pay / android_pay). The page then makes a card
// PaymentMethod from it (`card[token]`), whose `card.wallet` says which wallet, as does the charge's
// `payment_method_details.card.wallet`. The sandbox's control endpoint stands in for the wallet's servers.
import { type Account, type StripeObject, type WalletToken, type WalletType, newId } from './store';
import { PM_SHORTCUTS, lookupCard, luhnValid } from './cards';
import { StripeApiError } from './errors';

export const WALLET_TYPES: WalletType[] = ['apple_pay', 'google_pay'];

/** Stripe's names on the token: Google Pay tokens still say android_pay. */
const TOKENIZATION_METHOD: Record<WalletType, string> = { apple_pay: 'apple_pay', google_pay: 'android_pay' };

/** What a wallet's servers get back from Stripe for the card the shopper picked in the sheet. */
export function createWalletToken(acct: Account, now: number, wallet: string, card = 'pm_card_visa'): StripeObject {
  if (!WALLET_TYPES.includes(wallet as WalletType)) throw new Error(`wallet must be one of ${WALLET_TYPES.join(', ')}`);
  const number = PM_SHORTCUTS[card] ?? card.replace(/[\s-]/g, '');
  if (!luhnValid(number)) throw new Error('card must be a pm_card_* shortcut or a test card number');
  const behaviour = lookupCard(number);
  const expYear = new Date(now * 1000).getUTCFullYear() + 3;
  const dynamicLast4 = String(Math.floor(1000 + Math.random() * 9000));
  const token: StripeObject = {
    id: newId('tok'),
    object: 'token',
    card: {
      id: newId('card'),
      object: 'card',
      address_city: null, address_country: null, address_line1: null, address_line1_check: null, address_line2: null,
      address_state: null, address_zip: null, address_zip_check: null,
      brand: { visa: 'Visa', mastercard: 'MasterCard', amex: 'American Express' }[behaviour.brand],
      country: behaviour.country,
      cvc_check: null,
      dynamic_last4: dynamicLast4,
      exp_month: 12,
      exp_year: expYear,
      funding: behaviour.funding,
      last4: number.slice(-4),
      metadata: {},
      name: null,
      tokenization_method: TOKENIZATION_METHOD[wallet as WalletType],
    },
    client_ip: null,
    created: now,
    livemode: false,
    type: 'card',
    used: false,
  };
  acct.walletTokens.set(token.id, { token, wallet: wallet as WalletType, number, expMonth: 12, expYear, dynamicLast4 });
  return token;
}

/** A wallet token becomes a card once; Stripe refuses a second use. */
export function redeemWalletToken(acct: Account, id: string): WalletToken | undefined {
  const found = acct.walletTokens.get(id);
  if (!found) return undefined;
  if (found.token.used) {
    throw new StripeApiError(400, 'invalid_request_error', `You cannot use a Stripe token more than once: ${id}.`, { code: 'token_already_used', param: 'card[token]' });
  }
  found.token.used = true;
  return found;
}

/** `card.wallet` on the PaymentMethod and on the charge's payment_method_details. */
export function walletDetails(found: WalletToken): Record<string, unknown> {
  // Only the wallet used has its hash; Stripe leaves the other wallets' keys out (not null).
  return { dynamic_last4: found.dynamicLast4, [found.wallet]: {}, type: found.wallet };
}
