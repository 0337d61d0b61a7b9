import type { Queryable } from '../storage/database';
import type { Money } from '../money';

/**
 * `authorized`: the card holds the money until the merchant captures it (manual capture only);
 * `canceled`: the hold was released (by the merchant, or it expired) and nothing was taken.
 */
export type PaymentStatus = 'awaiting_payment' | 'processing' | 'requires_authentication' | 'authorized' | 'succeeded' | 'failed' | 'canceled';
export type OrderSyncStatus = 'awaiting_payment' | 'marking_paid' | 'paid';
/** `manual`: the shopper's card is only authorized; the merchant captures (part of) it later. */
export type CaptureMethod = 'automatic' | 'manual';
/** `in_person`: a counter sale on a card reader; `online`: the shopper paid on the payment page. */
export type SalesChannel = 'online' | 'in_person';

/**
 * Where the order behind a payment lives: a store platform; Settle's own counter sales and payment
 * links (each becomes a store order once paid); or (for a subscription's invoice) nowhere but the processor, the invoice standing for the order.
 */
export type OrderSource = 'woocommerce' | 'shopify' | 'counter' | 'link' | 'subscription';

/** A shopper's payment for one store order (or one subscription invoice). */
export interface Payment {
  id: string;
  merchantId: string;
  storePlatform: OrderSource;
  orderId: string;
  orderNumber: string;
  /** What the order asked for (and, with manual capture, what the card was authorized for). */
  amount: Money;
  status: PaymentStatus;
  captureMethod: CaptureMethod;
  /** What was taken from the card, once it was; less than `amount` after a partial capture. */
  capturedAmount: Money | null;
  processorRef: string;
  orderStatus: OrderSyncStatus;
  failureMessage: string | null;
  /** How it was paid, in the processor's words (card, sepa_debit, card_present, …), once known. */
  paymentMethodType: string | null;
  salesChannel: SalesChannel;
  createdAt: Date;
  /** The customer whose saved card paid (off-session or by subscription). */
  customerId: string | null;
  subscriptionId: string | null;
  /** Charged to a saved card with nobody present: a decline is final, no shopper retries it. */
  offSession: boolean;
}

/**
 * The store and order a payment is for; null when there is no store order (a counter sale, a payment
 * link, a subscription invoice, or a Shopify payment session: Shopify makes the order itself once
 * Settle resolves the session, so there is no order to read or mark paid).
 */
export function storeOrderOf(p: Pick<Payment, 'storePlatform' | 'orderId'>): { platform: 'woocommerce' | 'shopify'; orderId: string } | null {
  if (p.storePlatform === 'shopify' && p.orderId.startsWith('gid://shopify/PaymentSession/')) return null;
  return p.storePlatform === 'woocommerce' || p.storePlatform === 'shopify' ? { platform: p.storePlatform, orderId: p.orderId } : null;
}

/** A sale taken outside the store (at the counter, through a payment link), which Settle records in the store as an order of its own. */
export function saleMadeElsewhere(p: Pick<Payment, 'storePlatform'>): boolean {
  return p.storePlatform === 'counter' || p.storePlatform === 'link';
}

type PaymentRow = {
  id: string; merchant_id: string; store_platform: OrderSource; order_id: string; order_number: string;
  payment_method_type: string | null; sales_channel: SalesChannel;
  amount: number; currency: string; status: PaymentStatus; capture_method: CaptureMethod; amount_captured: number | string | null;
  processor_ref: string; order_status: OrderSyncStatus; failure_message: string | null; created_at: Date | string;
  customer_id: string | null; subscription_id: string | null; off_session: boolean;
}

const COLUMNS =
  'id, merchant_id, store_platform, order_id, order_number, amount, currency, status, capture_method, amount_captured, processor_ref, order_status, failure_message, payment_method_type, sales_channel, created_at, customer_id, subscription_id, off_session';

