import type { Queryable } from '../storage/database';
import { money } from '../money';
import { groupOf, type PayoutLine } from '../reconciliation/proof';
import type { ReportRange } from './range';

/** A line of a payout that arrived in the range, with the payout it went out in. */
export interface PayoutReconciliationLine extends PayoutLine {
  payoutId: string;
  /** The day the bank should show the payout, YYYY-MM-DD. */
  payoutArrivalDate: string;
  payoutStatus: string;
}

type Row = {
  payout_id: string; arrival_date: string; status: string; id: string; category: string; source_id: string | null; payment_id: string | null;
  order_number: string | null; amount: number; fee: number; net: number; currency: string; exchange_rate: string | null; occurred_at: Date | string;
  available_on: Date | string;
};

/**
 * Stripe's itemized payout reconciliation report over a range: every balance transaction carried
 * by the payouts arriving in it (by arrival day), payout by payout. As in the single payout's
 * report, a payout's own balance transaction is left out: it is the payout, not a line of it.
 */
export async function payoutReconciliation(db: Queryable, merchantId: string, range: ReportRange): Promise<PayoutReconciliationLine[]> {
  const rows = await db.query<Row>(
    `SELECT po.processor_ref AS payout_id, po.arrival_date::text AS arrival_date, po.status, m.id, m.category, m.source_id, m.payment_id, p.order_number,
            m.amount, m.fee, m.net, m.currency, m.exchange_rate::text AS exchange_rate, m.occurred_at, m.available_on
       FROM payouts po
       JOIN balance_movements m ON m.merchant_id = po.merchant_id AND m.payout_id = po.processor_ref
       LEFT JOIN payments p ON p.id = m.payment_id AND p.merchant_id = m.merchant_id
      WHERE po.merchant_id = $1 AND po.arrival_date BETWEEN $2::date AND $3::date
        AND NOT (m.category = 'payout' AND m.source_id = m.payout_id)
      ORDER BY po.arrival_date, po.processor_ref, m.occurred_at, m.id`,
    [merchantId, range.from, range.to],
  );
  return rows.map((r) => ({
    payoutId: r.payout_id, payoutArrivalDate: r.arrival_date, payoutStatus: r.status,
    movementId: r.id, category: r.category, group: groupOf(r.category), sourceId: r.source_id, paymentId: r.payment_id, orderNumber: r.order_number,
    gross: money(Number(r.amount), r.currency), fee: money(Number(r.fee), r.currency), net: money(Number(r.net), r.currency), exchangeRate: r.exchange_rate,
    occurredAt: new Date(r.occurred_at), availableOn: new Date(r.available_on),
  }));
}
