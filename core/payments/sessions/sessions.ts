import { createHash } from 'node:crypto';
import type { Settle } from '../../ports';
import type { Queryable } from '../../storage/database';
import { RetryableError, SettleError } from '../../errors';
import { newId } from '../../ids';
import { toDecimal, type Money } from '../../money';
import { addToOutbox } from '../../outbox/outbox';
import { findPaymentForOrder, insertPayment, type CaptureMethod, type Payment } from '../payments';

/**
 * Shopify's Payments Apps sessions. A payment session becomes a Settle payment the shopper pays on
 * Settle's page; refund, capture and void sessions become a refund, a capture and a release of that
 * payment. Each is kept once per shop, kind and Shopify's id, so Shopify's retries (even racing the
 * first post) meet the same payment, and each ends resolved or rejected through the outbox
 * (sessions/settle.ts).
 */
export type SessionKind = 'payment' | 'refund' | 'capture' | 'void';

export interface ShopifySession {
  shop: string;
  kind: SessionKind;
  sessionId: string;
  gid: string;
  merchantId: string;
  paymentId: string;
  amount: Money;
  test: boolean;
  details: { cancelUrl?: string; group?: string; locale?: string; orderName?: string };
  outcome: 'open' | 'resolved' | 'rejected';
  rejectReason: string | null;
  merchantMessage: string | null;
  nextUrl: string | null;
  /** Declined attempts on Settle's page so far, and the last one's code (sessions/declines.ts). */
  declines: number;
  lastDecline: string | null;
}

/** What Shopify posted, parsed (amounts already in minor units). */
export interface PaymentSessionRequest {
  shop: string;
  sessionId: string;
  gid: string;
  amount: Money;
  test: boolean;
  /** `authorization`: the card is only held; Shopify sends a capture (or void) session later. */
  kind: 'sale' | 'authorization';
  cancelUrl: string;
  group?: string;
  locale?: string;
  /** The order's name when Shopify gives one; the page says "Checkout" otherwise, the books "Checkout <session id>". */
  orderName?: string;
}

export interface FollowUpSessionRequest {
  shop: string;
  kind: Exclude<SessionKind, 'payment'>;
  sessionId: string;
  gid: string;
  /** Shopify's id of the payment session this refund, capture or void is for. */
  paymentSessionId: string;
  amount: Money;
  test: boolean;
}

/** A Settle payment made for a Shopify payment session has the session's gid as its order. */
export const PAYMENT_SESSION_GID = 'gid://shopify/PaymentSession/';

type Row = {
  shop: string; kind: SessionKind; session_id: string; gid: string; merchant_id: string; payment_id: string; amount: number | string; currency: string;
  test: boolean; details: ShopifySession['details']; outcome: ShopifySession['outcome']; reject_reason: string | null; merchant_message: string | null;
  next_url: string | null; request_hash: string; declines: number; last_decline: string | null;
};
const fromRow = (r: Row): ShopifySession => ({
  shop: r.shop, kind: r.kind, sessionId: r.session_id, gid: r.gid, merchantId: r.merchant_id, paymentId: r.payment_id,
  amount: { amount: Number(r.amount), currency: r.currency }, test: r.test, details: r.details, outcome: r.outcome,
  rejectReason: r.reject_reason, merchantMessage: r.merchant_message, nextUrl: r.next_url, declines: r.declines ?? 0, lastDecline: r.last_decline ?? null,
});

async function findRow(db: Queryable, shop: string, kind: SessionKind, sessionId: string): Promise<Row | undefined> {
  const rows = await db.query<Row>('SELECT * FROM shopify_payment_sessions WHERE shop = $1 AND kind = $2 AND session_id = $3', [shop, kind, sessionId]);
  return rows[0];
}

export async function findSession(db: Queryable, shop: string, kind: SessionKind, sessionId: string): Promise<ShopifySession | undefined> {
  const row = await findRow(db, shop, kind, sessionId);
  return row && fromRow(row);
}