function fromRow(r: PaymentRow): Payment {
  return {
    id: r.id, merchantId: r.merchant_id, storePlatform: r.store_platform, orderId: r.order_id, orderNumber: r.order_number,
    amount: { amount: r.amount, currency: r.currency }, status: r.status, captureMethod: r.capture_method,
    capturedAmount: r.amount_captured === null ? null : { amount: Number(r.amount_captured), currency: r.currency }, processorRef: r.processor_ref,
    orderStatus: r.order_status, failureMessage: r.failure_message, paymentMethodType: r.payment_method_type, salesChannel: r.sales_channel,
    createdAt: new Date(r.created_at), customerId: r.customer_id, subscriptionId: r.subscription_id, offSession: r.off_session,
  };
}

type NewPayment = Omit<
  Payment,
  'status' | 'captureMethod' | 'capturedAmount' | 'orderStatus' | 'failureMessage' | 'createdAt' | 'paymentMethodType' | 'salesChannel' | 'customerId' | 'subscriptionId' | 'offSession'
> & {
  captureMethod?: CaptureMethod; salesChannel?: SalesChannel; customerId?: string; subscriptionId?: string; offSession?: boolean;
};

export async function insertPayment(tx: Queryable, p: NewPayment): Promise<Payment> {
  await tx.query(
    `INSERT INTO payments (id, merchant_id, store_platform, order_id, order_number, amount, currency, status, capture_method, processor_ref, sales_channel,
                           customer_id, subscription_id, off_session)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'awaiting_payment', $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
    [p.id, p.merchantId, p.storePlatform, p.orderId, p.orderNumber, p.amount.amount, p.amount.currency, p.captureMethod ?? 'automatic', p.processorRef,
      p.salesChannel ?? 'online', p.customerId ?? null, p.subscriptionId ?? null, p.offSession ?? false],
  );
  // Two checkouts for one order race to the unique constraint; both answer with the winner.
  return (await findPaymentForOrder(tx, p.merchantId, p.storePlatform, p.orderId))!;
}

export async function findPayment(db: Queryable, merchantId: string, id: string): Promise<Payment | undefined> {
  const rows = await db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE merchant_id = $1 AND id = $2`, [merchantId, id]);
  return rows[0] && fromRow(rows[0]);
}

/** The shopper's page knows only the (unguessable) payment id, not the merchant. */
export async function findPaymentById(db: Queryable, id: string): Promise<Payment | undefined> {
  const rows = await db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE id = $1`, [id]);
  return rows[0] && fromRow(rows[0]);
}

export async function findPaymentForOrder(db: Queryable, merchantId: string, platform: string, orderId: string): Promise<Payment | undefined> {
  const rows = await db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE merchant_id = $1 AND store_platform = $2 AND order_id = $3`, [
    merchantId, platform, orderId,
  ]);
  return rows[0] && fromRow(rows[0]);
}

