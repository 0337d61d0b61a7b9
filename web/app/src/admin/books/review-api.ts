// Typed client for the bookkeeper's review queue: what waits for approval (and its preview), what
// QuickBooks refused (fix the mapping, retry, dismiss), the rules that approve by themselves, the sync
// log and undo. Errors come back as ApiError in the server's words.
import { ApiError, getJson } from '../api';
import type { Money } from '../../money';

export type DocumentKind = 'sale_receipt' | 'refund_receipt' | 'expense' | 'transfer' | 'journal';

export const KIND_LABELS: Record<DocumentKind, string> = {
  sale_receipt: 'Sales',
  refund_receipt: 'Refunds',
  expense: 'Fees',
  transfer: 'Payouts',
  journal: 'Disputes and adjustments',
};

export interface WaitingItem {
  id: string;
  entryId: string;
  entryDescription: string;
  part: string;
  kind: DocumentKind;
  kindLabel: string;
  amount: Money;
  amountFormatted: string;
  date: string;
  reference: string;
  reason: string;
  waitingSince: string;
}

export interface RefusedItem {
  id: string;
  entryId: string;
  entryDescription: string;
  part: string;
  faultCode: string;
  explanation: string;
  foundAt: string;
  fix: { kind: 'account' | 'item' | 'customer'; refusedId: string; keys: string[] } | null;
}

export interface Rules {
  everything: boolean;
  under: Money | null;
  underFormatted?: string | null;
  knownCustomers: boolean;
  kinds: DocumentKind[];
}

export interface ReviewQueue {
  waiting: WaitingItem[];
  refused: RefusedItem[];
  rules: Rules;
}

export interface Preview {
  documentType: string;
  what: string;
  body: Record<string, unknown>;
  wouldCreate: string[];
}

export interface LogDocument {
  id: string;
  date: string;
  documentType: string;
  documentId: string;
  amount: Money;
  amountFormatted: string;
  entryId: string;
  entryKind: string;
  entryDescription: string;
  paymentId: string | null;
  status: 'posted' | 'undone';
  canPostAgain: boolean;
  undone: { at: string; by: string; operation: string } | null;
  link: string | null;
}

export interface SyncLog {
  documents: LogDocument[];
  page: number;
  perPage: number;
  total: number;
}

const has = (key: string) => (body: unknown) => typeof body === 'object' && body !== null && key in body;

export const fetchReviewQueue = (signal: AbortSignal) => getJson<ReviewQueue>('/api/books/review', has('waiting'), signal);
export const fetchPreview = (id: string, signal?: AbortSignal) =>
  getJson<{ preview: Preview }>(`/api/books/review/${encodeURIComponent(id)}/preview`, has('preview'), signal).then((b) => b.preview);
export const fetchChoices = (kind: 'account' | 'item', signal?: AbortSignal) =>
  getJson<{ choices: { id: string; name: string }[] }>(`/api/books/choices/${kind}`, has('choices'), signal).then((b) => b.choices);
export const fetchSyncLog = (query: { status?: 'posted' | 'undone'; page: number; perPage: number }, signal: AbortSignal) => {
  const params = new URLSearchParams({ page: String(query.page), perPage: String(query.perPage), ...(query.status ? { status: query.status } : {}) });
  return getJson<SyncLog>(`/api/books/log?${params.toString()}`, has('documents'), signal);
};

/** Sends a change; answers the server's JSON. */
export async function send<T = unknown>(method: 'POST' | 'PUT', path: string, body: unknown = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Could not reach Settle. Check your connection and try again.');
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `Request failed (HTTP ${res.status}).`);
  }
  return json as T;
}

/** "50" or "49.99" → minor units by digits (no float arithmetic); undefined when not an amount. */
export function parseAmount(text: string, exponent: number): number | undefined {
  const m = /^\s*(\d{1,12})(?:[.,](\d*))?\s*$/.exec(text);
  if (!m || (m[2]?.length ?? 0) > exponent) return undefined;
  const minor = Number(`${m[1]}${(m[2] ?? '').padEnd(exponent, '0')}`);
  return minor > 0 ? minor : undefined;
}
