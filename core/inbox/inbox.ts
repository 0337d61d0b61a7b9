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

export interface NewInboundEvent {
  merchantId: string;
  platform: string;
  eventId: string;
  eventType: string;
  payload: string;
}

/**
 * Records a verified webhook. Returns the inbox id and whether it was new: a platform's second
 * delivery of the same event id finds the first row and changes nothing.
 */
export async function recordInboundEvent(db: Queryable, event: NewInboundEvent): Promise<{ id: number; isNew: boolean }> {
  return (await recordInboundEvents(db, [event]))[0]!;
}

const eventKey = (e: { merchantId: string; platform: string; eventId: string }) => `${e.merchantId}\n${e.platform}\n${e.eventId}`;

/**
 * Records several verified webhooks in one statement (one round trip and one commit however many
 * arrive together), with the same answer for each as `recordInboundEvent`. Within one call, a
 * second copy of an event is a duplicate of the first.
 */
export async function recordInboundEvents(db: Queryable, events: readonly NewInboundEvent[]): Promise<{ id: number; isNew: boolean }[]> {
  if (events.length === 0) return [];
  const column = (pick: (e: NewInboundEvent) => string) => events.map(pick);
  const inserted = await db.query<{ id: number; merchant_id: string; platform: string; event_id: string }>(
    `INSERT INTO inbox (merchant_id, platform, event_id, event_type, payload)
     SELECT merchant_id, platform, event_id, event_type, payload::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS e(merchant_id, platform, event_id, event_type, payload)
     ON CONFLICT (merchant_id, platform, event_id) DO NOTHING RETURNING id, merchant_id, platform, event_id`,
    [column((e) => e.merchantId), column((e) => e.platform), column((e) => e.eventId), column((e) => e.eventType), column((e) => e.payload)],
  );
  const created = new Map(inserted.map((r) => [eventKey({ merchantId: r.merchant_id, platform: r.platform, eventId: r.event_id }), r.id]));
  const existing = new Map<string, number>();
  const earlier = events.filter((e) => !created.has(eventKey(e)));
  if (earlier.length > 0) {
    // Only redeliveries get here: a second, read-only query finds the rows they already have.
    const found = await db.query<{ id: number; merchant_id: string; platform: string; event_id: string }>(
      `SELECT i.id, i.merchant_id, i.platform, i.event_id FROM inbox i
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS e(merchant_id, platform, event_id) USING (merchant_id, platform, event_id)`,
      [earlier.map((e) => e.merchantId), earlier.map((e) => e.platform), earlier.map((e) => e.eventId)],
    );
    for (const r of found) existing.set(eventKey({ merchantId: r.merchant_id, platform: r.platform, eventId: r.event_id }), r.id);
  }
  const answered = new Set<string>();
  return events.map((e) => {
    const key = eventKey(e);
    const createdId = created.get(key);
    // The first copy of an event in this call is the one that created its row.
    const isNew = createdId !== undefined && !answered.has(key);
    answered.add(key);
    const id = createdId ?? existing.get(key);
    if (id === undefined) throw new Error(`inbox row for ${e.platform} event ${e.eventId} not found`);
    return { id, isNew };
  });
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
export async function unprocessedInboundEvents(db: Queryable, olderThanSeconds: number): Promise<{ id: number; merchantId: string; platform: string }[]> {
  const rows = await db.query<{ id: number; merchant_id: string; platform: string }>(
    `SELECT id, merchant_id, platform FROM inbox WHERE processed_at IS NULL AND received_at < now() - make_interval(secs => $1) ORDER BY id LIMIT 500`,
    [olderThanSeconds],
  );
  return rows.map((r) => ({ id: r.id, merchantId: r.merchant_id, platform: r.platform }));
}

/**
 * The queue job that processes an inbox row. Inbox ids are a sequence that starts again with a new
 * database (a trial's data folder deleted, the demo's wiped) while Redis keeps finished jobs by id:
 * the merchant's random id keeps a new row from being taken for an old, finished job.
 */
export const inboundJobId = (merchantId: string, inboxId: number): string => `inbox-${merchantId}-${inboxId}`;
