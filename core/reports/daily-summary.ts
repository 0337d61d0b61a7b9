import type { Queryable } from '../storage/database';
import { money, type Money } from '../money';
import { rangeBounds, type ReportRange } from './range';

/**
 * Where a sale came from: the store whose order Settle took the payment for (woocommerce,
 * shopify), `counter` for a sale in person on a card reader, or `stripe` for money that moved in
 * Stripe without a Settle payment (a dashboard charge, a payment link) and for Stripe's own fees
 * and adjustments.
 */
export type Channel = string;

/**
 * One day's activity in one currency and channel, as Stripe's balance summary groups it. Signed as
 * the balance sees it: refunds and disputes are negative, fees positive (they are taken off).
 * net = gross + refunds + disputes + adjustments − fees: what the day added to the Stripe balance.
 */
export interface DailySummaryRow {
  /** YYYY-MM-DD, UTC. */
  day: string;
  currency: string;
  channel: Channel;
  /** Number of sales (charges). */
  sales: number;
  gross: Money;
  /** Of the gross, what the store's orders said was shipping and sales tax (from the ledger's split). */
  shipping: Money;
  tax: Money;
  refunds: Money;
  disputes: Money;
  adjustments: Money;
  fees: Money;
  net: Money;
}

export const SUMMARY_FIGURES = ['gross', 'shipping', 'tax', 'refunds', 'disputes', 'adjustments', 'fees', 'net'] as const;
export type SummaryFigure = (typeof SUMMARY_FIGURES)[number];

type Row = { day: string; currency: string; channel: string; sales: number } & Record<SummaryFigure, number>;

// Payouts move the balance to the bank; they are not the day's activity (the payout report has them).
// A standalone Stripe fee (category fee) is a negative amount with no fee of its own: it counts as a fee.
const SUMMARY_SQL = `
  SELECT to_char(m.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, m.currency, COALESCE(p.store_platform, 'stripe') AS channel,
         count(*) FILTER (WHERE m.category = 'charge')::int AS sales,
         COALESCE(sum(m.amount) FILTER (WHERE m.category = 'charge'), 0)::bigint AS gross,
         COALESCE(sum(split.shipping), 0)::bigint AS shipping,
         COALESCE(sum(split.tax), 0)::bigint AS tax,
         COALESCE(sum(m.amount) FILTER (WHERE m.category IN ('refund', 'refund_failure')), 0)::bigint AS refunds,
         COALESCE(sum(m.amount) FILTER (WHERE m.category IN ('dispute', 'dispute_reversal')), 0)::bigint AS disputes,
         COALESCE(sum(m.amount) FILTER (WHERE m.category NOT IN ('charge', 'refund', 'refund_failure', 'dispute', 'dispute_reversal', 'fee')), 0)::bigint AS adjustments,
         (sum(m.fee) - COALESCE(sum(m.amount) FILTER (WHERE m.category = 'fee'), 0))::bigint AS fees,
         sum(m.net)::bigint AS net
    FROM balance_movements m
    LEFT JOIN payments p ON p.id = m.payment_id AND p.merchant_id = m.merchant_id
    LEFT JOIN LATERAL (
      SELECT -sum(lp.amount) FILTER (WHERE lp.account_role = 'shipping_income') AS shipping,
             -sum(lp.amount) FILTER (WHERE lp.account_role = 'sales_tax_payable') AS tax
        FROM ledger_postings lp WHERE lp.entry_id = m.entry_id AND m.category = 'charge'
    ) split ON true
   WHERE m.merchant_id = $1 AND m.occurred_at >= $2 AND m.occurred_at < $3 AND m.category NOT IN ('payout', 'payout_reversal')
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3`;

/** The merchant's daily summary over the range: one row per day, currency and channel that had activity. */
export async function dailySummary(db: Queryable, merchantId: string, range: ReportRange): Promise<DailySummaryRow[]> {
  const rows = await db.query<Row>(SUMMARY_SQL, [merchantId, ...rangeBounds(range)]);
  return rows.map((r) => summaryRow(r));
}

function summaryRow(r: Row): DailySummaryRow {
  const figures = Object.fromEntries(SUMMARY_FIGURES.map((f) => [f, money(Number(r[f]), r.currency)])) as Record<SummaryFigure, Money>;
  return { day: r.day, currency: r.currency, channel: r.channel, sales: r.sales, ...figures };
}

/** Rows as stored in a prepared run (plain JSON), read back. */
export function summaryRowFromJson(json: unknown): DailySummaryRow {
  const r = json as { day: string; currency: string; channel: string; sales: number } & Record<SummaryFigure, { amount: number }>;
  const figures = Object.fromEntries(SUMMARY_FIGURES.map((f) => [f, r[f].amount])) as Record<SummaryFigure, number>;
  return summaryRow({ day: r.day, currency: r.currency, channel: r.channel, sales: r.sales, ...figures });
}

/** The range's totals per currency (a sum of the rows: channels and days together). */
export function summaryTotals(rows: DailySummaryRow[]): Omit<DailySummaryRow, 'day' | 'channel'>[] {
  const byCurrency = new Map<string, Omit<DailySummaryRow, 'day' | 'channel'>>();
  for (const row of rows) {
    const total = byCurrency.get(row.currency);
    if (!total) {
      const { day: _day, channel: _channel, ...rest } = row;
      byCurrency.set(row.currency, rest);
      continue;
    }
    total.sales += row.sales;
    for (const f of SUMMARY_FIGURES) total[f] = money(total[f].amount + row[f].amount, row.currency);
  }
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
