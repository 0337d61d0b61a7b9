import type { Settle } from '../../ports';
import { RetryableError, SettleError } from '../../errors';
import { loadOutboxItem, markOutboxDone } from '../../outbox/outbox';
import { findPayment, setOrderSyncStatus, type Payment } from '../payments';
import { findRefund, requestRefund } from '../refunds';
import { cancelPayment, capturePayment } from '../authorizations';
import { setReturnUrl } from '../return-url';
import type { PaymentSessionsGateway, SessionRef } from './gateway';
import { findSession, recordSessionOutcome, type SessionKind, type ShopifySession } from './sessions';
import { closeDeclinedCheckout, closedForDeclines, noteDecline } from './declines';

/**
 * How long Shopify is asked to wait for a bank debit: SEPA debits take up to 14 business days to
 * succeed or fail, so three weeks (the bank's answer then resolves or rejects the session).
 */
const BANK_DEBIT_WAIT_MS = 21 * 24 * 3600_000;

/**
 * Answers one Shopify session (the "store" queue's `shopify-session:…` work). What it answers is
 * read from Settle's facts now, not from the event that queued it, so running it twice (a crash
 * after Shopify heard, a retried job) sends the same answer, which the gateway takes as done.
 *
 * When a payment session is answered (Settle's choice):
 * - resolved once the processor reports the card authorized (kind `authorization`) or charged (`sale`);
 * - rejected (PROCESSING_ERROR) once the payment is canceled: the hold was released or expired
 *   before Shopify heard, or the shopper gave up and the payment was canceled;
 * - rejected with the bank's reason (CARD_DECLINED, or Shopify's closer word: PICK_UP_CARD,
 *   EXPIRED_CARD…) when a decline ends the checkout (sessions/declines.ts: a lost or stolen card, or
 *   too many declines); after any other decline the shopper stays on Settle's page and may try
 *   again, as Shopify's own checkout lets them. A session nobody pays expires at Shopify.
 */
export async function answerShopifySession(settle: Settle, gateway: PaymentSessionsGateway, outboxId: string): Promise<string> {
  const item = await loadOutboxItem(settle.db, outboxId);
  if (!item || item.doneAt) return 'already done';
  const session = await findSession(settle.db, item.payload.shop ?? '', (item.payload.kind ?? '') as SessionKind, item.payload.sessionId ?? '');
  if (!session) throw new Error(`Shopify session ${item.payload.sessionId} is missing`);
  const done = async (outcome: string, change?: Parameters<typeof recordSessionOutcome>[2]) => {
    await settle.db.transaction(async (tx) => {
      if (change) await recordSessionOutcome(tx, session, change);
      await markOutboxDone(tx, item.id);
    });
    return outcome;
  };
  if (session.outcome !== 'open') return done(`${session.kind} session ${session.sessionId} was already ${session.outcome}`);
  const ref: SessionRef = { shop: session.shop, gid: session.gid };
  const found = await findPayment(settle.db, session.merchantId, session.paymentId);
  if (!found) throw new Error(`payment ${session.paymentId} is missing`);
  let payment: Payment = found;

  switch (session.kind) {
    case 'payment': {
      if (item.payload.declined) return noteDecline(settle, session, payment, item.id);
      if (item.payload.closing && payment.status !== 'authorized' && payment.status !== 'succeeded') {
        const closed = await closeDeclinedCheckout(settle, session, payment);
        if (!closed) return done(`payment session ${session.sessionId} was paid as it was being closed; its payment answers Shopify`);
        payment = closed;
      }
      if (payment.status === 'authorized' || payment.status === 'succeeded') {
        let nextUrl: string | null;
        try {
          ({ nextUrl } = await gateway.resolvePayment(ref));
        } catch (error) {
          if (!(error instanceof SettleError && error.code === 'shopify_session_refused')) throw error;
          // Shopify will make no order for this money (the session expired or was closed meanwhile):
          // the shopper must not pay for nothing. The hold is released, or the charge refunded, once.
          await giveBack(settle, session, payment, error.message);
          const merchantMessage = `Settle: Shopify refused the paid session (${error.message}); the shopper's money was given back.`;
          return done(`payment session ${session.sessionId} refused by Shopify; the money went back to the shopper`, { resolved: false, reason: 'PROCESSING_ERROR', merchantMessage });
        }
        // The shopper's way back after paying: Shopify's order status page.
        if (nextUrl) await setReturnUrl(settle.db, payment.id, nextUrl);
        // Resolved, Shopify makes the order and marks it paid itself: the merchant's list says so.
        await setOrderSyncStatus(settle.db, payment.id, 'paid');
        return done(`payment session ${session.sessionId} resolved`, { resolved: true, nextUrl });
      }
      if (payment.status === 'canceled') {
        const why = closedForDeclines(session, payment.paymentMethodType);
        if (why) {
          const merchantMessage = `Settle closed the checkout after the card was declined: ${why}.`;
          const sent = await gateway.rejectPayment(ref, { code: 'CARD_DECLINED', declineCode: session.lastDecline ?? undefined, merchantMessage });
          const reason = sent?.code ?? 'CARD_DECLINED';
          return done(`payment session ${session.sessionId} rejected: ${reason}`, { resolved: false, reason, merchantMessage });
        }
        const merchantMessage = `Settle: the card payment ${payment.processorRef} was canceled before it was taken${payment.failureMessage ? `. ${payment.failureMessage}` : '.'}`;
        await gateway.rejectPayment(ref, { code: 'PROCESSING_ERROR', merchantMessage });
        return done(`payment session ${session.sessionId} rejected`, { resolved: false, reason: 'PROCESSING_ERROR', merchantMessage });
      }
      if (payment.status === 'processing') {
        // Told again on a retry: Shopify takes the same pending answer as done.
        await gateway.pendingPayment(ref, new Date(Date.now() + BANK_DEBIT_WAIT_MS));
        return done(`payment session ${session.sessionId} pending: the bank has not answered yet`);
      }
      return done(`payment session ${session.sessionId} still waits for the shopper (${payment.status})`);
    }
    case 'refund':
      return answerRefund(settle, gateway, session, payment, done);
    case 'capture':
      return answerMoneyMove(session, () => captureOnce(settle, session, payment), {
        resolve: () => gateway.resolveCapture(ref),
        // A hold that ended (released or expired) is Shopify's AUTHORIZATION_EXPIRED; anything else a processing error.
        reject: (error) => {
          const code = error.code === 'authorization_canceled' ? 'AUTHORIZATION_EXPIRED' : 'PROCESSING_ERROR';
          return gateway.rejectCapture(ref, { code, merchantMessage: error.message }).then(() => code);
        },
      }, done);
    case 'void':
      return answerMoneyMove(session, () => voidOnce(settle, session, payment), {
        resolve: () => gateway.resolveVoid(ref),
        reject: (error) => gateway.rejectVoid(ref, { code: 'PROCESSING_ERROR', merchantMessage: error.message }).then(() => 'PROCESSING_ERROR'),
      }, done);
  }
}

