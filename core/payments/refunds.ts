import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import { RetryableError, SettleError, NotFoundError } from '../errors';
import { newId } from '../ids';
import { money, toDecimal, type Money } from '../money';
import { addToOutbox, loadOutboxItem, markOutboxDone, QUEUE_FOR_TOPIC } from '../outbox/outbox';
import type { OutboxWork } from './movements';
import { findPayment, saleMadeElsewhere, storeOrderOf, type Payment } from './payments';
import type { PaymentProcessor, RefundFacts } from './processor';

export type RefundStatus = 'requested' | 'pending' | 'succeeded' | 'failed' | 'canceled';

export interface Refund {
  id: string;
  paymentId: string;
  amount: Money;
  reason: string | null;
  origin: 'settle' | 'store' | 'processor';
  status: RefundStatus;
  processorRef: string | null;
  failureMessage: string | null;
  createdAt: Date;
}

type RefundRow = {
  id: string; payment_id: string; amount: number; currency: string; reason: string | null; origin: Refund['origin'];
  status: RefundStatus; processor_ref: string | null; failure_message: string | null; created_at: Date | string;
};
const fromRow = (r: RefundRow): Refund => ({
  id: r.id, paymentId: r.payment_id, amount: money(r.amount, r.currency), reason: r.reason, origin: r.origin, status: r.status,
  processorRef: r.processor_ref, failureMessage: r.failure_message, createdAt: new Date(r.created_at),
});

export async function listRefunds(db: Queryable, merchantId: string, paymentId: string): Promise<Refund[]> {
  const rows = await db.query<RefundRow>('SELECT * FROM refunds WHERE merchant_id = $1 AND payment_id = $2 ORDER BY created_at', [merchantId, paymentId]);
  return rows.map(fromRow);
}

/**
 * A merchant asks to refund (part of) a payment. The request is recorded with the work to send it,
 * in one transaction, under a lock on the payment, so two refunds cannot together exceed it; then it
 * is sent at once. If the processor does not answer, the worker sends it later with the same key.
 */
export async function requestRefund(
  settle: Settle,
  merchantId: string,
  paymentId: string,
  request: { amount?: number; reason?: string | null; origin?: 'settle' | 'store'; storeRefundId?: string },
): Promise<Refund> {
  const processor = await settle.platforms.processorFor(merchantId);
  const refund = await settle.db.transaction(async (tx) => {
    const [locked] = await tx.query<{ id: string }>('SELECT id FROM payments WHERE merchant_id = $1 AND id = $2 FOR UPDATE', [merchantId, paymentId]);
    const payment = locked && (await findPayment(tx, merchantId, paymentId));
    if (!payment) throw new NotFoundError('This payment');
    // The store plugin names its own refund: asking again (a retry after a timeout) returns the refund
    // already made instead of refunding twice; the same name with another amount is refused.
    const replayId = request.storeRefundId ? `rf_${payment.id}_store_${request.storeRefundId}` : null;
    const earlier = replayId ? await findRefund(tx, merchantId, replayId) : undefined;
    if (earlier) {
      if (request.amount !== undefined && request.amount !== earlier.amount.amount) {
        throw new SettleError('idempotency_mismatch',
          `The store's refund ${request.storeRefundId} was already asked for ${toDecimal(earlier.amount)} ${earlier.amount.currency}; the same refund cannot be asked again for another amount.`, 409);
      }
      return { id: earlier.id, replay: true };
    }
    if (payment.status === 'authorized') {
      throw new SettleError('payment_not_refundable', `Order ${payment.orderNumber} is only authorized, not captured: cancel the authorization instead of refunding.`, 409);
    }
    if (payment.status !== 'succeeded') throw new SettleError('payment_not_refundable', `Order ${payment.orderNumber} has not been paid, so there is nothing to refund.`, 409);
    const [disputed] = await tx.query('SELECT 1 FROM disputes WHERE merchant_id = $1 AND payment_id = $2', [merchantId, paymentId]);
    if (disputed) throw new SettleError('payment_disputed', `The shopper disputed order ${payment.orderNumber} with their bank; it cannot be refunded while disputed. See the dispute instead.`, 409);
    const left = await refundableAmount(tx, payment);
    const amount = request.amount ?? left;
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new SettleError('invalid_refund_amount', 'The refund amount must be a positive whole number of minor units (cents).', 400);
    if (amount > left) {
      throw new SettleError('refund_exceeds_payment', `At most ${toDecimal(money(left, payment.amount.currency))} ${payment.amount.currency} of order ${payment.orderNumber} can still be refunded.`, 409);
    }
    // An amount the processor cannot move at all is refused now, before a refund is recorded.
    processor.assertChargeable(money(amount, payment.amount.currency));
    const id = replayId ?? newId('rf');
    await tx.query(
      `INSERT INTO refunds (id, merchant_id, payment_id, amount, currency, reason, origin, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested')`,
      [id, merchantId, paymentId, amount, payment.amount.currency, request.reason ?? null, request.origin ?? 'settle'],
    );
    await addToOutbox(tx, { id: `refund:${id}`, merchantId, topic: 'processor.refund', payload: { refundId: id } });
    return { id, replay: false };
  });
  if (!refund.replay) {
    try {
      await sendRefund(settle, `refund:${refund.id}`);
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      await settle.jobs.enqueue('processor', `refund:${refund.id}`, { outboxId: `refund:${refund.id}` });
    }
  }
  return (await findRefund(settle.db, merchantId, refund.id))!;
}