export async function findPaymentByProcessorRef(db: Queryable, merchantId: string, ref: string): Promise<Payment | undefined> {
  const rows = await db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE merchant_id = $1 AND processor_ref = $2`, [merchantId, ref]);
  return rows[0] && fromRow(rows[0]);
}

/**
 * What the sale put in the merchant's processor balance, in the settlement currency: a payment
 * presented in another currency (EUR to a USD account) shows what it was converted to, and at what rate.
 */
export interface Settlement {
  amount: Money;
  fee: Money;
  net: Money;
  /** Settlement per presentment unit as the processor reported it (a decimal string), when converted. */
  exchangeRate: string | null;
}

/** A payment as the merchant's list shows it: with its books, its settlement, what was refunded and any dispute. */
export type PaymentListing = Payment & { booksDocuments: number; settlement: Settlement | null; refunded: Money; disputeStatus: string | null };

export async function listPayments(db: Queryable, merchantId: string, limit = 100): Promise<PaymentListing[]> {
  const rows = await db.query<PaymentRow & {
    books_documents: number; refunded: string; dispute_status: string | null;
    s_amount: string | null; s_fee: string | null; s_net: string | null; s_currency: string | null; s_rate: string | null;
  }>(
    `SELECT ${COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')},
            (SELECT count(*) FROM books_documents d JOIN ledger_entries e ON e.id = d.entry_id WHERE e.payment_id = p.id)::int AS books_documents,
            (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE r.payment_id = p.id AND r.status = 'succeeded')::bigint AS refunded,
            (SELECT d.status FROM disputes d WHERE d.merchant_id = p.merchant_id AND d.payment_id = p.id ORDER BY d.created_at DESC LIMIT 1) AS dispute_status,
            s.amount AS s_amount, s.fee AS s_fee, s.net AS s_net, s.currency AS s_currency, s.exchange_rate::text AS s_rate
       FROM payments p
       LEFT JOIN LATERAL (SELECT m.amount, m.fee, m.net, m.currency, m.exchange_rate FROM balance_movements m
                           WHERE m.merchant_id = p.merchant_id AND m.payment_id = p.id AND m.category = 'charge' ORDER BY m.occurred_at LIMIT 1) s ON true
      WHERE p.merchant_id = $1 ORDER BY p.created_at DESC LIMIT $2`,
    [merchantId, limit],
  );
  return rows.map((r) => ({
    ...fromRow(r),
    booksDocuments: r.books_documents,
    refunded: { amount: Number(r.refunded), currency: r.currency },
    disputeStatus: r.dispute_status,
    settlement: r.s_currency === null ? null : {
      amount: { amount: Number(r.s_amount), currency: r.s_currency }, fee: { amount: Number(r.s_fee), currency: r.s_currency },
      net: { amount: Number(r.s_net), currency: r.s_currency }, exchangeRate: r.s_rate,
    },
  }));
}

/**
 * The states a payment may come from. The processor's facts only move forward: a late event for an
 * earlier attempt (a decline, an authorization) never undoes a capture, and nothing follows a
 * cancellation.
 */
const MAY_COME_FROM: Record<PaymentStatus, PaymentStatus[]> = {
  // From processing too: the bank refused the debit, and the shopper may pay another way.
  awaiting_payment: ['awaiting_payment', 'failed', 'processing'],
  failed: ['awaiting_payment', 'failed', 'processing', 'requires_authentication'],
  processing: ['awaiting_payment', 'failed', 'processing', 'requires_authentication'],
  // An off-session charge the bank wants authenticated: the customer does it on the payment page.
  requires_authentication: ['awaiting_payment', 'failed', 'requires_authentication'],
  authorized: ['awaiting_payment', 'failed', 'requires_authentication', 'authorized'],
  succeeded: ['awaiting_payment', 'failed', 'processing', 'requires_authentication', 'authorized', 'succeeded'],
  canceled: ['awaiting_payment', 'failed', 'processing', 'requires_authentication', 'authorized', 'canceled'],
};

export async function setPaymentStatus(
  tx: Queryable,
  id: string,
  status: PaymentStatus,
  failureMessage: string | null = null,
  capturedAmount: number | null = null,
): Promise<void> {
  await tx.query(
    `UPDATE payments SET status = $2, failure_message = $3, amount_captured = coalesce($4, amount_captured), updated_at = now()
      WHERE id = $1 AND status = ANY($5::text[])`,
    [id, status, failureMessage, capturedAmount, MAY_COME_FROM[status]],
  );
}

/** A later decline of an off-session payment: its reason changes, its status does not (no shopper retries it). */
export async function noteFailure(tx: Queryable, id: string, failureMessage: string): Promise<void> {
  await tx.query(`UPDATE payments SET failure_message = $2, updated_at = now() WHERE id = $1 AND status <> 'succeeded'`, [id, failureMessage]);
}

export async function listSubscriptionPayments(db: Queryable, merchantId: string, subscriptionId: string): Promise<Payment[]> {
  const rows = await db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE merchant_id = $1 AND subscription_id = $2 ORDER BY created_at`, [
    merchantId, subscriptionId,
  ]);
  return rows.map(fromRow);
}

export async function setOrderSyncStatus(tx: Queryable, id: string, status: OrderSyncStatus): Promise<void> {
  await tx.query('UPDATE payments SET order_status = $2, updated_at = now() WHERE id = $1', [id, status]);
}

/** How the payment was made, once the processor says (kept for the store's note and the merchant's list). */
export async function setPaymentMethodType(tx: Queryable, id: string, type: string | null): Promise<void> {
  if (type) await tx.query('UPDATE payments SET payment_method_type = $2 WHERE id = $1', [id, type]);
}
