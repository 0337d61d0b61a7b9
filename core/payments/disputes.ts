import { createHash } from 'node:crypto';
import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import { NotFoundError, SettleError } from '../errors';
import { money, type Money } from '../money';
import { findPayment, type Payment } from './payments';
import type { DisputeEvidence, DisputeFacts } from './processor';

/** A shopper's bank pulled a payment back; the merchant may contest it with evidence until `evidenceDueBy`. */
export interface Dispute {
  id: string;
  paymentId: string;
  orderNumber: string;
  amount: Money;
  reason: string;
  /** The processor's word: needs_response, under_review, won, lost, … */
  status: string;
  evidenceDueBy: Date | null;
  evidence: DisputeEvidence;
  evidenceSubmittedAt: Date | null;
  createdAt: Date;
}

type DisputeRow = {
  processor_ref: string; payment_id: string; order_number: string; amount: number | string; currency: string; reason: string; status: string;
  evidence_due_by: Date | string | null; evidence: DisputeEvidence; evidence_submitted_at: Date | string | null; created_at: Date | string;
};
const date = (d: Date | string | null) => (d === null ? null : new Date(d));
const fromRow = (r: DisputeRow): Dispute => ({
  id: r.processor_ref, paymentId: r.payment_id, orderNumber: r.order_number, amount: money(Number(r.amount), r.currency), reason: r.reason,
  status: r.status, evidenceDueBy: date(r.evidence_due_by), evidence: r.evidence ?? {}, evidenceSubmittedAt: date(r.evidence_submitted_at),
  createdAt: new Date(r.created_at),
});
const SELECT = `SELECT d.*, p.order_number FROM disputes d JOIN payments p ON p.id = d.payment_id`;

/** Keeps Settle's view of a dispute as the processor reports it now (re-read on every event). */
export async function recordDisputeFacts(tx: Queryable, merchantId: string, payment: Payment, facts: DisputeFacts): Promise<void> {
  await tx.query(
    `INSERT INTO disputes (merchant_id, processor_ref, payment_id, amount, currency, reason, status, evidence_due_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (merchant_id, processor_ref) DO UPDATE SET status = EXCLUDED.status, evidence_due_by = EXCLUDED.evidence_due_by, updated_at = now()`,
    [merchantId, facts.disputeId, payment.id, facts.amount.amount, facts.amount.currency, facts.reason, facts.status, facts.evidenceDueBy?.toISOString() ?? null],
  );
}

/** The merchant's disputes, newest first: the open ones are what needs their attention. */
export async function listDisputes(db: Queryable, merchantId: string, limit = 100): Promise<Dispute[]> {
  const rows = await db.query<DisputeRow>(`${SELECT} WHERE d.merchant_id = $1 ORDER BY d.created_at DESC LIMIT $2`, [merchantId, limit]);
  return rows.map(fromRow);
}

/** A payment's dispute (the latest, should its bank have raised more than one). */
export async function findDisputeForPayment(db: Queryable, merchantId: string, paymentId: string): Promise<Dispute | undefined> {
  const rows = await db.query<DisputeRow>(`${SELECT} WHERE d.merchant_id = $1 AND d.payment_id = $2 ORDER BY d.created_at DESC LIMIT 1`, [merchantId, paymentId]);
  return rows[0] && fromRow(rows[0]);
}

/** Only these states still take evidence; after that the bank has decided or is deciding. */
const TAKES_EVIDENCE = new Set(['warning_needs_response', 'needs_response']);

/**
 * Sends the merchant's evidence to the processor and submits it for the bank's review. The key
 * names the dispute and the evidence, so a retry (or a double click) submits once. The status the
 * processor answers with (under_review) is kept with the evidence; the outcome comes by webhook.
 */
export async function submitDisputeEvidence(settle: Settle, merchantId: string, paymentId: string, evidence: DisputeEvidence): Promise<Dispute> {
  const payment = await findPayment(settle.db, merchantId, paymentId);
  if (!payment) throw new NotFoundError('This payment');
  const dispute = await findDisputeForPayment(settle.db, merchantId, paymentId);
  if (!dispute) throw new SettleError('payment_not_disputed', `Order ${payment.orderNumber} has no dispute to answer.`, 409);
  if (!TAKES_EVIDENCE.has(dispute.status)) {
    throw new SettleError('dispute_not_open', `The dispute on order ${payment.orderNumber} is ${dispute.status.replace(/_/g, ' ')}: evidence can no longer be sent.`, 409);
  }
  if (Object.values(evidence).every((v) => !v)) throw new SettleError('evidence_empty', 'Write at least one piece of evidence before submitting.', 400);
  const digest = createHash('sha256').update(JSON.stringify(Object.entries(evidence).sort())).digest('hex').slice(0, 16);
  const processor = await settle.platforms.processorFor(merchantId);
  const facts = await processor.submitDisputeEvidence({ disputeId: dispute.id, evidence, idempotencyKey: `dispute-evidence-${dispute.id}-${digest}` });
  await settle.db.transaction(async (tx) => {
    await recordDisputeFacts(tx, merchantId, payment, facts);
    await tx.query('UPDATE disputes SET evidence = $3::jsonb, evidence_submitted_at = now(), updated_at = now() WHERE merchant_id = $1 AND processor_ref = $2', [
      merchantId, dispute.id, JSON.stringify(evidence),
    ]);
  });
  return (await findDisputeForPayment(settle.db, merchantId, paymentId))!;
}
