// Typed client for the reports: GET /api/reports/daily-summary (up to a quarter at once) and, for
// longer ranges, POST /api/reports/daily-summary/runs then GET /api/reports/runs/:id until done.
import type { Money } from '../money';
import { ApiError, getJson } from './api';

export const FIGURES = ['gross', 'shipping', 'tax', 'refunds', 'disputes', 'adjustments', 'fees', 'net'] as const;
export type Figure = (typeof FIGURES)[number];

export type SummaryRow = { day: string; currency: string; channel: string; sales: number } & Record<Figure, Money> &
  Partial<Record<`${Figure}Formatted`, string | null>>;
export type SummaryTotals = Omit<SummaryRow, 'day' | 'channel'>;

export interface Range {
  from: string;
  to: string;
}

export interface DailySummary {
  range: Range;
  rows: SummaryRow[];
  totals: SummaryTotals[];
}

export interface ReportRun {
  id: string;
  range: Range;
  status: 'queued' | 'running' | 'done' | 'failed' | (string & {});
  error: string | null;
  progress: { done: number; total: number; unit: string; percent: number };
  url: string;
}

const isSummary = (body: unknown) => Array.isArray((body as DailySummary).rows);

export function fetchDailySummary(range: Range, signal?: AbortSignal): Promise<DailySummary> {
  return getJson(`/api/reports/daily-summary?${new URLSearchParams({ ...range })}`, isSummary, signal);
}

export async function startDailySummaryRun(range: Range, signal?: AbortSignal): Promise<ReportRun> {
  const res = await fetch('/api/reports/daily-summary/runs', {
    method: 'POST', credentials: 'same-origin', signal, headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(range),
  });
  const body = (await res.json().catch(() => null)) as { run?: ReportRun; error?: { code: string; message: string } } | null;
  if (!res.ok || !body?.run) throw new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.message ?? 'Could not start preparing the report.');
  return body.run;
}

export function fetchRun(url: string, signal?: AbortSignal): Promise<{ run: ReportRun } & Partial<DailySummary>> {
  return getJson(url, (body) => typeof (body as { run?: unknown }).run === 'object', signal);
}

/** Where each CSV of the range downloads from (the session cookie goes along with a link). */
export const csvUrls = (range: Range) => ({
  dailySummary: `/api/reports/daily-summary?${new URLSearchParams({ ...range, format: 'csv' })}`,
  feesByDay: `/api/reports/fees?${new URLSearchParams({ ...range, group: 'day', format: 'csv' })}`,
  feesByPayout: `/api/reports/fees?${new URLSearchParams({ ...range, group: 'payout', format: 'csv' })}`,
  payoutReconciliation: `/api/reports/payout-reconciliation?${new URLSearchParams({ ...range, format: 'csv' })}`,
});

export interface FeeRow {
  key: string | null;
  currency: string;
  feeType: string;
  category: string;
  count: number;
  amount: Money;
  amountFormatted?: string | null;
}

export function fetchFeesByType(range: Range, signal?: AbortSignal): Promise<{ rows: FeeRow[] }> {
  return getJson(`/api/reports/fees?${new URLSearchParams({ ...range, group: 'type' })}`, (body) => Array.isArray((body as { rows?: unknown }).rows), signal);
}
