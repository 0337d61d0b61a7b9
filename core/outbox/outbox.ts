import type { Queryable } from '../storage/database';
import type { QueueName } from '../jobs/queue';

/** Work for another system: mark a store order paid, post a ledger entry to the books, send a refund to the processor. */
export type OutboxTopic = 'store.mark_paid' | 'store.sync_refund' | 'store.add_note' | 'books.post_entry' | 'processor.refund'
  | 'processor.recheck_payment' | 'store.record_sale' | 'store.shopify_session' | 'shopify.payments_ready';

export const QUEUE_FOR_TOPIC: Record<OutboxTopic, QueueName> = {
  'store.mark_paid': 'store', 'store.sync_refund': 'store', 'store.add_note': 'store', 'books.post_entry': 'books', 'processor.refund': 'processor',
  'processor.recheck_payment': 'processor', 'store.record_sale': 'store', 'store.shopify_session': 'store',
  'shopify.payments_ready': 'shopify',
};

export interface OutboxItem {
  id: string;
  merchantId: string;
  topic: OutboxTopic;
  payload: Record<string, string>;
  doneAt: Date | null;
}

/**
 * Adds work in the caller's transaction. The id derives from what the work is about
 * (e.g. "books:le_…"), so adding the same work twice keeps one row.
 */
export async function addToOutbox(tx: Queryable, item: Omit<OutboxItem, 'doneAt'>): Promise<void> {
  await tx.query('INSERT INTO outbox (id, merchant_id, topic, payload) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [
    item.id, item.merchantId, item.topic, JSON.stringify(item.payload),
  ]);
}

export async function loadOutboxItem(db: Queryable, id: string): Promise<OutboxItem | undefined> {
  const rows = await db.query<{ id: string; merchant_id: string; topic: OutboxTopic; payload: Record<string, string>; done_at: Date | null }>(
    'SELECT id, merchant_id, topic, payload, done_at FROM outbox WHERE id = $1',
    [id],
  );
  const r = rows[0];
  return r && { id: r.id, merchantId: r.merchant_id, topic: r.topic, payload: r.payload, doneAt: r.done_at };
}

export async function markOutboxDone(tx: Queryable, id: string): Promise<void> {
  await tx.query('UPDATE outbox SET done_at = now() WHERE id = $1 AND done_at IS NULL', [id]);
}

export async function recordOutboxFailure(db: Queryable, id: string, message: string): Promise<void> {
  await db.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [id, message.slice(0, 1000)]);
}

/** Work not done and not recently added: after a crash between commit and enqueue, it is enqueued again. */
export async function pendingOutboxItems(db: Queryable, olderThanSeconds: number): Promise<{ id: string; topic: OutboxTopic }[]> {
  return db.query<{ id: string; topic: OutboxTopic }>(
    `SELECT id, topic FROM outbox WHERE done_at IS NULL AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT 500`,
    [olderThanSeconds],
  );
}
