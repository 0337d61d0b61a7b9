import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import { NotFoundError, RetryableError, SettleError } from '../errors';
import { money, toDecimal } from '../money';
import type { OutboxWork } from './movements';
import { findPayment, setPaymentMethodType, setPaymentStatus, type Payment } from './payments';
import type { PaymentFacts } from './processor';
import { captureOrReread } from './outcome-unknown';
import { paymentSessionWork } from './sessions/sessions';

/**
 * Manual capture: the shopper's card is authorized at checkout, and the merchant later captures all
 * or part of it (the rest is released), or releases all of it. Only a capture takes money, so the
 * sale reaches the ledger, the store and the books from the processor's webhook for the capture
 * (settlement.ts), never from the authorization.
 */

const formatted = (amount: number, payment: Payment) => `${toDecimal(money(amount, payment.amount.currency))} ${payment.amount.currency}`;

/** Why a payment in this state cannot be captured or released, in the merchant's words. */
function notAuthorized(payment: Payment, action: 'capture' | 'cancel'): SettleError {
  switch (payment.status) {
    case 'succeeded':
      return new SettleError('payment_already_captured', action === 'capture'
        ? `Order ${payment.orderNumber} was already captured (${formatted(payment.capturedAmount?.amount ?? payment.amount.amount, payment)}).`
        : `Order ${payment.orderNumber} was already captured, so there is no hold to release. Refund it instead.`, 409);
    case 'canceled':
      return new SettleError('authorization_canceled',
        `The card authorization for order ${payment.orderNumber} was already released (canceled or expired); nothing was taken and nothing can be captured.`, 409);
    default:
      return new SettleError('payment_not_authorized',
        `Order ${payment.orderNumber} has no card authorization to ${action === 'capture' ? 'capture' : 'release'}: the shopper has not paid yet.`, 409);
  }
}

async function authorizedPayment(settle: Settle, merchantId: string, paymentId: string, action: 'capture' | 'cancel'): Promise<Payment> {
  const payment = await findPayment(settle.db, merchantId, paymentId);
  if (!payment) throw new NotFoundError('This payment');
  if (payment.status === 'authorized') return payment;
  if (payment.status !== 'awaiting_payment' && payment.status !== 'failed') throw notAuthorized(payment, action);
  // The shopper may have just paid, with Stripe's webhook still on its way: ask Stripe.
  const facts = await (await settle.platforms.processorFor(merchantId)).paymentFacts(payment.processorRef);
  if (facts.status !== 'authorized') throw notAuthorized(payment, action);
  await settle.db.transaction((tx) => setPaymentStatus(tx, payment.id, 'authorized'));
  return { ...payment, status: 'authorized' };
}

/**
 * Captures `amount` (minor units; all that was authorized when absent). The key names the payment
 * and the amount: a retry captures once, and Stripe refuses a second capture of another amount.
 */
export async function capturePayment(settle: Settle, merchantId: string, paymentId: string, request: { amount?: number }): Promise<Payment> {
  const payment = await authorizedPayment(settle, merchantId, paymentId, 'capture');
  const amount = request.amount ?? payment.amount.amount;
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new SettleError('invalid_capture_amount', 'The amount to capture must be a positive whole number of minor units (cents).', 400);
  }
  if (amount > payment.amount.amount) {
    throw new SettleError('capture_exceeds_authorization',
      `At most ${formatted(payment.amount.amount, payment)} was authorized for order ${payment.orderNumber}; capture that or less.`, 400);
  }
  const processor = await settle.platforms.processorFor(merchantId);
  // A refusal is a fact to re-read and show; a lost answer is re-read too (captureOrReread).
  const facts = await captureOrReread(settle, payment, () => refusalAsState(settle, payment, 'capture', () =>
    processor.capture({ processorRef: payment.processorRef, amount: money(amount, payment.amount.currency), idempotencyKey: `capture-${payment.id}-${amount}` }),
  ));
  await settle.db.transaction((tx) => setPaymentStatus(tx, payment.id, statusOf(facts), null, facts.received.amount || null));
  return (await findPayment(settle.db, merchantId, paymentId))!;
}