/** What is left to refund: the payment less every refund that is not failed or canceled. */
async function refundableAmount(db: Queryable, payment: Payment): Promise<number> {
  const [row] = await db.query<{ taken: number }>(
    `SELECT coalesce(sum(amount), 0)::bigint AS taken FROM refunds WHERE payment_id = $1 AND status IN ('requested', 'pending', 'succeeded')`,
    [payment.id],
  );
  // After a partial capture only what was captured was ever taken, so only that can go back.
  return (payment.capturedAmount ?? payment.amount).amount - (row?.taken ?? 0);
}

export async function findRefund(db: Queryable, merchantId: string, id: string): Promise<Refund | undefined> {
  const rows = await db.query<RefundRow>('SELECT * FROM refunds WHERE merchant_id = $1 AND id = $2', [merchantId, id]);
  return rows[0] && fromRow(rows[0]);
}

/**
 * Sends a requested refund to the processor (the "processor" queue's job). The key is Settle's
 * refund id: after a crash or an unclear answer, sending again returns the same processor refund.
 * A refusal (already refunded, disputed) marks the refund failed with the processor's reason.
 */
export async function sendRefund(settle: Settle, outboxId: string): Promise<string> {
  const item = await loadOutboxItem(settle.db, outboxId);
  if (!item || item.doneAt) return 'already done';
  const refund = await findRefund(settle.db, item.merchantId, item.payload.refundId ?? '');
  if (!refund) throw new Error(`refund ${item.payload.refundId} is missing`);
  const payment = await findPayment(settle.db, item.merchantId, refund.paymentId);
  if (!payment) throw new Error(`payment ${refund.paymentId} is missing`);
  const processor = await settle.platforms.processorFor(item.merchantId);
  try {
    const facts = await refundOrFind(processor, payment, refund);
    const work = await settle.db.transaction(async (tx) => {
      const storeWork = await recordRefundFacts(tx, item.merchantId, payment, facts);
      for (const w of storeWork) await addToOutbox(tx, { ...w, merchantId: item.merchantId });
      await markOutboxDone(tx, item.id);
      return storeWork;
    });
    for (const w of work) await settle.jobs.enqueue(QUEUE_FOR_TOPIC[w.topic], w.id, { outboxId: w.id });
    return `refund ${refund.id} sent as ${facts.refundId}`;
  } catch (error) {
    if (error instanceof RetryableError || !(error instanceof SettleError)) throw error;
    await settle.db.transaction(async (tx) => {
      await tx.query(`UPDATE refunds SET status = 'failed', failure_message = $2, updated_at = now() WHERE id = $1`, [refund.id, error.message]);
      await markOutboxDone(tx, item.id);
    });
    throw error;
  }
}

/**
 * Brings Settle's refund in line with the processor's (re-read, so the order in which events came
 * does not matter). A refund Settle asked for is found by its id in the metadata; one made in the
 * processor's dashboard becomes a new refund of origin "processor", once.
 */
export async function recordRefundFacts(tx: Queryable, merchantId: string, payment: Payment, facts: RefundFacts): Promise<OutboxWork[]> {
  const status: RefundStatus = facts.status === 'requires_action' ? 'pending' : facts.status;
  const failure = facts.status === 'failed' ? `The refund failed: ${facts.failureReason ?? 'the card issuer refused it'}.` : null;
  let rows: { id: string; origin: Refund['origin'] }[] = [];
  if (facts.settleRefundId) {
    rows = await tx.query(
      `UPDATE refunds SET processor_ref = $3, status = $4, failure_message = $5, updated_at = now() WHERE merchant_id = $1 AND id = $2 RETURNING id, origin`,
      [merchantId, facts.settleRefundId, facts.refundId, status, failure],
    );
  }
  if (rows.length === 0) {
    rows = await tx.query(
      `INSERT INTO refunds (id, merchant_id, payment_id, amount, currency, reason, origin, status, processor_ref, failure_message)
       VALUES ($1, $2, $3, $4, $5, $6, 'processor', $7, $8, $9)
       ON CONFLICT (processor_ref) DO UPDATE SET status = EXCLUDED.status, failure_message = EXCLUDED.failure_message, updated_at = now()
       RETURNING id, origin`,
      [newId('rf'), merchantId, payment.id, facts.amount.amount, facts.amount.currency, facts.reason, status, facts.refundId, failure],
    );
  }
  const refund = rows[0]!;
  // A refund started in the store's admin is already on the order; others are shown there (or taken off once failed).
  if (refund.origin === 'store' || (status !== 'succeeded' && status !== 'failed')) return [];
  // A subscription invoice has no store order to show it on; a counter or link sale has the one Settle made for it.
  if (!storeOrderOf(payment) && !saleMadeElsewhere(payment)) return [];
  return [{ id: `store-refund:${refund.id}:${status}`, topic: 'store.sync_refund', payload: { refundId: refund.id, status } }];
}

/**
 * Sends the refund with Settle's key. When the answer is lost (5xx, timeout) the refund may exist:
 * the key would only replay the failure, so the processor is re-read for a refund carrying Settle's
 * refund id. Not found (or still no answer): the job tries again later, with the same key.
 */
async function refundOrFind(processor: PaymentProcessor, payment: Payment, refund: Refund): Promise<RefundFacts> {
  try {
    return await processor.refund({
      processorRef: payment.processorRef, amount: refund.amount, settleRefundId: refund.id, reason: refund.reason, idempotencyKey: `refund-${refund.id}`,
    });
  } catch (error) {
    if (!(error instanceof RetryableError)) throw error;
    const found = await processor.findRefund({ processorRef: payment.processorRef, settleRefundId: refund.id }).catch(() => null);
    if (found) return found;
    throw error;
  }
}
