import type { Settle } from '../../ports';
import { addToOutbox, markOutboxDone } from '../../outbox/outbox';
import { setPaymentStatus, type Payment } from '../payments';
import { sessionPayload, sessionWorkId, type ShopifySession } from './sessions';

/**
 * When a declined card ends a Shopify checkout on Settle's page (Settle's choice, in words a
 * merchant would use): the shopper may try again, with the same card or another, after a decline a
 * retry can fix (insufficient funds, a mistyped number or security code, the bank saying "try
 * again"). The checkout is closed at once, and Shopify's session rejected with the bank's reason,
 * when retrying cannot help and would only look like misuse: a card reported lost or stolen, one the
 * bank says to keep, suspected fraud, an expired card. It is closed too after MAX_DECLINES declines
 * on the one checkout, as trying card after card is how stolen cards are tested; the shopper starts
 * again from Shopify's checkout.
 */
export const MAX_DECLINES = 3;

/** Stripe's decline codes (or error codes, for the few declines that have none) that no retry fixes. */
const FINAL_DECLINES = new Set([
  'lost_card', 'stolen_card', 'pickup_card', 'fraudulent', 'merchant_blacklist', 'restricted_card', 'security_violation',
  'revocation_of_authorization', 'revocation_of_all_authorizations', 'stop_payment_order', 'expired_card',
]);

/**
 * Bank debits fail days after the shopper left Settle's page: nobody is there to try again, so the
 * first failure closes the checkout.
 */
const BANK_DEBITS = new Set(['sepa_debit', 'us_bank_account', 'bacs_debit', 'au_becs_debit', 'acss_debit']);

export type DeclineVerdict = { final: false; left: number } | { final: true; why: string };

/** What the `declines`-th decline of a checkout (counting this one) with `declineCode` means for it. */
export function judgeDecline(declineCode: string | null, declines: number, methodType: string | null = null): DeclineVerdict {
  if (methodType && BANK_DEBITS.has(methodType)) return { final: true, why: `the shopper's bank refused the debit${declineCode ? ` (${declineCode})` : ''}` };
  if (declineCode && FINAL_DECLINES.has(declineCode)) return { final: true, why: `the bank refused the card for good (${declineCode})` };
  if (declines >= MAX_DECLINES) return { final: true, why: `${declines} cards or attempts were declined on this checkout${declineCode ? ` (last: ${declineCode})` : ''}` };
  return { final: false, left: MAX_DECLINES - declines };
}

/** Why the session's declines so far closed its checkout (its rejection then names the bank's reason), or null when they did not. */
export function closedForDeclines(session: Pick<ShopifySession, 'declines' | 'lastDecline'>, methodType: string | null = null): string | null {
  if (session.declines === 0) return null;
  const verdict = judgeDecline(session.lastDecline, session.declines, methodType);
  return verdict.final ? verdict.why : null;
}

/**
 * One declined attempt on a Shopify checkout's page (one Stripe event): counted once, with its code,
 * in the transaction that marks its work done. When it ends the checkout, the work that closes it is
 * added (answerShopifySession cancels the payment and rejects Shopify's session with the reason).
 * A payment that went through or was canceled since is left to its own work.
 */
export async function noteDecline(settle: Settle, session: ShopifySession, payment: Payment, outboxId: string): Promise<string> {
  const facts = await (await settle.platforms.processorFor(payment.merchantId)).paymentFacts(payment.processorRef);
  const closing = sessionWorkId(session, 'closing');
  const verdict = await settle.db.transaction(async (tx) => {
    await markOutboxDone(tx, outboxId);
    if (facts.status !== 'awaiting_payment') return undefined;
    const [row] = await tx.query<{ declines: number }>(
      `UPDATE shopify_payment_sessions SET declines = declines + 1, last_decline = $4, updated_at = now()
        WHERE shop = $1 AND kind = $2 AND session_id = $3 RETURNING declines`,
      [session.shop, session.kind, session.sessionId, facts.declineCode ?? null],
    );
    const judged = judgeDecline(facts.declineCode ?? null, row!.declines, facts.methodType);
    if (judged.final) await addToOutbox(tx, { id: closing, merchantId: session.merchantId, topic: 'store.shopify_session', payload: { ...sessionPayload(session), closing: 'true' } });
    return judged;
  });
  if (!verdict) return `a decline on payment session ${session.sessionId} is past: the payment is ${facts.status} now`;
  if (!verdict.final) return `payment session ${session.sessionId}: card declined (${facts.declineCode ?? 'no code'}); the shopper may try again (${verdict.left} more)`;
  await settle.jobs.enqueue('store', closing, { outboxId: closing });
  return `payment session ${session.sessionId}: card declined (${facts.declineCode ?? 'no code'}), the checkout closes: ${verdict.why}`;
}

/**
 * Closes a checkout its declines ended: the payment is canceled at the processor first, so the page
 * can take no money for a checkout Shopify is told is over. Answers the canceled payment, or
 * undefined when it went through meanwhile (its own work resolves the session then).
 */
export async function closeDeclinedCheckout(settle: Settle, session: ShopifySession, payment: Payment): Promise<Payment | undefined> {
  if (payment.status === 'canceled') return payment;
  const processor = await settle.platforms.processorFor(payment.merchantId);
  const facts = await processor.cancel({ processorRef: payment.processorRef, idempotencyKey: `cancel-${payment.id}` });
  if (facts.status !== 'canceled') return undefined;
  const message = `${payment.failureMessage ?? 'The card was declined.'} Settle closed this checkout: ${closedForDeclines(session, payment.paymentMethodType) ?? 'the card was declined'}.`;
  await settle.db.transaction((tx) => setPaymentStatus(tx, payment.id, 'canceled', message));
  return { ...payment, status: 'canceled', failureMessage: message };
}
