// The merchant's actions on a payment (capture, release, refund) and on a dispute (evidence), and the
// lists they show (refunds of a payment, disputes). Amounts go to the server in minor units.
import { currencyExponent, type Money } from '../money';
import { ApiError, getJson, type PaymentRow } from './api';

export interface RefundRow {
  id: string;
  amount: Money;
  amountFormatted?: string | null;
  reason: string | null;
  /** Where it was started: Settle (this admin or the API), the store's admin, or Stripe's dashboard. */
  origin: 'settle' | 'store' | 'processor' | (string & {});
  status: string;
  failureMessage: string | null;
  createdAt: string;
}

export interface DisputeEvidence {
  customerName?: string;
  customerEmailAddress?: string;
  productDescription?: string;
  shippingCarrier?: string;
  shippingTrackingNumber?: string;
  shippingDate?: string;
  explanation?: string;
}

export interface DisputeRow {
  id: string;
  paymentId: string;
  orderNumber: string;
  amount: Money;
  amountFormatted?: string | null;
  reason: string;
  status: string;
  evidenceDueBy: string | null;
  evidence: DisputeEvidence;
  evidenceSubmittedAt: string | null;
}

/** POST JSON with the session cookie; a refusal becomes ApiError with the server's own words. */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Could not reach Settle. Nothing was changed; try again.');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `Request failed (HTTP ${res.status}).`);
  }
  return json as T;
}

/**
 * "12.5" in USD → 1250; "1.234" in KWD → 1234; "500" in JPY → 500. Parsed as text, never as a float,
 * so no amount is rounded. Null when it is not a positive amount with at most the currency's decimals.
 */
export function toMinorUnits(text: string, currency: string): number | null {
  const exponent = currencyExponent(currency);
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return null;
  const minor = Number(match[1] + fraction.padEnd(exponent, '0'));
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}

/** Minor units as the text a merchant would type: 1250 USD → "12.50". */
export function toDecimalText(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === 0) return String(minor);
  const digits = String(minor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export const capturePayment = (id: string, amount: number) => postJson<{ payment: PaymentRow }>(`/api/payments/${encodeURIComponent(id)}/capture`, { amount });
export const releasePayment = (id: string) => postJson<{ payment: PaymentRow }>(`/api/payments/${encodeURIComponent(id)}/cancel`, {});
export const refundPayment = (id: string, amount: number, reason: string) =>
  postJson<{ refund: RefundRow }>(`/api/payments/${encodeURIComponent(id)}/refunds`, { amount, ...(reason.trim() ? { reason: reason.trim() } : {}) });
export const submitEvidence = (paymentId: string, evidence: DisputeEvidence) =>
  postJson<{ dispute: DisputeRow }>(`/api/payments/${encodeURIComponent(paymentId)}/dispute/evidence`, evidence);

export const fetchRefunds = (paymentId: string, signal?: AbortSignal) =>
  getJson<{ refunds: RefundRow[] }>(`/api/payments/${encodeURIComponent(paymentId)}/refunds`, (b) => Array.isArray((b as { refunds?: unknown }).refunds), signal);
export const fetchDisputes = (signal?: AbortSignal) =>
  getJson<{ disputes: DisputeRow[] }>('/api/disputes', (b) => Array.isArray((b as { disputes?: unknown }).disputes), signal);
