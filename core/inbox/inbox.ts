import type { Queryable } from '../storage/database';

export interface InboxEvent {
  id: number;
  merchantId: string;
  platform: string;
  eventId: string;
  eventType: string;
  payload: unknown;
  processedAt: Date | null;
}

/**
 * Records a verified webhook. Returns the inbox id and whether it was new: a platform's second
 * delivery of the same event id finds the first row and changes nothing.
 */
export async function recordInboundEvent(
  db: Queryable,
  event: { merchantId: string; platform: string; eventId: string; eventType: string; payload: string },
): Promise<{ id: number; isNew: boolean }> {
  const inserted = await db.query<{ id: number }>(
    `INSERT INTO inbox (merchant_id, platform, event_id, event_type, payload) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (merchant_id, platform, event_id) DO NOTHING RETURNING id`,
    [event.merchantId, event.platform, event.eventId, event.eventType, event.payload],
  );
  if (inserted[0]) return { id: inserted[0].id, isNew: true };
  const existing = await db.query<{ id: number }>('SELECT id FROM inbox WHERE merchant_id = $1 AND platform = $2 AND event_id = $3', [
    event.merchantId, event.platform, event.eventId,
  ]);
  return { id: existing[0]!.id, isNew: false };
}

export async function loadInboundEvent(db: Queryable, id: number): Promise<InboxEvent | undefined> {
  const rows = await db.query<{ id: number; merchant_id: string; platform: string; event_id: string; event_type: string; payload: unknown; processed_at: Date | null }>(
    'SELECT id, merchant_id, platform, event_id, event_type, payload, processed_at FROM inbox WHERE id = $1',
    [id],
  );
  const r = rows[0];
  return r && { id: r.id, merchantId: r.merchant_id, platform: r.platform, eventId: r.event_id, eventType: r.event_type, payload: r.payload, processedAt: r.processed_at };
}

export async function markInboundProcessed(tx: Queryable, id: number): Promise<void> {
  await tx.query('UPDATE inbox SET processed_at = now() WHERE id = $1 AND processed_at IS NULL', [id]);
}

/** Events recorded but not yet processed (a crash between commit and enqueue leaves some). */
export async function unprocessedInboundEvents(db: Queryable, olderThanSeconds: number): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `SELECT id FROM inbox WHERE processed_at IS NULL AND received_at < now() - make_interval(secs => $1) ORDER BY id LIMIT 500`,
    [olderThanSeconds],
  );
  return rows.map((r) => r.id);
}
