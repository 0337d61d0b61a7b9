import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import { NotFoundError, SettleError } from '../errors';
import { newId } from '../ids';
import { money, type Money } from '../money';
import type { SubscriptionFacts } from '../payments/processor';
import { requireCustomer, requireSavedCard } from '../customers/customers';

export type BillingInterval = 'day' | 'week' | 'month' | 'year';

/**
 * A customer's subscription: `amount` charged to a saved card every `interval` by the processor's
 * billing (Stripe Billing). Each invoice it pays becomes a Settle payment (invoices.ts).
 * `status` is the processor's word: incomplete, active, past_due (a renewal failed), canceled, …
 */
export interface Subscription {
  id: string;
  merchantId: string;
  customerId: string;
  cardId: string;
  processorRef: string | null;
  description: string;
  amount: Money;
  interval: BillingInterval;
  status: string;
  currentPeriodEnd: Date | null;
  createdAt: Date;
}

type Row = {
  id: string; merchant_id: string; customer_id: string; card_id: string; processor_ref: string | null; description: string; amount: number | string;
  currency: string; interval: BillingInterval; status: string; current_period_end: Date | string | null; created_at: Date | string;
};
const COLUMNS = 'id, merchant_id, customer_id, card_id, processor_ref, description, amount, currency, interval, status, current_period_end, created_at';
const fromRow = (r: Row): Subscription => ({
  id: r.id, merchantId: r.merchant_id, customerId: r.customer_id, cardId: r.card_id, processorRef: r.processor_ref, description: r.description,
  amount: money(Number(r.amount), r.currency), interval: r.interval, status: r.status,
  currentPeriodEnd: r.current_period_end === null ? null : new Date(r.current_period_end), createdAt: new Date(r.created_at),
});

export async function findSubscription(db: Queryable, merchantId: string, id: string): Promise<Subscription | undefined> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM subscriptions WHERE merchant_id = $1 AND id = $2`, [merchantId, id]);
  return rows[0] && fromRow(rows[0]);
}

/** By Settle's id (the processor's metadata carries it) or, failing that, the processor's id. */
export async function findSubscriptionFor(db: Queryable, merchantId: string, ref: { settleId: string | null; processorRef: string | null }): Promise<Subscription | undefined> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM subscriptions WHERE merchant_id = $1 AND (id = $2 OR processor_ref = $3) LIMIT 1`,
    [merchantId, ref.settleId ?? '', ref.processorRef ?? ''],
  );
  return rows[0] && fromRow(rows[0]);
}

export async function listSubscriptions(db: Queryable, merchantId: string, customerId: string): Promise<Subscription[]> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM subscriptions WHERE merchant_id = $1 AND customer_id = $2 ORDER BY created_at DESC`, [merchantId, customerId]);
  return rows.map(fromRow);
}

/**
 * Subscribes the customer. The row is written first, so webhooks for the first invoice (which the
 * processor charges at once) find it by the Settle id in the processor's metadata.
 */
export async function createSubscription(
  settle: Settle,
  merchantId: string,
  customerId: string,
  request: { cardId: string; amount: number; currency: string; interval: BillingInterval; description: string },
): Promise<Subscription> {
  const customer = await requireCustomer(settle.db, merchantId, customerId);
  const card = await requireSavedCard(settle.db, merchantId, customer.id, request.cardId);
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0) {
    throw new SettleError('invalid_amount', 'The amount must be a positive whole number of minor units (cents).', 400);
  }
  const amount = money(request.amount, request.currency);
  // The same request again after the processor did not answer (outcome unknown) resumes that attempt:
  // its keys make the processor return what it created then, or create it now, never a second one.
  const unfinished = await settle.db.query<{ id: string }>(
    `SELECT id FROM subscriptions WHERE merchant_id = $1 AND customer_id = $2 AND card_id = $3 AND description = $4 AND amount = $5
        AND currency = $6 AND interval = $7 AND processor_ref IS NULL AND created_at > now() - interval '23 hours' LIMIT 1`,
    [merchantId, customer.id, card.id, request.description, amount.amount, amount.currency, request.interval],
  );
  const id = unfinished[0]?.id ?? newId('sub');
  if (!unfinished[0]) {
    await settle.db.query(
      `INSERT INTO subscriptions (id, merchant_id, customer_id, card_id, description, amount, currency, interval, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'incomplete')`,
      [id, merchantId, customer.id, card.id, request.description, amount.amount, amount.currency, request.interval],
    );
  }
  const processor = await settle.platforms.processorFor(merchantId);
  const facts = await processor.createSubscription({
    customerRef: customer.processorRef, cardRef: card.processorRef, amount, interval: request.interval, description: request.description,
    settleSubscriptionId: id, idempotencyKey: `subscription-${id}`,
  });
  await settle.db.transaction((tx) => recordSubscriptionFacts(tx, merchantId, facts, id));
  return (await findSubscription(settle.db, merchantId, id))!;
}

/** Cancels at once: no further invoices. What was paid stays paid (refund it from its payment). */
export async function cancelSubscription(settle: Settle, merchantId: string, id: string): Promise<Subscription> {
  const subscription = await findSubscription(settle.db, merchantId, id);
  if (!subscription) throw new NotFoundError('This subscription');
  if (subscription.status === 'canceled') throw new SettleError('subscription_canceled', 'This subscription is already canceled.', 409);
  if (!subscription.processorRef) throw new SettleError('subscription_not_started', 'This subscription was never started at the processor; there is nothing to cancel.', 409);
  const processor = await settle.platforms.processorFor(merchantId);
  const facts = await processor.cancelSubscription({ subscriptionRef: subscription.processorRef, idempotencyKey: `cancel-${subscription.id}` });
  await settle.db.transaction((tx) => recordSubscriptionFacts(tx, merchantId, facts, subscription.id));
  return (await findSubscription(settle.db, merchantId, id))!;
}

/** The processor's current view of the subscription (from its answer or a webhook); safe to repeat. */
export async function recordSubscriptionFacts(tx: Queryable, merchantId: string, facts: SubscriptionFacts, settleId = facts.settleSubscriptionId): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE subscriptions SET processor_ref = $3, status = $4, current_period_end = $5, updated_at = now()
      WHERE merchant_id = $1 AND (id = $2 OR processor_ref = $3) RETURNING id`,
    [merchantId, settleId ?? '', facts.subscriptionRef, facts.status, facts.currentPeriodEnd?.toISOString() ?? null],
  );
  return rows.length > 0;
}
