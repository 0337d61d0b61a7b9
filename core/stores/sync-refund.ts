import type { Settle } from '../ports';
import { RetryableError } from '../errors';
import { loadOutboxItem, markOutboxDone } from '../outbox/outbox';
import { findPayment, storePlatformOf } from '../payments/payments';
import { findRefund } from '../payments/refunds';
import { readBackStoreOrder } from '../reconciliation/snapshots';

/**
 * Puts a refund made through Settle or in Stripe's dashboard on the store's order, so the merchant
 * sees it where they work (and the store's reports agree), and takes it off again if it failed.
 */
export async function syncStoreRefund(settle: Settle, outboxId: string): Promise<string> {
  const item = await loadOutboxItem(settle.db, outboxId);
  if (!item || item.doneAt) return 'already done';
  const refund = await findRefund(settle.db, item.merchantId, item.payload.refundId ?? '');
  if (!refund) throw new Error(`refund ${item.payload.refundId} is missing`);
  const payment = await findPayment(settle.db, item.merchantId, refund.paymentId);
  if (!payment) throw new Error(`payment ${refund.paymentId} is missing`);
  const platform = storePlatformOf(payment);
  // Counter sales have no store order; nothing is sent for them (this only finishes stray work).
  if (!platform) {
    await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
    return `no store order for ${payment.orderNumber}`;
  }
  // A refund can be seen before the order is marked paid (webhooks out of order): wait for that.
  if (payment.orderStatus !== 'paid') throw new RetryableError(`order ${payment.orderNumber} is not marked paid yet`);
  const status = item.payload.status === 'failed' ? 'failed' : 'succeeded';
  const store = await settle.platforms.storeFor(item.merchantId, platform);
  await store.syncRefund({ orderId: payment.orderId, refundId: refund.id, amount: refund.amount, reason: refund.reason, status });
  await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
  await readBackStoreOrder(settle.db, item.merchantId, store, payment.orderId);
  return `refund ${refund.id} ${status === 'failed' ? 'taken off' : 'shown on'} order ${payment.orderNumber}`;
}
