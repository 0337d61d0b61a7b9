import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../storage/database';
import { addToOutbox } from '../../outbox/outbox';

/**
 * Shopify offers Settle at a shop's checkout only while Settle has told it the merchant can take
 * payments (paymentsAppConfigure ready: true). Whatever may change that answer (the processor
 * connected, disconnected or revoked; the plan accepted or ended) asks for the answer to be told
 * again: a row of work in the caller's transaction, done by the 'shopify' queue
 * (connectors/shopify/readiness.ts), which reads the facts as they are then. A merchant with no
 * Shopify shop has nothing to tell, and the work says so.
 */
export const READINESS_TOPIC = 'shopify.payments_ready' as const;

export async function askCheckoutReadiness(tx: Queryable, merchantId: string, why: string): Promise<void> {
  // Each change is its own work (a done check must not swallow a later change).
  await addToOutbox(tx, { id: `shopify-ready:${merchantId}:${randomUUID()}`, merchantId, topic: READINESS_TOPIC, payload: { why } });
}

/** Checks not done yet, however new: the worker's sweep queues them at once (a change shows at checkout within seconds). */
export async function pendingReadinessChecks(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM outbox WHERE topic = $1 AND done_at IS NULL ORDER BY created_at LIMIT 100`, [READINESS_TOPIC]);
  return rows.map((r) => r.id);
}
