// Typed client for the payout report: GET /api/payouts and GET /api/payouts/:id.
import type { Money } from '../money';
import { getJson } from './api';

export type Reconciliation = 'explained' | 'unexplained';

export interface PayoutException {
  code: string;
  message: string;
  amount: Money | null;
  amountFormatted: string | null;
}

export interface PayoutRow {
  id: string;
  amount: Money;
  amountFormatted?: string | null;
  // Stripe's payout status (paid, failed, canceled, …); shown raw when new.
  status: string;
  arrivalDate: string;
  /** Why the bank returned it (failed payouts): Stripe's message. */
  failureMessage?: string | null;
  createdAt: string;
  lineCount: number;
  reconciliation: Reconciliation | (string & {});
  exceptions: PayoutException[];
}

export interface GroupTotals {
  count: number;
  gross: Money;
  grossFormatted?: string | null;
  fee: Money;
  feeFormatted?: string | null;
  net: Money;
  netFormatted?: string | null;
}

export interface PayoutLine {
  id: string;
  category: string;
  group: string;
  sourceId: string | null;
  paymentId: string | null;
  orderNumber: string | null;
  gross: Money;
  grossFormatted?: string | null;
  fee: Money;
  feeFormatted?: string | null;
  net: Money;
  netFormatted?: string | null;
  exchangeRate: string | null;
  occurredAt: string;
}

export interface PayoutDetail {
  payout: Omit<PayoutRow, 'reconciliation' | 'exceptions'>;
  reconciliation: PayoutRow['reconciliation'];
  proof: {
    payoutAmount: Money;
    payoutAmountFormatted?: string | null;
    payoutMovement: Money | null;
    payoutMovementFormatted?: string | null;
    linesNet: Money;
    linesNetFormatted?: string | null;
    remainder: Money;
    remainderFormatted?: string | null;
  };
  exceptions: PayoutException[];
  summary: { groups: (GroupTotals & { group: string })[]; total: GroupTotals };
  lines: PayoutLine[];
  csvUrl: string;
}

export function fetchPayouts(signal?: AbortSignal): Promise<{ payouts: PayoutRow[] }> {
  return getJson('/api/payouts', (body) => Array.isArray((body as { payouts?: unknown }).payouts), signal);
}

export function fetchPayout(id: string, signal?: AbortSignal): Promise<PayoutDetail> {
  return getJson(`/api/payouts/${encodeURIComponent(id)}`, (body) => Array.isArray((body as PayoutDetail).lines), signal);
}
