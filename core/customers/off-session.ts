import type { Settle } from '../ports';
import { SettleError } from '../errors';
import { newId } from '../ids';
import { toDecimal } from '../money';
import { findPayment, findPaymentForOrder, insertPayment, setPaymentStatus, type Payment } from '../payments/payments';
import { requireCustomer, requireSavedCard } from './customers';

/**
 * Charges a customer's saved card for a store order with nobody present (a phone order, a
 * pre-order's balance). The amount comes from the store's order. The payment is recorded before
 * any money moves (created at the processor unconfirmed, then charged), so the processor's webhook
 * always finds it and the sale reaches the ledger, the store and the books like any other.
 *
 * A decline is final (`failed`, with the bank's reason); a bank that wants the customer to confirm
 * leaves it `requires_authentication`: the customer completes it on the payment page.
 */
export async function chargeSavedCard(
  settle: Settle,
  merchantId: string,
  customerId: string,
  request: { cardId: string; storePlatform: 'woocommerce' | 'shopify'; orderId: string },
): Promise<Payment> {
  const customer = await requireCustomer(settle.db, merchantId, customerId);
  const card = await requireSavedCard(settle.db, merchantId, customer.id, request.cardId);
  const existing = await findPaymentForOrder(settle.db, merchantId, request.storePlatform, request.orderId);
  if (existing?.status === 'succeeded') throw new SettleError('order_already_paid', `Order ${existing.orderNumber} is already paid.`, 409);
  if (existing && !(existing.offSession && existing.customerId === customer.id && existing.status === 'awaiting_payment')) {
    throw new SettleError('order_has_payment',
      `Order ${existing.orderNumber} already has a payment (${existing.status.replace(/_/g, ' ')}). One order is paid one way: see that payment.`, 409);
  }

  const store = await settle.platforms.storeFor(merchantId, request.storePlatform);
  const order = await store.getOrder(request.orderId);
  if (!order.needsPayment) throw new SettleError('order_not_payable', `Order ${order.number} is ${order.status} and does not need a payment.`, 409);
  if (order.total.amount <= 0) throw new SettleError('order_not_payable', `Order ${order.number} has nothing to pay.`, 409);

  const processor = await settle.platforms.processorFor(merchantId);
  // Keys name the order, its amount and the card: a retry after a crash finds the same payment.
  const key = `saved-card-${merchantId}-${request.storePlatform}-${order.id}-${order.total.currency}-${toDecimal(order.total)}-${card.processorRef}`;
  const payment = existing ?? await insertPayment(settle.db, {
    id: newId('pay'),
    merchantId,
    storePlatform: request.storePlatform,
    orderId: order.id,
    orderNumber: order.number,
    amount: order.total,
    customerId: customer.id,
    offSession: true,
    processorRef: (await processor.createSavedCardPayment({
      amount: order.total,
      description: `Order ${order.number}`,
      metadata: { settle_merchant: merchantId, order_id: order.id, order_number: order.number, store: request.storePlatform, settle_customer: customer.id },
      customerRef: customer.processorRef,
      cardRef: card.processorRef,
      idempotencyKey: key,
    })).processorRef,
  });
  if (payment.customerId !== customer.id) {
    throw new SettleError('order_has_payment', `Order ${payment.orderNumber} already has a payment. One order is paid one way: see that payment.`, 409);
  }

  const outcome = await processor.chargeOffSession({ processorRef: payment.processorRef, cardRef: card.processorRef, idempotencyKey: `charge-${payment.id}` });
  // The processor's webhook posts the sale with its fee and marks the order paid; the status is known now.
  await settle.db.transaction(async (tx) => {
    if (outcome.status === 'succeeded') await setPaymentStatus(tx, payment.id, 'succeeded', null, payment.amount.amount);
    else if (outcome.status !== 'processing') await setPaymentStatus(tx, payment.id, outcome.status, outcome.failureMessage);
  });
  return (await findPayment(settle.db, merchantId, payment.id))!;
}
