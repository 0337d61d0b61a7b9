import type { Settle } from '../ports';
import { SettleError } from '../errors';
import { newId } from '../ids';
import { toDecimal } from '../money';
import { findPaymentForOrder, insertPayment, type CaptureMethod, type Payment } from './payments';

/**
 * Starts (or resumes) the payment of a store order. The amount and currency come from the store's
 * own order, never from the browser. One order has one payment: asking again returns the same one.
 * With `captureMethod: 'manual'` the shopper's card is only authorized; the merchant captures it
 * (or part of it) later, and only then is the order marked paid.
 */
export async function startCheckout(
  settle: Settle,
  merchantId: string,
  request: { storePlatform: 'woocommerce' | 'shopify'; orderId: string; captureMethod?: CaptureMethod },
): Promise<Payment> {
  const captureMethod = request.captureMethod ?? 'automatic';
  const existing = await findPaymentForOrder(settle.db, merchantId, request.storePlatform, request.orderId);
  if (existing?.status === 'succeeded') throw new SettleError('order_already_paid', `Order ${existing.orderNumber} is already paid.`, 409);
  if (existing?.status === 'canceled') {
    throw new SettleError('payment_canceled', `The card payment for order ${existing.orderNumber} was canceled and nothing was taken. Place a new order to pay again.`, 409);
  }
  if (existing) return existing;

  const store = await settle.platforms.storeFor(merchantId, request.storePlatform);
  const order = await store.getOrder(request.orderId);
  if (!order.needsPayment) {
    throw new SettleError('order_not_payable', `Order ${order.number} is ${order.status} and does not need a payment.`, 409);
  }
  if (order.total.amount <= 0) throw new SettleError('order_not_payable', `Order ${order.number} has nothing to pay.`, 409);

  const processor = await settle.platforms.processorFor(merchantId);
  // The key names the order and its amount: a retry after a crash gets the same payment back from
  // the processor, and a changed order total gets a fresh one.
  const { processorRef } = await processor.createPayment({
    amount: order.total,
    description: `Order ${order.number}`,
    metadata: { settle_merchant: merchantId, order_id: order.id, order_number: order.number, store: request.storePlatform },
    // (Manual capture is a different request, so it gets a different key.)
    idempotencyKey: `checkout-${merchantId}-${request.storePlatform}-${order.id}-${order.total.currency}-${toDecimal(order.total)}${captureMethod === 'manual' ? '-manual' : ''}`,
    captureMethod,
  });
  return insertPayment(settle.db, {
    id: newId('pay'),
    merchantId,
    storePlatform: request.storePlatform,
    orderId: order.id,
    orderNumber: order.number,
    amount: order.total,
    captureMethod,
    processorRef,
  });
}
