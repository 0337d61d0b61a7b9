import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import type { OutboxTopic } from '../outbox/outbox';
import { movementEntry, type MovementContext } from '../ledger/entries';
import { postEntry } from '../ledger/journal';
import { findPaymentByProcessorRef, storePlatformOf } from './payments';
import type { BalanceMovement } from './processor';

/** Work to hand to another system once the transaction that caused it commits. */
export interface OutboxWork {
  id: string;
  topic: OutboxTopic;
  payload: Record<string, string>;
}

/** Which of these movements the ledger already holds (so their context need not be read again). */
export async function recordedMovementIds(db: Queryable, merchantId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ id: string }>('SELECT id FROM balance_movements WHERE merchant_id = $1 AND id = ANY($2::text[])', [merchantId, ids]);
  return new Set(rows.map((r) => r.id));
}

/**
 * What the ledger needs to know about a movement beyond the processor's figures: the Settle payment
 * it belongs to and, for a sale, the store's order (how the gross splits into goods, shipping, tax).
 * Read before the transaction, since it may call the store.
 */
export async function movementContext(settle: Settle, merchantId: string, movement: BalanceMovement): Promise<MovementContext> {
  const payment = movement.paymentRef ? await findPaymentByProcessorRef(settle.db, merchantId, movement.paymentRef) : undefined;
  const platform = payment && storePlatformOf(payment);
  if (!payment || !platform || movement.category !== 'charge') return { payment };
  const store = await settle.platforms.storeFor(merchantId, platform);
  return { payment, order: await store.getOrder(payment.orderId) };
}

/**
 * In the caller's transaction: posts the movement's journal entry (once, by its id) and keeps the
 * movement beside it, in one statement. Returns the books work for an entry that is new.
 */
export async function recordMovement(tx: Queryable, merchantId: string, movement: BalanceMovement, context: MovementContext): Promise<OutboxWork[]> {
  const { entryId, created } = await postEntry(tx, movementEntry(merchantId, movement, context), {
    insert: `INSERT INTO balance_movements (merchant_id, id, category, amount, fee, net, currency, fee_details, exchange_rate, source_id,
                                            payment_id, occurred_at, available_on, entry_id)
             SELECT $1::text, $2::text, $3::text, $4::bigint, $5::bigint, $6::bigint, $7::text, $8::jsonb, $9::numeric, $10::text,
                    $11::text, $12::timestamptz, $13::timestamptz, entry.id
               FROM entry
             ON CONFLICT (merchant_id, id) DO NOTHING`,
    params: [
      merchantId, movement.id, movement.category, movement.amount.amount, movement.fee.amount, movement.net.amount, movement.net.currency,
      JSON.stringify(movement.feeDetails.map((f) => ({ type: f.type, description: f.description, amount: f.amount.amount, currency: f.amount.currency }))),
      movement.exchangeRate, movement.sourceId, context.payment?.id ?? null, movement.occurredAt.toISOString(), movement.availableOn.toISOString(),
    ],
  });
  return created ? [{ id: `books:${entryId}`, topic: 'books.post_entry', payload: { entryId } }] : [];
}

/** Notes which payout carried each movement: the payout report lists them. */
export async function assignToPayout(tx: Queryable, merchantId: string, payoutId: string, movementIds: string[]): Promise<void> {
  await tx.query('UPDATE balance_movements SET payout_id = $3 WHERE merchant_id = $1 AND id = ANY($2::text[]) AND payout_id IS NULL', [
    merchantId, movementIds, payoutId,
  ]);
}
