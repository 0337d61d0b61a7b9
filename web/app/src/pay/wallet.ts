// Google Pay through the browser's Payment Request API, with Stripe as the gateway: the wallet
// sheet hands back a card token that Stripe made for the merchant's publishable key, the page turns
// it into a PaymentMethod (card[token]) and confirms like a typed card. The card number never
// reaches the page, let alone Settle. (Apple Pay needs Apple's merchant validation: in live mode
// Stripe's Payment Element offers it; here only Google Pay.)
import { toDecimalString } from '../money';
import type { PayInfo } from './api';

const GOOGLE_PAY = 'https://google.com/pay';
/** The Stripe API version the token is made with (the one Settle's connector speaks). */
const STRIPE_VERSION = '2023-08-16';

export function googlePayRequest(info: PayInfo, exponent: number): PaymentRequest | null {
  if (typeof PaymentRequest !== 'function') return null;
  const methodData: PaymentMethodData[] = [{
    supportedMethods: GOOGLE_PAY,
    data: {
      environment: info.stripe.publishableKey.startsWith('pk_live_') ? 'PRODUCTION' : 'TEST',
      apiVersion: 2,
      apiVersionMinor: 0,
      merchantInfo: { merchantName: info.merchantName },
      allowedPaymentMethods: [{
        type: 'CARD',
        parameters: { allowedAuthMethods: ['PAN_ONLY', 'CRYPTOGRAM_3DS'], allowedCardNetworks: ['AMEX', 'MASTERCARD', 'VISA'] },
        tokenizationSpecification: {
          type: 'PAYMENT_GATEWAY',
          parameters: { gateway: 'stripe', 'stripe:version': STRIPE_VERSION, 'stripe:publishableKey': info.stripe.publishableKey },
        },
      }],
    },
  }];
  const total = { label: `${info.merchantName} · Order #${info.orderNumber}`, amount: { currency: info.amount.currency, value: toDecimalString(info.amount.amount, exponent) } };
  try {
    return new PaymentRequest(methodData, { total });
  } catch {
    return null; // e.g. a browser that rejects the method identifier
  }
}

/** Whether to show the wallet button: the browser has Google Pay with a card ready. */
export async function walletAvailable(info: PayInfo, exponent: number): Promise<boolean> {
  const request = googlePayRequest(info, exponent);
  if (!request) return false;
  try {
    return await request.canMakePayment();
  } catch {
    return false; // Chrome throttles canMakePayment; no button is the safe answer
  }
}

/** The Stripe token id inside Google Pay's PaymentData, or null if the sheet gave something else. */
export function stripeTokenOf(details: unknown): string | null {
  const token = (details as { paymentMethodData?: { tokenizationData?: { token?: unknown } } } | null)?.paymentMethodData?.tokenizationData?.token;
  if (typeof token !== 'string') return null;
  try {
    const id = (JSON.parse(token) as { id?: unknown }).id;
    return typeof id === 'string' && /^tok_\w+$/.test(id) ? id : null;
  } catch {
    return null;
  }
}
