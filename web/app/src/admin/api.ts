// Typed client for Settle's admin API (payments here, payouts in payouts-api.ts). The session is an
// httpOnly cookie, so the browser attaches it for us; we never see or store a token in JS. Inside
// Shopify admin, shopify/session-tokens.ts gives each /api call an App Bridge session token instead.

import type { Money } from '../money';

export type PaymentStatus = 'succeeded' | 'awaiting_payment' | 'processing' | 'requires_authentication' | 'authorized' | 'canceled' | 'failed';
export type OrderStatus = 'paid' | 'marking_paid' | 'awaiting_payment';
export type BooksStatus = 'posted' | 'pending' | 'not_applicable';

export interface PaymentRow {
  id: string;
  orderId: string;
  orderNumber: string;
  amount: Money;
  amountFormatted?: string | null;
  // Typed as string too: a newer server may add states; the UI shows them raw rather than crash.
  status: PaymentStatus | (string & {});
  orderStatus: OrderStatus | (string & {});
  booksStatus: BooksStatus | (string & {});
  booksDocuments: number;
  captureMethod?: 'automatic' | 'manual' | (string & {});
  /** What was taken, once captured; less than `amount` after a partial capture. */
  capturedAmount?: Money | null;
  capturedAmountFormatted?: string | null;
  /** What the sale became in the Stripe balance: converted, with the rate, when presented in another currency. */
  settlement?: { amount: Money; amountFormatted?: string | null; exchangeRate: string | null } | null;
  /** What was given back (refunds that succeeded), wherever they were started. */
  refunded?: Money;
  refundedFormatted?: string | null;
  /** The latest dispute's status, if the shopper's bank disputed the payment. */
  disputeStatus?: string | null;
  failureMessage: string | null;
  /** How the shopper paid, in the merchant's words ("Card", "Apple Pay", "Google Pay", …), once known. */
  paymentMethodName?: string | null;
  createdAt: string;
}

export interface LedgerBalance {
  role: string;
  name: string;
  currency: string;
  balance: number;
  balanceFormatted?: string | null;
}

export interface PaymentsResponse {
  merchant: { id: string; name: string };
  payments: PaymentRow[];
  balances: LedgerBalance[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** GET a JSON resource of Settle's API with the session cookie; errors become ApiError with the server's words. */
export async function getJson<T>(url: string, isValid: (body: unknown) => boolean, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'network', 'Could not reach Settle. Check your connection; we will keep retrying.');
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `Request failed (HTTP ${res.status}).`);
  }
  if (!body || typeof body !== 'object' || !isValid(body)) {
    throw new ApiError(res.status, 'bad_response', 'Settle sent an unexpected response.');
  }
  return body as T;
}

export function fetchPayments(signal?: AbortSignal): Promise<PaymentsResponse> {
  return getJson<PaymentsResponse>('/api/payments', (body) => Array.isArray((body as PaymentsResponse).payments), signal);
}