/** The payment session a Settle payment was made for (the pay page shows its shop and order). */
export async function paymentSessionOf(db: Queryable, paymentId: string): Promise<ShopifySession | undefined> {
  const rows = await db.query<Row>(`SELECT * FROM shopify_payment_sessions WHERE payment_id = $1 AND kind = 'payment'`, [paymentId]);
  return rows[0] && fromRow(rows[0]);
}

const hashOf = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/** The same session id asking for something else is not a retry: refuse it and change nothing. */
function sameRequest(row: Row, hash: string): ShopifySession {
  if (row.request_hash !== hash) {
    throw new SettleError('idempotency_mismatch',
      `Shopify's ${row.kind} session ${row.session_id} was already received with other details; a session id cannot be reused for another request.`, 409);
  }
  return fromRow(row);
}

/**
 * Shopify's payment session → a Settle payment for its amount (card held only, for `authorization`).
 * Posted again, it answers with the same payment. Two posts at once ask the processor with one key
 * (so one PaymentIntent) and meet at the payments' and sessions' unique constraints.
 */
export async function takePaymentSession(settle: Settle, merchantId: string, request: PaymentSessionRequest): Promise<{ session: ShopifySession; payment: Payment }> {
  const hash = hashOf([request.amount, request.kind, request.test]);
  const earlier = await findRow(settle.db, request.shop, 'payment', request.sessionId);
  if (earlier) return withPayment(settle, sameRequest(earlier, hash));

  // Shopify names no order in a payment session: its id (the payment ID on the Shopify order's
  // transaction) is what the merchant's books, Stripe and the admin can find the sale by.
  const orderNumber = request.orderName ?? `Checkout ${request.sessionId}`;
  const captureMethod: CaptureMethod = request.kind === 'authorization' ? 'manual' : 'automatic';
  const processor = await settle.platforms.processorFor(merchantId);
  processor.assertChargeable(request.amount);
  const metadata = { settle_merchant: merchantId, order_id: request.gid, order_number: orderNumber, store: 'shopify', shopify_shop: request.shop };
  const { processorRef } = await processor.createPayment({
    amount: request.amount,
    description: `${request.shop} ${orderNumber}`,
    metadata,
    // One key per session and what it asks: a retry (or a race) gets the same PaymentIntent back.
    idempotencyKey: `shopify-session-${merchantId}-${request.shop}-${request.sessionId}-${request.amount.currency}-${toDecimal(request.amount)}-${captureMethod}`,
    captureMethod,
  }).catch((error: unknown) => {
    throw error instanceof RetryableError ? new RetryableError(`the payment for Shopify session ${request.sessionId} was not confirmed by the processor: ${error.message}`) : error;
  });
  await settle.db.transaction(async (tx) => {
    const payment = await insertPayment(tx, {
      id: newId('pay'), merchantId, storePlatform: 'shopify', orderId: request.gid, orderNumber, amount: request.amount, captureMethod, processorRef,
    });
    await tx.query(
      `INSERT INTO shopify_payment_sessions (shop, kind, session_id, gid, merchant_id, payment_id, amount, currency, test, request_hash, details)
       VALUES ($1, 'payment', $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [request.shop, request.sessionId, request.gid, merchantId, payment.id, request.amount.amount, request.amount.currency, request.test, hash,
        JSON.stringify({ cancelUrl: request.cancelUrl, group: request.group, locale: request.locale, orderName: request.orderName })],
    );
  });
  return withPayment(settle, sameRequest((await findRow(settle.db, request.shop, 'payment', request.sessionId))!, hash));
}

async function withPayment(settle: Settle, session: ShopifySession): Promise<{ session: ShopifySession; payment: Payment }> {
  const payment = await findPaymentForOrder(settle.db, session.merchantId, 'shopify', session.gid);
  if (!payment) throw new Error(`Shopify session ${session.sessionId} has no payment`);
  return { session, payment };
}

/**
 * A refund, capture or void session: kept (once) with the work to carry it out and answer Shopify,
 * in one transaction. The money moves in the worker (sessions/settle.ts), each step under a key
 * derived from the session, so Shopify's retries and Settle's own do it once.
 */
export async function takeFollowUpSession(settle: Settle, merchantId: string, request: FollowUpSessionRequest): Promise<ShopifySession> {
  const hash = hashOf([request.amount, request.paymentSessionId, request.test]);
  const payment = await findSession(settle.db, request.shop, 'payment', request.paymentSessionId);
  if (!payment || payment.merchantId !== merchantId) {
    throw new SettleError('payment_session_not_found', `Settle has no payment for Shopify's payment session ${request.paymentSessionId} of ${request.shop}.`, 404);
  }
  if (request.amount.currency !== payment.amount.currency) {
    throw new SettleError('currency_mismatch', `The ${request.kind} is in ${request.amount.currency}, but the payment was in ${payment.amount.currency}.`, 400);
  }
  const session = await settle.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO shopify_payment_sessions (shop, kind, session_id, gid, merchant_id, payment_id, amount, currency, test, request_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [request.shop, request.kind, request.sessionId, request.gid, merchantId, payment.paymentId, request.amount.amount, request.amount.currency, request.test, hash],
    );
    const kept = sameRequest((await findRow(tx, request.shop, request.kind, request.sessionId))!, hash);
    await addToOutbox(tx, { id: sessionWorkId(kept, 'received'), merchantId, topic: 'store.shopify_session', payload: sessionPayload(kept) });
    return kept;
  });
  await settle.jobs.enqueue('store', sessionWorkId(session, 'received'), { outboxId: sessionWorkId(session, 'received') });
  return session;
}

