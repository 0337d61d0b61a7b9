import type { Settle } from '../ports';
import { loadOutboxItem, markOutboxDone } from '../outbox/outbox';
import { findPayment, setOrderSyncStatus, storePlatformOf, type Payment } from '../payments/payments';
import { toDecimal } from '../money';
import { accountBalancesForPayment } from '../ledger/payment-view';
import { paymentMethodName } from '../payments/method-names';
import { readBackStoreOrder } from '../reconciliation/snapshots';

/**
 * Tells the store that an order is paid, so the store lowers stock and starts fulfilment.
 * Safe to repeat: the outbox row and the store's own paid state both stop a second effect.
 */
export async function markStoreOrderPaid(settle: Settle, outboxId: string): Promise<string> {
  const item = await loadOutboxItem(settle.db, outboxId);
  if (!item || item.doneAt) return 'already done';
  const paymentId = item.payload.paymentId ?? '';
  const payment = await findPayment(settle.db, item.merchantId, paymentId);
  if (!payment) throw new Error(`payment ${paymentId} is missing`);

  const platform = storePlatformOf(payment);
  // Counter sales have no store order; nothing is sent for them (this only finishes stray work).
  if (!platform) {
    await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
    return `no store order for ${payment.orderNumber}`;
  }
  const { fee, net } = await accountBalancesForPayment(settle.db, item.merchantId, payment.id);
  const store = await settle.platforms.storeFor(item.merchantId, platform);
  await settle.db.transaction((tx) => setOrderSyncStatus(tx, payment.id, 'marking_paid'));
  await store.markOrderPaid({
    orderId: payment.orderId,
    transactionId: payment.processorRef,
    paymentTitle: `${methodName(payment)} (Settle)`,
    note:
      `Settle: paid ${paidText(payment)} by ${methodName(payment).toLowerCase().replace('sepa', 'SEPA')} (${payment.processorRef}). ` +
      (fee && net ? `Processing fee ${toDecimal(fee)} ${fee.currency}, net ${toDecimal(net)} ${net.currency}.` : ''),
  });
  await settle.db.transaction(async (tx) => {
    await setOrderSyncStatus(tx, payment.id, 'paid');
    await markOutboxDone(tx, item.id);
  });
  await readBackStoreOrder(settle.db, item.merchantId, store, payment.orderId);
  return `order ${payment.orderNumber} marked paid`;
}

/** "100.00 USD", or after a partial capture "60.00 USD (captured of 100.00 USD authorized)". */
function paidText(payment: Payment): string {
  const paid = payment.capturedAmount ?? payment.amount;
  const text = `${toDecimal(paid)} ${paid.currency}`;
  return paid.amount === payment.amount.amount ? text : `${text} (captured of ${toDecimal(payment.amount)} ${payment.amount.currency} authorized)`;
}

/** The payment method in the merchant's words (the store shows it as the order's payment method). */
function methodName(payment: Payment): string {
  return paymentMethodName(payment.paymentMethodType) ?? 'Card';
}
