// Typed client for the exceptions queue: GET /api/reconciliation/exceptions (and one with its audit
// trail), the actions retry / refetch / accept, and the sweep's progress.
import { ApiError, getJson } from './api';

export type ExceptionAction = 'retry' | 'refetch' | 'accept';

export interface ExceptionRow {
  id: number;
  kind: string;
  orderNumber: string | null;
  explanation: string;
  status: 'open' | 'resolved' | 'accepted' | (string & {});
  note: string | null;
  actions: ExceptionAction[];
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface AuditRow {
  id: number;
  actor: 'sweep' | 'merchant' | (string & {});
  action: string;
  detail: string;
  at: string;
}

export interface SweepRun {
  stage: string;
  done: number;
  total: number;
  startedAt: string;
  finishedAt: string | null;
}

export interface ExceptionsView {
  exceptions: ExceptionRow[];
  sweep: SweepRun | null;
}

export async function fetchExceptions(signal?: AbortSignal): Promise<ExceptionsView> {
  const [list, sweep] = await Promise.all([
    getJson<{ exceptions: ExceptionRow[] }>('/api/reconciliation/exceptions', (b) => Array.isArray((b as { exceptions?: unknown }).exceptions), signal),
    getJson<{ sweep: SweepRun | null }>('/api/reconciliation/sweep', (b) => 'sweep' in (b as object), signal),
  ]);
  return { exceptions: list.exceptions, sweep: sweep.sweep };
}

export function fetchAudit(id: number, signal?: AbortSignal): Promise<{ exception: ExceptionRow; audit: AuditRow[] }> {
  return getJson(`/api/reconciliation/exceptions/${id}`, (b) => Array.isArray((b as { audit?: unknown }).audit), signal);
}

/** Sends an action (or starts a sweep); the server's refusal comes back as an ApiError in its words. */
export async function post(path: string, body?: unknown): Promise<void> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'network', 'Could not reach Settle. Check your connection and try again.');
  }
  if (!res.ok) {
    const e = ((await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `Request failed (HTTP ${res.status}).`);
  }
}

/** The kinds in a merchant's words. */
export const KIND_LABELS: Record<string, string> = {
  paid_order_not_updated: 'Paid, order not updated',
  order_paid_without_payment: 'Order paid without a payment',
  amount_mismatch: 'Amount or currency differs',
  refund_missing_in_store: 'Refund missing in the store',
  refund_missing_in_processor: 'Refund missing in Stripe',
  books_entry_missing: 'Missing from the books',
  books_entry_edited: 'Edited in the books',
  payout_unexplained: 'Payout not explained',
};
