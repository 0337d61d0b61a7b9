import type { Queryable } from '../storage/database';
import { money, type Money } from '../money';
import { groupOf, prove, summarise, type PayoutLine, type PayoutProof, type PayoutSummary } from './proof';

/** A payout to the merchant's bank, as the processor reported it. */
export interface Payout {
  /** The processor's payout id (Stripe po_…): the name the merchant finds it by in Stripe. */
  id: string;
  amount: Money;
  status: string;
  /** The day the bank should show it, YYYY-MM-DD. */
  arrivalDate: string;
  /** Why the bank returned it, when it did (status failed): the processor's code and message. */
  failureCode: string | null;
  failureMessage: string | null;
  /** `completed` once the processor has matched every transaction the payout carries. */
  reconciliationStatus: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A payout in the list: how many lines it carried and whether they explain it to the cent. */
export interface PayoutListing extends Payout {
  lineCount: number;
  proof: PayoutProof;
}

/** Stripe's payout reconciliation report for one payout: every line, the groups, the proof. */
export interface PayoutReport {
  payout: Payout;
  lines: PayoutLine[];
  summary: PayoutSummary;
  proof: PayoutProof;
}

type PayoutRow = {
  processor_ref: string; amount: number; currency: string; status: string; arrival_date: string; failure_code: string | null; failure_message: string | null;
  reconciliation_status: string | null; created_at: Date | string; updated_at: Date | string;
};

const PAYOUT_COLUMNS =
  'processor_ref, amount, currency, status, arrival_date::text AS arrival_date, failure_code, failure_message, reconciliation_status, created_at, updated_at';

function payoutFrom(r: PayoutRow): Payout {
  return {
    id: r.processor_ref, amount: money(r.amount, r.currency), status: r.status, arrivalDate: r.arrival_date,
    failureCode: r.failure_code, failureMessage: r.failure_message, reconciliationStatus: r.reconciliation_status, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
  };
}

// The payout's own balance transaction (category payout, caused by the payout) is the other side
// of the proof, not a line: it is what left the balance for the bank.
const IS_OWN = `(m.category = 'payout' AND m.source_id = m.payout_id)`;

/** The merchant's payouts, newest arrival first, each with its reconciliation status. */
export async function listPayouts(db: Queryable, merchantId: string, limit = 100): Promise<PayoutListing[]> {
  const payouts = (
    await db.query<PayoutRow>(`SELECT ${PAYOUT_COLUMNS} FROM payouts WHERE merchant_id = $1 ORDER BY arrival_date DESC, created_at DESC LIMIT $2`, [
      merchantId, limit,
    ])
  ).map(payoutFrom);
  if (payouts.length === 0) return [];
  // Sums per payout, currency and side in the database: a payout may carry thousands of lines.
  const totals = await db.query<{ payout_id: string; currency: string; own: boolean; count: number; net: number }>(
    `SELECT m.payout_id, m.currency, ${IS_OWN} AS own, count(*)::int AS count, sum(m.net)::bigint AS net
       FROM balance_movements m WHERE m.merchant_id = $1 AND m.payout_id = ANY($2::text[]) GROUP BY 1, 2, 3`,
    [merchantId, payouts.map((p) => p.id)],
  );
  return payouts.map((payout) => {
    const mine = totals.filter((t) => t.payout_id === payout.id);
    const own = mine.filter((t) => t.own).map((t) => money(t.net, t.currency));
    const lines = mine.filter((t) => !t.own);
    const proof = prove(payout.amount, own, lines.map((t) => money(t.net, t.currency)));
    return { ...payout, lineCount: lines.reduce((n, t) => n + t.count, 0), proof };
  });
}

type LineRow = {
  id: string; category: string; source_id: string | null; payment_id: string | null; order_number: string | null; own: boolean;
  amount: number; fee: number; net: number; currency: string; exchange_rate: string | null; occurred_at: Date | string; available_on: Date | string;
};

/** One payout's report, or undefined when this merchant has no such payout. */
export async function payoutReport(db: Queryable, merchantId: string, payoutId: string): Promise<PayoutReport | undefined> {
  const [row] = await db.query<PayoutRow>(`SELECT ${PAYOUT_COLUMNS} FROM payouts WHERE merchant_id = $1 AND processor_ref = $2`, [merchantId, payoutId]);
  if (!row) return undefined;
  const payout = payoutFrom(row);
  const rows = await db.query<LineRow>(
    `SELECT m.id, m.category, m.source_id, m.payment_id, p.order_number, ${IS_OWN} AS own, m.amount, m.fee, m.net, m.currency,
            m.exchange_rate::text AS exchange_rate, m.occurred_at, m.available_on
       FROM balance_movements m LEFT JOIN payments p ON p.id = m.payment_id AND p.merchant_id = m.merchant_id
      WHERE m.merchant_id = $1 AND m.payout_id = $2 ORDER BY m.occurred_at, m.id`,
    [merchantId, payoutId],
  );
  const lines = rows.filter((r) => !r.own).map(lineFrom);
  const own = rows.filter((r) => r.own).map((r) => money(r.net, r.currency));
  const currency = payout.amount.currency;
  return { payout, lines, summary: summarise(lines, currency), proof: prove(payout.amount, own, lines.map((l) => l.net)) };
}

function lineFrom(r: LineRow): PayoutLine {
  return {
    movementId: r.id, category: r.category, group: groupOf(r.category), sourceId: r.source_id, paymentId: r.payment_id, orderNumber: r.order_number,
    gross: money(r.amount, r.currency), fee: money(r.fee, r.currency), net: money(r.net, r.currency), exchangeRate: r.exchange_rate,
    occurredAt: new Date(r.occurred_at), availableOn: new Date(r.available_on),
  };
}
