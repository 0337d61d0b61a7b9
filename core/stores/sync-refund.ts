import type { Settle } from '../ports';
import { RetryableError } from '../errors';
import { loadOutboxItem, markOutboxDone } from '../outbox/outbox';
import { findPayment, saleMadeElsewhere, storeOrderOf } from '../payments/payments';
import { findRefund } from '../payments/refunds';
import { readBackStoreOrder } from '../reconciliation/snapshots';
import type { Store } from './store';
import { connectedStore, platformOfStoreOrder } from './connected-store';
import { findCounterSaleByPayment } from '../payments/counter-sales';
import { findLinkSaleByPayment } from '../payments/link-sales';
import type { Payment } from '../payments/payments';

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
  const order = storeOrderOf(payment) ?? (await orderMadeForSale(settle, item.merchantId, payment));
  if (!order) {
    // A subscription invoice's refund, or a sale with no store to record it: no store order shows it; the ledger and books do.
    await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
    return `refund ${refund.id}: payment ${payment.id} has no store order`;
  }
  // A refund can be seen before the order is marked paid (webhooks out of order): wait for that.
  // (An order Settle made for a counter or link sale was made paid.)
  if (storeOrderOf(payment) && payment.orderStatus !== 'paid') throw new RetryableError(`order ${payment.orderNumber} is not marked paid yet`);
  const status = item.payload.status === 'failed' ? 'failed' : 'succeeded';
  const store = await settle.platforms.storeFor(item.merchantId, order.platform);
  await store.syncRefund({ orderId: order.orderId, refundId: refund.id, amount: refund.amount, reason: refund.reason, status });
  await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
  await readBackStoreOrder(settle.db, item.merchantId, store, order.orderId);
  return `refund ${refund.id} ${status === 'failed' ? 'taken off' : 'shown on'} order ${payment.orderNumber}`;
}

/**
 * The store order Settle made for a counter sale or a payment link's sale (store.record_sale), so its
 * refund shows there too. Not made yet while a store is connected: wait for it. No store: none.
 */
async function orderMadeForSale(settle: Settle, merchantId: string, payment: Payment): Promise<{ platform: Store['platform']; orderId: string } | null> {
  if (!saleMadeElsewhere(payment)) return null;
  const sale = (await findCounterSaleByPayment(settle.db, merchantId, payment.id)) ?? (await findLinkSaleByPayment(settle.db, merchantId, payment.id));
  if (!sale) return null;
  if (sale.storeOrder) return { platform: platformOfStoreOrder(sale.storeOrder.id), orderId: sale.storeOrder.id };
  if (await connectedStore(settle, merchantId)) throw new RetryableError(`the store order for ${payment.orderNumber} is not made yet`);
  return null;
}