type Done = (outcome: string, change?: Parameters<typeof recordSessionOutcome>[2]) => Promise<string>;

/**
 * Moves the money, then tells Shopify. A refusal a person must see (already captured elsewhere, an
 * expired hold) rejects the session with its message; a processor that did not answer is retried.
 */
async function answerMoneyMove(
  session: ShopifySession, move: () => Promise<void>,
  answer: { resolve: () => Promise<void>; reject: (error: SettleError) => Promise<string> }, done: Done,
): Promise<string> {
  try {
    await move();
  } catch (error) {
    if (!(error instanceof SettleError)) throw error;
    const reason = await answer.reject(error);
    return done(`${session.kind} session ${session.sessionId} rejected: ${error.message}`, { resolved: false, reason, merchantMessage: error.message });
  }
  await answer.resolve();
  return done(`${session.kind} session ${session.sessionId} resolved`, { resolved: true });
}

/** Captures the session's amount, unless this capture already happened (a retry after a crash). */
async function captureOnce(settle: Settle, session: ShopifySession, payment: Payment): Promise<void> {
  if (payment.status === 'succeeded' && (payment.capturedAmount ?? payment.amount).amount === session.amount.amount) return;
  const captured = await capturePayment(settle, session.merchantId, payment.id, { amount: session.amount.amount });
  if (captured.status !== 'succeeded') throw new RetryableError(`the capture of ${payment.processorRef} is ${captured.status}`);
}

/** Releases the hold, unless it already is released (a retry, or released in Settle's admin). */
async function voidOnce(settle: Settle, session: ShopifySession, payment: Payment): Promise<void> {
  if (payment.status === 'canceled') return;
  await cancelPayment(settle, session.merchantId, payment.id);
}

/**
 * One Stripe refund per refund session: its Settle refund is named after the session (requestRefund's
 * store refund id), so asking again finds it. Shopify hears once the processor says how it ended.
 */
async function answerRefund(settle: Settle, gateway: PaymentSessionsGateway, session: ShopifySession, payment: Payment, done: Done): Promise<string> {
  const ref: SessionRef = { shop: session.shop, gid: session.gid };
  let refund;
  try {
    refund = await requestRefund(settle, session.merchantId, payment.id, { amount: session.amount.amount, origin: 'store', storeRefundId: `shopify-${session.sessionId}` });
  } catch (error) {
    if (!(error instanceof SettleError)) throw error;
    await gateway.rejectRefund(ref, { code: 'PROCESSING_ERROR', merchantMessage: error.message });
    return done(`refund session ${session.sessionId} rejected: ${error.message}`, { resolved: false, reason: 'PROCESSING_ERROR', merchantMessage: error.message });
  }
  const now = (await findRefund(settle.db, session.merchantId, refund.id)) ?? refund;
  if (now.status === 'succeeded') {
    await gateway.resolveRefund(ref);
    return done(`refund session ${session.sessionId} resolved (${now.id})`, { resolved: true });
  }
  if (now.status === 'failed' || now.status === 'canceled') {
    const merchantMessage = now.failureMessage ?? 'The card refund failed.';
    await gateway.rejectRefund(ref, { code: 'PROCESSING_ERROR', merchantMessage });
    return done(`refund session ${session.sessionId} rejected`, { resolved: false, reason: 'PROCESSING_ERROR', merchantMessage });
  }
  // Still with the processor (or the bank): asked again later, it finds the same refund.
  throw new RetryableError(`refund ${now.id} for Shopify's refund session ${session.sessionId} is ${now.status}`);
}

/** Releases the hold, or refunds the charge, of a payment Shopify will not record (once: the refund is named after the session). */
async function giveBack(settle: Settle, session: ShopifySession, payment: Payment, why: string): Promise<void> {
  if (payment.status === 'authorized') {
    await cancelPayment(settle, session.merchantId, payment.id);
    return;
  }
  await requestRefund(settle, session.merchantId, payment.id, {
    reason: `Shopify refused the payment session: ${why}`.slice(0, 500), origin: 'store', storeRefundId: `shopify-refused-${session.sessionId}`.slice(0, 64),
  });
}