/** Releases the whole authorization: nothing is taken from the shopper's card; the order stays unpaid. */
export async function cancelPayment(settle: Settle, merchantId: string, paymentId: string): Promise<Payment> {
  const payment = await authorizedPayment(settle, merchantId, paymentId, 'cancel');
  const processor = await settle.platforms.processorFor(merchantId);
  const facts = await refusalAsState(settle, payment, 'cancel', () => processor.cancel({ processorRef: payment.processorRef, idempotencyKey: `cancel-${payment.id}` }));
  await settle.db.transaction((tx) => setPaymentStatus(tx, payment.id, statusOf(facts), facts.failureMessage));
  return (await findPayment(settle.db, merchantId, paymentId))!;
}

/**
 * The processor refusing (already captured in its dashboard, expired a moment ago) means Settle's
 * view was behind: re-read the facts, keep them, and answer with what the payment really is.
 */
async function refusalAsState(settle: Settle, payment: Payment, action: 'capture' | 'cancel', call: () => Promise<PaymentFacts>): Promise<PaymentFacts> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof SettleError) || error instanceof RetryableError) throw error;
    const processor = await settle.platforms.processorFor(payment.merchantId);
    const facts = await processor.paymentFacts(payment.processorRef);
    if (facts.status === 'authorized') throw error;
    await settle.db.transaction((tx) => setPaymentStatus(tx, payment.id, statusOf(facts), null, facts.received.amount || null));
    throw notAuthorized({ ...payment, status: statusOf(facts), capturedAmount: facts.received.amount ? facts.received : null }, action);
  }
}

function statusOf(facts: PaymentFacts): Payment['status'] {
  return facts.status;
}

/**
 * In the settlement's transaction: an authorization (or its end) that the processor reported.
 * Nothing is posted to the ledger — no money moved. A released or expired hold leaves the store's
 * order unpaid, with a note saying why.
 */
export async function recordAuthorizationFacts(tx: Queryable, payment: Payment, facts: PaymentFacts): Promise<OutboxWork[]> {
  switch (facts.status) {
    case 'authorized':
      await setPaymentStatus(tx, payment.id, 'authorized');
      await setPaymentMethodType(tx, payment.id, facts.methodType);
      // A Shopify payment session of kind authorization is resolved now; Shopify sends the capture later.
      return paymentSessionWork(tx, payment, 'authorized');
    case 'processing':
      // A bank debit submitted: not paid until the bank answers; nothing is posted, the order waits.
      await setPaymentStatus(tx, payment.id, 'processing');
      await setPaymentMethodType(tx, payment.id, facts.methodType);
      // A Shopify checkout is told the payment is pending, and waits for the bank's answer.
      return paymentSessionWork(tx, payment, 'processing');
    case 'canceled': {
      const note = facts.expired
        ? `Settle: the card authorization of ${formatted(payment.amount.amount, payment)} (${payment.processorRef}) expired without being captured; nothing was taken and the order is unpaid.`
        : `Settle: the card authorization of ${formatted(payment.amount.amount, payment)} (${payment.processorRef}) was released; nothing was taken and the order is unpaid.`;
      await setPaymentStatus(tx, payment.id, 'canceled', facts.expired ? 'The authorization expired before it was captured.' : null);
      const session = await paymentSessionWork(tx, payment, 'canceled');
      if (session.length > 0) return session; // Shopify's session is rejected (if not yet answered); there is no order to note.
      return [{ id: `store-note:${payment.id}:canceled`, topic: 'store.add_note', payload: { paymentId: payment.id, note } }];
    }
    case 'succeeded':
      // Stripe says succeeded but the charge's balance transaction is not readable yet: try again.
      throw new RetryableError(`payment ${payment.processorRef} succeeded but its balance transaction is not there yet`);
    default:
      return [];
  }
}
