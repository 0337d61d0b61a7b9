import type { Queryable } from '../storage/database';
import type { Payment } from './payments';
import type { DisputeFacts } from './processor';

/** Keeps Settle's view of a dispute as the processor reports it now (re-read on every event). */
export async function recordDisputeFacts(tx: Queryable, merchantId: string, payment: Payment, facts: DisputeFacts): Promise<void> {
  await tx.query(
    `INSERT INTO disputes (merchant_id, processor_ref, payment_id, amount, currency, reason, status, evidence_due_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (merchant_id, processor_ref) DO UPDATE SET status = EXCLUDED.status, evidence_due_by = EXCLUDED.evidence_due_by, updated_at = now()`,
    [merchantId, facts.disputeId, payment.id, facts.amount.amount, facts.amount.currency, facts.reason, facts.status, facts.evidenceDueBy?.toISOString() ?? null],
  );
}
