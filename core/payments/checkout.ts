import type { Settle } from '../ports';
import { RetryableError, SettleError } from '../errors';
import { newId } from '../ids';
import { toDecimal } from '../money';
import type { PaymentProcessor } from './processor';
import { findPaymentForOrder, insertPayment, type CaptureMethod, type Payment } from './payments';
import { setReturnUrl } from './return-url';

/**
 * Starts (or resumes) the payment of a store order. The amount and currency come from the store's
 * own order, never from the browser. One order has one payment: asking again returns the same one.
 * With `captureMethod: 'manual'` the shopper's card is only authorized; the merchant captures it
 * (or part of it) later, and only then is the order marked paid.
 */
export async function startCheckout(
  settle: Settle,
  merchantId: string,
  request: { storePlatform: 'woocommerce' | 'shopify'; orderId: string; captureMethod?: CaptureMethod; returnUrl?: string },
): Promise<Payment> {
  const payment = await startOrResume(settle, merchantId, request);
  // Asked again (the shopper came back to pay): the store's latest word on where they return wins.
  if (request.returnUrl !== undefined) await setReturnUrl(settle.db, payment.id, request.returnUrl);
  return payment;
}

async function startOrResume(
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
  const metadata = { settle_merchant: merchantId, order_id: order.id, order_number: order.number, store: request.storePlatform };
  const { processorRef } = await createOrFindPayment(processor, metadata, () => processor.createPayment({
    amount: order.total,
    description: `Order ${order.number}`,
    metadata,
    // The key names the order and its amount: a retry after a crash gets the same payment back from
    // the processor, and a changed order total gets a fresh one.
    // (Manual capture is a different request, so it gets a different key.)
    idempotencyKey: `checkout-${merchantId}-${request.storePlatform}-${order.id}-${order.total.currency}-${toDecimal(order.total)}${captureMethod === 'manual' ? '-manual' : ''}`,
    captureMethod,
  }));
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

/** How far back a lost create is looked for: the processor keeps idempotency keys for a day. */
const KEY_LIFETIME_MS = 24 * 3600 * 1000;

/**
 * A create whose answer was lost (5xx, timeout) may have happened: the processor replays the same
 * failure for the same key, so the outcome is settled by re-reading — the payment carrying this
 * order's metadata — never by a second create under another key. Found: it is the order's payment.
 * Not found, or the processor still not answering: the shopper is asked to try again (nothing was
 * taken: a payment is only created here, the card is confirmed later on the payment page).
 */
async function createOrFindPayment(
  processor: PaymentProcessor,
  metadata: Record<string, string>,
  create: () => Promise<{ processorRef: string }>,
): Promise<{ processorRef: string }> {
  try {
    return await create();
  } catch (error) {
    if (!(error instanceof RetryableError)) throw error;
    const found = await processor.findPayment({ metadata, createdSince: new Date(Date.now() - KEY_LIFETIME_MS) }).catch(() => null);
    if (found) return found;
    throw new RetryableError(`the payment for order ${metadata.order_number} was not confirmed by the processor: ${error.message}`);
  }
}
