import type { Settle } from '../ports';
import { loadInboundEvent, markInboundProcessed, type InboxEvent } from '../inbox/inbox';
import type { Queryable } from '../storage/database';
import { addToOutbox, QUEUE_FOR_TOPIC, type OutboxTopic } from '../outbox/outbox';
import { saleEntry, payoutEntry } from '../ledger/entries';
import { postEntry } from '../ledger/journal';
import { findPaymentByProcessorRef, setPaymentStatus } from './payments';

/**
 * Applies one recorded webhook. Reads what it needs from the processor first, then changes the
 * payment, the ledger, the outbox and the inbox row in one transaction, so a crash leaves either
 * nothing or everything; running it again finds the work done.
 */
export async function applyInboundEvent(settle: Settle, inboxId: number): Promise<string> {
  const event = await loadInboundEvent(settle.db, inboxId);
  if (!event) return 'unknown inbox id';
  if (event.processedAt) return 'already processed';

  const processor = await settle.platforms.processorFor(event.merchantId);
  const fact = processor.readEvent(event.payload);
  const outbox: { id: string; topic: OutboxTopic; payload: Record<string, string> }[] = [];

  if (fact.kind === 'payment_succeeded') {
    const payment = await findPaymentByProcessorRef(settle.db, event.merchantId, fact.processorRef);
    if (!payment) return finish(settle, event, [], `no Settle payment for ${fact.processorRef}`);
    const charge = await processor.settledCharge(fact.processorRef);
    const store = await settle.platforms.storeFor(event.merchantId, payment.storePlatform);
    const order = await store.getOrder(payment.orderId);
    return finish(settle, event, outbox, 'payment recorded', async (tx) => {
      await setPaymentStatus(tx, payment.id, 'succeeded');
      const { entryId } = await postEntry(tx, saleEntry(event.merchantId, payment, charge, order));
      outbox.push({ id: `store:${payment.id}`, topic: 'store.mark_paid', payload: { paymentId: payment.id } });
      outbox.push({ id: `books:${entryId}`, topic: 'books.post_entry', payload: { entryId } });
    });
  }
  if (fact.kind === 'payment_failed') {
    const payment = await findPaymentByProcessorRef(settle.db, event.merchantId, fact.processorRef);
    if (!payment) return finish(settle, event, [], `no Settle payment for ${fact.processorRef}`);
    // A declined attempt: the shopper may try another card, so the payment stays open for it.
    return finish(settle, event, [], 'decline recorded', (tx) => setPaymentStatus(tx, payment.id, 'awaiting_payment', fact.message));
  }
  if (fact.kind === 'payout_paid') {
    const payout = await processor.payout(fact.payoutId);
    return finish(settle, event, outbox, 'payout recorded', async (tx) => {
      const { entryId } = await postEntry(tx, payoutEntry(event.merchantId, payout));
      outbox.push({ id: `books:${entryId}`, topic: 'books.post_entry', payload: { entryId } });
    });
  }
  return finish(settle, event, [], fact.reason);
}

async function finish(
  settle: Settle,
  event: InboxEvent,
  outbox: { id: string; topic: OutboxTopic; payload: Record<string, string> }[],
  outcome: string,
  change?: (tx: Queryable) => Promise<void>,
): Promise<string> {
  await settle.db.transaction(async (tx) => {
    await change?.(tx);
    for (const item of outbox) await addToOutbox(tx, { ...item, merchantId: event.merchantId });
    await markInboundProcessed(tx, event.id);
  });
  // After commit: if this enqueue is lost to a crash, the outbox sweep enqueues the work again.
  for (const item of outbox) await settle.jobs.enqueue(QUEUE_FOR_TOPIC[item.topic], item.id, { outboxId: item.id });
  return outcome;
}
