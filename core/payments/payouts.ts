import type { Queryable } from '../storage/database';
import type { PayoutFacts } from './processor';

/**
 * In the caller's transaction (the one that records the movements it carries): keeps the payout's
 * amount, status and arrival date, so the payout report can prove it, and — once the bank returned
 * it — why. Re-reading the same payout only refreshes the row.
 */
export async function recordPayout(tx: Queryable, merchantId: string, payout: PayoutFacts): Promise<void> {
  await tx.query(
    `INSERT INTO payouts (merchant_id, processor_ref, amount, currency, status, arrival_date, failure_code, failure_message, reconciliation_status)
     VALUES ($1, $2, $3, $4, $5, ($6::timestamptz AT TIME ZONE 'UTC')::date, $7, $8, $9)
     ON CONFLICT (merchant_id, processor_ref) DO UPDATE
       SET amount = EXCLUDED.amount, currency = EXCLUDED.currency, status = EXCLUDED.status, arrival_date = EXCLUDED.arrival_date,
           failure_code = EXCLUDED.failure_code, failure_message = EXCLUDED.failure_message,
           reconciliation_status = EXCLUDED.reconciliation_status, updated_at = now()`,
    [
      merchantId, payout.payoutId, payout.amount.amount, payout.amount.currency, payout.status, payout.arrivedAt.toISOString(),
      payout.failure?.code ?? null, payout.failure?.message ?? null, payout.reconciliationStatus,
    ],
  );
}

/**
 * A payout that is neither paid nor failed (pending, in transit, canceled) keeps its row, if it has
 * one, but shows its new status. One never paid is not recorded: there is nothing to reconcile yet.
 */
export async function notePayoutStatus(tx: Queryable, merchantId: string, payout: PayoutFacts): Promise<void> {
  await tx.query('UPDATE payouts SET status = $3, updated_at = now() WHERE merchant_id = $1 AND processor_ref = $2 AND status <> $3', [
    merchantId, payout.payoutId, payout.status,
  ]);
}
