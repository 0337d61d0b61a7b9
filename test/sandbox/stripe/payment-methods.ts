// PaymentMethod creation (card only). The card number is read once to find the test-card
// behaviour and is then dropped: the stored object keeps last4/brand/country/funding and a
// fingerprint, and account.cardBehaviour keeps what the card will do at confirmation.
import { createHash } from 'node:crypto';
import { type Account, type StripeObject, newId } from './store';
import { PM_SHORTCUTS, type TestCard, luhnValid, lookupCard } from './cards';
import { StripeApiError, invalidRequest, resourceMissing } from './errors';
import { redeemWalletToken, walletDetails } from './wallets';

const cardError = (code: string, message: string, param: string) =>
  new StripeApiError(402, 'card_error', message, { code, param });

const emptyBilling = () => ({
  address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
  email: null,
  name: null,
  phone: null,
});

interface CardParams {
  number?: string;
  exp_month?: number;
  exp_year?: number;
  cvc?: string;
  token?: string;
}

/** Build and store a card PaymentMethod. `now` is the sandbox clock (expiry check). */
export function createCardPaymentMethod(
  acct: Account,
  now: number,
  card: CardParams,
  extra: { billing_details?: Record<string, unknown>; metadata?: Record<string, string> } = {},
): StripeObject {
  let { number, exp_month, exp_year } = card;
  let wallet: Record<string, unknown> | null = null;
  const fromWallet = card.token !== undefined ? redeemWalletToken(acct, card.token) : undefined;
  if (fromWallet) {
    ({ number, expMonth: exp_month, expYear: exp_year } = fromWallet);
    wallet = walletDetails(fromWallet);
  } else if (card.token !== undefined) {
    // Legacy test tokens (tok_visa, tok_chargeDeclined, ...) map to the pm_card_* numbers.
    number = PM_SHORTCUTS[card.token.replace(/^tok_/, 'pm_card_')];
    if (!number) throw resourceMissing('token', card.token, 'card[token]');
    exp_month = 12;
    exp_year = new Date(now * 1000).getUTCFullYear() + 3;
  }
  if (!number || exp_month === undefined || exp_year === undefined)
    throw invalidRequest('Missing required param: card[number].', { code: 'parameter_missing', param: 'card[number]' });
  number = number.replace(/[\s-]/g, '');
  if (!luhnValid(number)) throw cardError('incorrect_number', 'Your card number is incorrect.', 'card[number]');
  if (exp_month < 1 || exp_month > 12)
    throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", 'card[exp_month]');
  const today = new Date(now * 1000);
  const year = exp_year < 100 ? 2000 + exp_year : exp_year;
  if (year < today.getUTCFullYear() || (year === today.getUTCFullYear() && exp_month < today.getUTCMonth() + 1))
    throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", 'card[exp_year]');
  if (card.cvc !== undefined && !/^\d{3,4}$/.test(card.cvc))
    throw cardError('invalid_cvc', "Your card's security code is invalid.", 'card[cvc]');

  const behaviour: TestCard = lookupCard(number);
  const billing = emptyBilling() as Record<string, unknown>;
  for (const [k, v] of Object.entries(extra.billing_details ?? {})) {
    billing[k] = k === 'address' && v && typeof v === 'object' ? { ...(billing.address as object), ...v } : v;
  }
  const pm: StripeObject = {
    id: newId('pm'),
    object: 'payment_method',
    billing_details: billing,
    card: {
      brand: behaviour.brand,
      checks: {
        address_line1_check: null,
        address_postal_code_check: null,
        cvc_check: card.cvc ? 'unchecked' : null,
      },
      country: behaviour.country,
      exp_month,
      exp_year: year,
      // Same card on the same account -> same fingerprint, as Stripe does.
      fingerprint: createHash('sha256').update(`${acct.id}:${number}`).digest('base64url').slice(0, 16),
      funding: behaviour.funding,
      generated_from: null,
      last4: number.slice(-4),
      networks: { available: [behaviour.brand], preferred: null },
      three_d_secure_usage: { supported: true },
      wallet,
    },
    created: now,
    customer: null,
    livemode: false,
    metadata: extra.metadata ?? {},
    type: 'card',
  };
  acct.paymentMethods.set(pm.id, pm);
  acct.cardBehaviour.set(pm.id, behaviour);
  return pm;
}

/** Resolve a payment_method parameter: a stored pm_ id or a pm_card_* test shortcut. */
export function resolvePaymentMethod(acct: Account, now: number, id: string): StripeObject {
  const shortcut = PM_SHORTCUTS[id];
  if (shortcut) {
    const year = new Date(now * 1000).getUTCFullYear() + 3;
    return createCardPaymentMethod(acct, now, { number: shortcut, exp_month: 12, exp_year: year });
  }
  const pm = acct.paymentMethods.get(id);
  if (!pm) throw resourceMissing('PaymentMethod', id, 'payment_method');
  return pm;
}
