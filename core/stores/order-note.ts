import type { Settle } from '../ports';
import { loadOutboxItem, markOutboxDone } from '../outbox/outbox';
import { findPayment, storePlatformOf } from '../payments/payments';

/**
 * Leaves a private note on the store's order (the "store" queue's job for topic store.add_note),
 * e.g. that a card authorization was released and the order is still unpaid. The store keeps one
 * copy of a note, so running it twice adds nothing.
 */
export async function noteOnStoreOrder(settle: Settle, outboxId: string): Promise<string> {
  const item = await loadOutboxItem(settle.db, outboxId);
  if (!item || item.doneAt) return 'already done';
  const payment = await findPayment(settle.db, item.merchantId, item.payload.paymentId ?? '');
  if (!payment) throw new Error(`payment ${item.payload.paymentId} is missing`);
  const platform = storePlatformOf(payment);
  // Counter sales have no store order; nothing is sent for them (this only finishes stray work).
  if (!platform) {
    await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
    return `no store order for ${payment.orderNumber}`;
  }
  const store = await settle.platforms.storeFor(item.merchantId, platform);
  await store.addOrderNote({ orderId: payment.orderId, note: item.payload.note ?? '' });
  await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
  return `note added to order ${payment.orderNumber}`;
}
