import type { Settle } from '../ports';
import { SettleError } from '../errors';
import { money, toDecimal } from '../money';
import { loadOutboxItem, markOutboxDone } from '../outbox/outbox';
import { findCounterSaleByPayment, recordStoreOrderOfSale } from '../payments/counter-sales';

/**
 * Records a paid counter sale in the merchant's WooCommerce store as a paid order (the "store"
 * queue's job for topic store.record_sale), so the store's stock falls for what was sold at the
 * counter, and the sale shows the store's order number. Without a connected store there is nothing
 * to record. Safe to repeat: the store finds the order already made for the payment.
 */
export async function recordSaleInStore(settle: Settle, outboxId: string): Promise<string> {
  const item = await loadOutboxItem(settle.db, outboxId);
  if (!item || item.doneAt) return 'already done';
  const sale = await findCounterSaleByPayment(settle.db, item.merchantId, item.payload.paymentId ?? '');
  if (!sale) throw new Error(`payment ${item.payload.paymentId} is not a counter sale`);
  const store = await settle.platforms.storeFor(item.merchantId, 'woocommerce').catch((error: unknown) => {
    if (error instanceof SettleError && error.code === 'platform_not_connected') return null;
    throw error;
  });
  if (!store) {
    await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
    return `counter sale ${sale.payment.orderNumber}: no store connected`;
  }
  const { payment } = sale;
  // A sale rung up without lines is one line: its description, for the whole amount.
  const lines = sale.lines.length
    ? sale.lines.map((l) => ({ name: l.name, quantity: l.quantity, total: money(l.amount, payment.amount.currency) }))
    : [{ name: sale.description, quantity: 1, total: payment.amount }];
  const order = await store.recordSaleMadeElsewhere({
    paymentId: payment.id, startedAt: sale.createdAt, transactionId: payment.processorRef, paymentTitle: 'Card at the counter (Settle)',
    lines, customer: sale.customer,
    note: `Settle: counter sale ${payment.orderNumber}, paid ${toDecimal(payment.amount)} ${payment.amount.currency} by card at the counter (${payment.processorRef}).`,
  });
  await settle.db.transaction(async (tx) => {
    await recordStoreOrderOfSale(tx, item.merchantId, sale.id, order);
    await markOutboxDone(tx, item.id);
  });
  return `counter sale ${payment.orderNumber} recorded as order ${order.number}`;
}
