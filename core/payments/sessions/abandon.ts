import type { Settle } from '../../ports';
import { SettleError } from '../../errors';
import { addToOutbox, QUEUE_FOR_TOPIC } from '../../outbox/outbox';
import { findPaymentById, setPaymentStatus } from '../payments';
import { paymentSessionOf, paymentSessionWork } from './sessions';

/** What Shopify's admin shows the merchant for a checkout the shopper left on Settle's page. */
export const SHOPPER_CANCELED = 'The shopper canceled on Settle’s payment page and went back to Shopify’s checkout; nothing was taken.';

/**
 * The shopper gives up on Settle's page and goes back to Shopify's checkout (its cancel_url). The
 * payment is canceled at the processor first, so a page left open in another tab can no longer take
 * money for a checkout Shopify has moved on from; then Shopify's session is rejected (through the
 * outbox, sessions/settle.ts). Asking again changes nothing. A payment already made or on its way
 * (paid, held, a bank debit processing) is not canceled: the shopper is told it went through.
 */
export async function abandonPaymentSession(settle: Settle, paymentId: string): Promise<void> {
  const payment = await findPaymentById(settle.db, paymentId);
  const session = payment && (await paymentSessionOf(settle.db, payment.id));
  if (!payment || !session) throw new SettleError('payment_not_found', 'This payment link is not valid.', 404);
  if (payment.status === 'canceled') return;
  if (payment.status !== 'awaiting_payment' && payment.status !== 'failed') {
    throw new SettleError('payment_not_cancelable', 'This payment has already been made, so it cannot be canceled here. Continue to your order.', 409);
  }
  const processor = await settle.platforms.processorFor(payment.merchantId);
  const facts = await processor.cancel({ processorRef: payment.processorRef, idempotencyKey: `cancel-${payment.id}` });
  if (facts.status !== 'canceled') throw new SettleError('payment_not_cancelable', 'This payment went through just now, so it cannot be canceled.', 409);
  const work = await settle.db.transaction(async (tx) => {
    await setPaymentStatus(tx, payment.id, 'canceled', SHOPPER_CANCELED);
    const items = await paymentSessionWork(tx, payment, 'canceled');
    for (const item of items) await addToOutbox(tx, { ...item, merchantId: payment.merchantId });
    return items;
  });
  for (const item of work) await settle.jobs.enqueue(QUEUE_FOR_TOPIC[item.topic], item.id, { outboxId: item.id });
}
