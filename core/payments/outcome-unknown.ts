import type { Settle } from '../ports';
import { RetryableError, SettleError } from '../errors';
import { addToOutbox, loadOutboxItem, markOutboxDone } from '../outbox/outbox';
import { findPayment, setPaymentStatus, type Payment } from './payments';
import type { PaymentFacts } from './processor';

/**
 * "Outcome unknown": the processor took a capture and its answer was lost (a 5xx after the work, a
 * timeout). Its idempotency key would only replay the failure, so the truth is re-read, never sent
 * again under another key. The sale itself reaches the ledger, the store and the books from the
 * processor's webhook (settlement.ts); this only keeps the payment's status right meanwhile.
 */
export async function captureOrReread(settle: Settle, payment: Payment, capture: () => Promise<PaymentFacts>): Promise<PaymentFacts> {
  try {
    return await capture();
  } catch (error) {
    if (!(error instanceof RetryableError)) throw error;
    const processor = await settle.platforms.processorFor(payment.merchantId);
    const facts = await processor.paymentFacts(payment.processorRef).catch(() => null);
    if (facts && facts.status !== 'authorized') return facts;
    // Still authorized: the capture did not happen, and asking again (same key) is safe.
    if (facts) throw error;
    // The processor answers nothing at all: a job re-reads until it does.
    await settle.db.transaction((tx) =>
      addToOutbox(tx, { id: `recheck:${payment.id}`, merchantId: payment.merchantId, topic: 'processor.recheck_payment', payload: { paymentId: payment.id } }));
    await settle.jobs.enqueue('processor', `recheck:${payment.id}`, { outboxId: `recheck:${payment.id}` });
    throw new SettleError('capture_outcome_unknown',
      `Stripe did not confirm the capture for order ${payment.orderNumber}. Settle keeps checking and shows the payment as captured once Stripe confirms; capturing again is safe, it cannot take the money twice.`, 503);
  }
}

/** The "processor" queue's re-read of a payment whose last answer was lost. Safe to run twice. */
export async function recheckPayment(settle: Settle, outboxId: string): Promise<string> {
  const item = await loadOutboxItem(settle.db, outboxId);
  if (!item || item.doneAt) return 'already done';
  const payment = await findPayment(settle.db, item.merchantId, item.payload.paymentId ?? '');
  if (!payment) throw new Error(`payment ${item.payload.paymentId} is missing`);
  // A RetryableError here (still no answer) leaves the job to BullMQ's retries.
  const facts = await (await settle.platforms.processorFor(item.merchantId)).paymentFacts(payment.processorRef);
  const status = facts.status === 'processing' ? 'awaiting_payment' : facts.status;
  await settle.db.transaction(async (tx) => {
    await setPaymentStatus(tx, payment.id, status, facts.failureMessage, facts.received.amount || null);
    await markOutboxDone(tx, item.id);
  });
  return `payment ${payment.id} re-read: ${facts.status}`;
}
