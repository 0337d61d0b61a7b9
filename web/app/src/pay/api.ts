// Settle's public, unauthenticated endpoint describing one payment for the shopper.
import type { Money } from '../money';
import type { StripeConfig } from './stripe';

export interface PayInfo {
  paymentId: string;
  merchantName: string;
  orderNumber: string;
  amount: Money;
  amountFormatted?: string | null;
  /** The currency's minor-unit digits as Settle counts them (JPY 0, USD 2, KWD 3). */
  currencyExponent?: number;
  /** direct: this page's fields post the card to the processor (sandbox); elements: Stripe.js's Payment Element (live). */
  cardFields?: 'direct' | 'elements';
  /** authorized: the card holds the money until the store captures it; canceled: released, nothing taken. */
  status: 'awaiting_payment' | 'authorized' | 'succeeded' | 'canceled' | (string & {});
  stripe: StripeConfig;
  /** The payment may also be made by SEPA Direct Debit (a euro payment). */
  bankDebit?: boolean;
  returnUrl: string | null;
  /** Sent by Shopify's checkout: the order's name ("Checkout" before Shopify names it) and the way back to the checkout. */
  shopify?: { shop: string; orderName: string; cancelUrl: string | null; resolved: boolean } | null;
}

export class PayInfoError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'PayInfoError';
  }
}

export async function fetchPayInfo(paymentId: string): Promise<PayInfo> {
  let res: Response;
  try {
    res = await fetch(`/api/pay/${encodeURIComponent(paymentId)}`, {
      headers: { Accept: 'application/json' },
      cache: 'no-store',
    });
  } catch {
    throw new PayInfoError(0, 'We couldn’t load this payment. Check your connection and refresh the page.');
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const msg = (body as { error?: { message?: string } } | null)?.error?.message;
    throw new PayInfoError(
      res.status,
      res.status === 404 ? 'We couldn’t find this payment. Check the link from the store.' : (msg ?? 'We couldn’t load this payment.'),
    );
  }
  return body as PayInfo;
}
