import type { Queryable } from '../storage/database';
import { money, type Money } from '../money';
import { rangeBounds, type ReportRange } from './range';

/** How the fee report is cut: by day, by the payout that carried the fees, or by fee type alone. */
export const FEE_GROUPINGS = ['day', 'payout', 'type'] as const;
export type FeeGrouping = (typeof FEE_GROUPINGS)[number];

/**
 * Fees of one type taken on one kind of balance transaction, within a day or a payout. The type is
 * Stripe's `fee_details[].type` (stripe_fee, application_fee, tax, …); a standalone Stripe fee
 * (a balance transaction of category fee) is `stripe_fee` on `fee`. A fee Stripe did not itemise
 * is `unitemized`, so the report always adds up to the fees the balance was charged.
 */
export interface FeeReportRow {
  /** The day (YYYY-MM-DD, UTC), the payout id (null: not paid out yet), or null when grouped by type. */
  key: string | null;
  currency: string;
  feeType: string;
  /** The reporting category of the balance transactions carrying the fee (charge, dispute, fee, …). */
  category: string;
  /** Balance transactions carrying a fee of this type. */
  count: number;
  amount: Money;
}

const KEY_SQL: Record<FeeGrouping, string> = {
  day: `to_char(m.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  payout: 'm.payout_id',
  type: 'NULL::text',
};

// Each balance transaction's fee, item by item, in one scan: its itemised fee_details, what of its
// fee they leave unexplained, and for a standalone fee its (negative) amount.
const feeReportSql = (grouping: FeeGrouping) => `
  SELECT ${KEY_SQL[grouping]} AS key, m.currency, item.fee_type, m.category, count(*)::int AS count, sum(item.amount)::bigint AS amount
    FROM balance_movements m
    CROSS JOIN LATERAL (
      SELECT d->>'type' AS fee_type, (d->>'amount')::bigint AS amount FROM jsonb_array_elements(m.fee_details) d
      UNION ALL
      SELECT 'unitemized', m.fee - COALESCE((SELECT sum((d->>'amount')::bigint) FROM jsonb_array_elements(m.fee_details) d), 0)
      UNION ALL
      SELECT 'stripe_fee', -m.amount WHERE m.category = 'fee'
    ) item
   WHERE m.merchant_id = $1 AND m.occurred_at >= $2 AND m.occurred_at < $3 AND item.amount <> 0
   GROUP BY 1, 2, 3, 4
   ORDER BY 1 NULLS LAST, 2, 3, 4`;

/** The merchant's fees over the range, grouped as asked. */
export async function feeReport(db: Queryable, merchantId: string, range: ReportRange, grouping: FeeGrouping): Promise<FeeReportRow[]> {
  const rows = await db.query<{ key: string | null; currency: string; fee_type: string; category: string; count: number; amount: number }>(
    feeReportSql(grouping),
    [merchantId, ...rangeBounds(range)],
  );
  return rows.map((r) => ({ key: r.key, currency: r.currency, feeType: r.fee_type, category: r.category, count: r.count, amount: money(Number(r.amount), r.currency) }));
}