/** The outbox id of the work that answers a session, after `event` (a status the payment reached, or "received"). */
export const sessionWorkId = (s: Pick<ShopifySession, 'shop' | 'kind' | 'sessionId'>, event: string) =>
  `shopify-session:${s.kind}:${s.shop}:${s.sessionId}:${event}`;
export const sessionPayload = (s: Pick<ShopifySession, 'shop' | 'kind' | 'sessionId'>) => ({ shop: s.shop, kind: s.kind, sessionId: s.sessionId });

/**
 * In the settlement's transaction: the work that answers the payment session behind `payment`, now
 * that it reached `status` (authorized, processing, succeeded or canceled), or was declined (`declined-<event>`,
 * one piece of work per decline); none for any other payment.
 */
export async function paymentSessionWork(tx: Queryable, payment: Payment, status: 'authorized' | 'processing' | 'succeeded' | 'canceled' | `declined-${string}`) {
  if (payment.storePlatform !== 'shopify' || !payment.orderId.startsWith(PAYMENT_SESSION_GID)) return [];
  const session = await paymentSessionOf(tx, payment.id);
  if (!session || session.outcome !== 'open') return [];
  const payload: Record<string, string> = { ...sessionPayload(session), ...(status.startsWith('declined-') ? { declined: 'true' } : {}) };
  return [{ id: sessionWorkId(session, status), topic: 'store.shopify_session' as const, payload }];
}

/** Keeps how Shopify's session ended (and, for a payment, where Shopify sends the shopper next). */
export async function recordSessionOutcome(
  tx: Queryable, session: ShopifySession, outcome: { resolved: true; nextUrl?: string | null } | { resolved: false; reason: string; merchantMessage?: string },
): Promise<void> {
  await tx.query(
    `UPDATE shopify_payment_sessions SET outcome = $4, reject_reason = $5, merchant_message = $6, next_url = $7, updated_at = now()
      WHERE shop = $1 AND kind = $2 AND session_id = $3`,
    [session.shop, session.kind, session.sessionId, outcome.resolved ? 'resolved' : 'rejected', outcome.resolved ? null : outcome.reason,
      outcome.resolved ? null : (outcome.merchantMessage ?? null), outcome.resolved ? (outcome.nextUrl ?? null) : null],
  );
}
