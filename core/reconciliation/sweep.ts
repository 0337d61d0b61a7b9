import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import { inboundJobId, recordInboundEvents } from '../inbox/inbox';
import { readBackStoreOrder, recordBooksDocument } from './snapshots';
import { runThreeWayMatch, type MatchOutcome } from './match';
import { audit, retryException } from './exceptions';
import { movementContext, recordMovement, recordedMovementIds } from '../payments/movements';
import { addToOutbox, QUEUE_FOR_TOPIC } from '../outbox/outbox';
import { toDecimal } from '../money';

/** What one sweep of one merchant did. */
export interface SweepOutcome {
  /** Stripe events read since the cursor, and those the inbox did not have: missed webhooks, now applied. */
  eventsRead: number;
  eventsRecovered: number;
  /** Stripe balance transactions read since their cursor, and those the ledger did not have, now posted. */
  movementsRead: number;
  movementsRecovered: number;
  ordersReread: number;
  /** Sales and refund receipts read back from the books (edited or deleted ones become exceptions). */
  documentsReread: number;
  match: MatchOutcome;
  /** Exceptions the sweep tried to repair by running Settle's own step again. */
  repairsQueued: number;
  /** Platforms that could not be read this time (the rest of the sweep still ran). */
  problems: string[];
}

export interface SweepOptions {
  /** Disagreements younger than this may be work still in flight (see match.ts). */
  graceMs: number;
  /** At most this many store orders are re-read per sweep, least recently read first. */
  storeReadsPerSweep?: number;
  /** Called as the sweep moves on, for the progress a long run shows. */
  progress?: (stage: string, done: number, total: number) => Promise<void>;
}

/** A repair the sweep made is not tried again for this long: a step failing each time needs a person. */
const REPAIR_AGAIN_AFTER_MS = 60 * 60_000;
/** Re-reading starts a little before the newest event seen: events of the same second are not all listed at once. */
const CURSOR_OVERLAP_S = 1;

/**
 * The self-healing sweep for one merchant: re-reads Stripe's events since its cursor and feeds
 * any the inbox lacks through the usual path (inbox → inbound queue), re-reads the store orders,
 * runs the three-way match, and queues Settle's own step again for what it can repair. Every
 * recovery and repair goes to the audit trail; the run's progress to reconciliation_runs.
 */
export async function sweepMerchant(settle: Settle, merchantId: string, options: SweepOptions): Promise<SweepOutcome> {
  const [run] = await settle.db.query<{ id: number }>(`INSERT INTO reconciliation_runs (merchant_id, stage) VALUES ($1, 'stripe_events') RETURNING id`, [merchantId]);
  const runId = Number(run!.id);
  const progress = async (stage: string, done: number, total: number) => {
    await settle.db.query('UPDATE reconciliation_runs SET stage = $2, done = $3, total = $4 WHERE id = $1', [runId, stage, done, total]);
    await options.progress?.(stage, done, total);
  };
  try {
    // A platform that cannot be read now (down, disconnected) does not stop the rest: the match
    // still runs on what was last read, and the problem is in the run's outcome.
    const problems: string[] = [];
    const attempt = async <T>(what: string, work: () => Promise<T>, fallback: T): Promise<T> =>
      work().catch((error: Error) => (problems.push(`${what}: ${error.message}`), fallback));
    const { read, recovered } = await attempt('Stripe events', () => recoverMissedEvents(settle, merchantId, progress), { read: 0, recovered: 0 });
    const movements = await attempt('Stripe balance transactions', () => recoverMissedMovements(settle, merchantId, options.graceMs, progress), { read: 0, recovered: 0 });
    const ordersReread = await attempt('store orders', () => rereadStoreOrders(settle, merchantId, options.storeReadsPerSweep ?? 200, progress), 0);
    const documentsReread = await attempt('books', () => rereadBooksDocuments(settle, merchantId, options.storeReadsPerSweep ?? 200, progress), 0);
    await progress('match', 0, 1);
    const match = await runThreeWayMatch(settle.db, merchantId, { cutoff: new Date(Date.now() - options.graceMs) });
    const repairsQueued = await repair(settle, merchantId, progress);
    const outcome: SweepOutcome = { eventsRead: read, eventsRecovered: recovered, movementsRead: movements.read, movementsRecovered: movements.recovered, ordersReread, documentsReread, match, repairsQueued, problems };
    await settle.db.query(`UPDATE reconciliation_runs SET stage = 'done', outcome = $2, finished_at = now() WHERE id = $1`, [runId, JSON.stringify(outcome)]);
    return outcome;
  } catch (error) {
    await settle.db.query(`UPDATE reconciliation_runs SET stage = 'failed', outcome = $2, finished_at = now() WHERE id = $1`, [
      runId, JSON.stringify({ error: (error as Error).message }),
    ]);
    throw error;
  }
}

type Progress = (stage: string, done: number, total: number) => Promise<void>;

/**
 * Just the first step of the sweep: Stripe's events since the cursor that the inbox lacks, applied.
 * Run when Settle's server starts, because webhooks Stripe sent while it was down come back only on
 * Stripe's retry schedule (the first retry an hour later); the cursor keeps it to what is new.
 */
export async function catchUpMissedEvents(settle: Settle, merchantId: string): Promise<{ read: number; recovered: number }> {
  return recoverMissedEvents(settle, merchantId, async () => undefined);
}

async function recoverMissedEvents(settle: Settle, merchantId: string, progress: Progress): Promise<{ read: number; recovered: number }> {
  const processor = await settle.platforms.processorFor(merchantId);
  if (!processor.eventsSince) return { read: 0, recovered: 0 };
  const from = await cursorPosition(settle.db, merchantId, 'stripe_events');
  // Only what core acts on: the list also holds events Settle never subscribed to.
  const events = (await processor.eventsSince(from)).filter((e) => processor.readEvent(JSON.parse(e.payload)).kind !== 'ignored');
  let recovered = 0;
  for (let i = 0; i < events.length; i += 100) {
    const batch = events.slice(i, i + 100);
    const rows = await recordInboundEvents(settle.db, batch.map((e) => ({ merchantId, platform: 'stripe', eventId: e.id, eventType: e.type, payload: e.payload })));
    for (const [j, row] of rows.entries()) {
      if (!row.isNew) continue;
      const event = batch[j]!;
      recovered += 1;
      await settle.jobs.enqueue('inbound', inboundJobId(merchantId, row.id), { inboxId: row.id });
      await audit(settle.db, merchantId, {
        exceptionId: null, actor: 'sweep', action: 'recovered_event',
        detail: `Stripe event ${event.id} (${event.type}) never arrived as a webhook; read from Stripe's event list and applied.`,
      });
    }
    await progress('stripe_events', Math.min(i + 100, events.length), events.length);
  }
  const newest = Math.max(...events.map((e) => e.created), from + CURSOR_OVERLAP_S);
  await saveCursor(settle.db, merchantId, 'stripe_events', newest - CURSOR_OVERLAP_S);
  return { read: events.length, recovered };
}

/**
 * Money that moved in the Stripe balance with no event Settle heard of (an adjustment, a standalone
 * fee, a sale whose events were all lost, or an event list that cannot be read): each balance
 * transaction the ledger lacks is posted as a webhook would post it, by its id, so one arriving
 * later changes nothing. Younger ones than the grace period may still be on their way.
 */
async function recoverMissedMovements(settle: Settle, merchantId: string, graceMs: number, progress: Progress): Promise<{ read: number; recovered: number }> {
  const processor = await settle.platforms.processorFor(merchantId);
  if (!processor.movementsSince) return { read: 0, recovered: 0 };
  const from = await cursorPosition(settle.db, merchantId, 'stripe_balance_transactions');
  const cutoff = Date.now() - graceMs;
  // A payout's own movements wait for the payout's event (recovered above when missed): it posts
  // them with the payout, once the bank has it.
  const movements = (await processor.movementsSince(from)).filter((m) => m.occurredAt.getTime() <= cutoff && !PAYOUT_CATEGORIES.has(m.category));
  const recorded = await recordedMovementIds(settle.db, merchantId, movements.map((m) => m.id));
  const missing = movements.filter((m) => !recorded.has(m.id));
  let recovered = 0;
  for (const [i, movement] of missing.entries()) {
    const context = await movementContext(settle, merchantId, movement);
    const work = await settle.db.transaction(async (tx) => {
      const items = await recordMovement(tx, merchantId, movement, context);
      // Recorded meanwhile by its webhook: nothing was missed after all.
      if (items.length === 0) return null;
      for (const item of items) await addToOutbox(tx, { ...item, merchantId });
      await audit(tx, merchantId, {
        exceptionId: null, actor: 'sweep', action: 'recovered_movement',
        detail: `Stripe balance transaction ${movement.id} (${movement.category}, ${toDecimal(movement.net)} ${movement.net.currency}) was not in the ledger; read from Stripe's balance transactions and posted.`,
      });
      return items;
    });
    if (!work) continue;
    recovered += 1;
    // After commit: an enqueue lost to a crash is enqueued again by the outbox sweep.
    for (const item of work) await settle.jobs.enqueue(QUEUE_FOR_TOPIC[item.topic], item.id, { outboxId: item.id });
    await progress('stripe_balance_transactions', i + 1, missing.length);
  }
  const newest = Math.max(...movements.map((m) => Math.floor(m.occurredAt.getTime() / 1000)), from + CURSOR_OVERLAP_S);
  await saveCursor(settle.db, merchantId, 'stripe_balance_transactions', newest - CURSOR_OVERLAP_S);
  return { read: movements.length, recovered };
}

/** Balance transactions of a payout, posted by the payout's event with the payout itself. */
const PAYOUT_CATEGORIES = new Set(['payout', 'payout_reversal', 'payout_failure']);

async function saveCursor(db: Queryable, merchantId: string, source: string, position: number): Promise<void> {
  await db.query(
    `INSERT INTO reconciliation_cursors (merchant_id, source, position) VALUES ($1, $2, $3)
     ON CONFLICT (merchant_id, source) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
    [merchantId, source, String(position)],
  );
}

/** Where to start reading one of Stripe's lists: the cursor, or (first sweep) when the merchant connected Stripe. */
async function cursorPosition(db: Queryable, merchantId: string, source: string): Promise<number> {
  const [cursor] = await db.query<{ position: string }>(`SELECT position FROM reconciliation_cursors WHERE merchant_id = $1 AND source = $2`, [merchantId, source]);
  if (cursor) return Number(cursor.position);
  // Events and movements from before Settle was connected belong to sales Settle never took part in.
  const [connected] = await db.query<{ at: number }>(
    `SELECT floor(extract(epoch FROM updated_at))::bigint - 60 AS at FROM connections WHERE merchant_id = $1 AND platform = 'stripe'`, [merchantId],
  );
  return connected ? Number(connected.at) : Math.floor(Date.now() / 1000) - 86_400;
}

/** Re-reads the orders Settle took payments for, least recently read first. */
async function rereadStoreOrders(settle: Settle, merchantId: string, limit: number, progress: Progress): Promise<number> {
  const orders = await settle.db.query<{ store_platform: 'woocommerce' | 'shopify'; order_id: string }>(
    `SELECT p.store_platform, p.order_id FROM payments p
       LEFT JOIN store_order_snapshots s ON s.merchant_id = p.merchant_id AND s.store_platform = p.store_platform AND s.order_id = p.order_id
      WHERE p.merchant_id = $1 AND p.store_platform IN ('woocommerce', 'shopify') ORDER BY s.read_at ASC NULLS FIRST, p.created_at DESC LIMIT $2`,
    [merchantId, limit],
  );
  for (const [i, o] of orders.entries()) {
    await readBackStoreOrder(settle.db, merchantId, await settle.platforms.storeFor(merchantId, o.store_platform), o.order_id);
    if (i % 20 === 19 || i === orders.length - 1) await progress('store_orders', i + 1, orders.length);
  }
  return orders.length;
}

/** Reads back the receipts Settle posted to the books, least recently read first. */
async function rereadBooksDocuments(settle: Settle, merchantId: string, limit: number, progress: Progress): Promise<number> {
  const documents = await settle.db.query<{ document_type: string; document_id: string; currency: string }>(
    `SELECT d.document_type, d.document_id, d.currency FROM books_documents d
       LEFT JOIN books_document_snapshots s ON s.merchant_id = d.merchant_id AND s.document_type = d.document_type AND s.document_id = d.document_id
      WHERE d.merchant_id = $1 AND d.document_type IN ('SalesReceipt', 'RefundReceipt')
      ORDER BY s.read_at ASC NULLS FIRST, d.posted_at DESC LIMIT $2`,
    [merchantId, limit],
  );
  if (documents.length === 0) return 0;
  const books = await settle.platforms.booksFor(merchantId);
  if (!books.readTotal) return 0;
  let read = 0;
  for (const d of documents) {
    const total = await books.readTotal(d.document_type, d.document_id, d.currency);
    if (total === undefined) continue;
    await recordBooksDocument(settle.db, merchantId, d.document_type, d.document_id, total);
    read += 1;
    if (read % 20 === 0 || read === documents.length) await progress('books_documents', read, documents.length);
  }
  return read;
}

/** Queues Settle's own step again for open exceptions it can repair and has not just tried. */
async function repair(settle: Settle, merchantId: string, progress: Progress): Promise<number> {
  const repairable = await settle.db.query<{ id: number }>(
    `SELECT e.id FROM reconciliation_exceptions e
      WHERE e.merchant_id = $1 AND e.status = 'open' AND e.kind IN ('paid_order_not_updated', 'refund_missing_in_store', 'books_entry_missing')
        AND e.details->>'documentId' IS NULL
        AND NOT EXISTS (SELECT 1 FROM reconciliation_audit a WHERE a.exception_id = e.id AND a.action = 'retried' AND a.at > now() - make_interval(secs => $2))`,
    [merchantId, REPAIR_AGAIN_AFTER_MS / 1000],
  );
  for (const [i, e] of repairable.entries()) {
    await retryException(settle, merchantId, Number(e.id), 'sweep');
    await progress('repair', i + 1, repairable.length);
  }
  return repairable.length;
}

/** The latest sweep of the merchant: its stage and progress while it runs, its outcome after. */
export async function latestSweep(db: Queryable, merchantId: string) {
  const [run] = await db.query<{ id: number; stage: string; done: number; total: number; outcome: unknown; started_at: Date; finished_at: Date | null }>(
    `SELECT id, stage, done, total, outcome, started_at, finished_at FROM reconciliation_runs WHERE merchant_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1`,
    [merchantId],
  );
  return run && { id: Number(run.id), stage: run.stage, done: run.done, total: run.total, outcome: run.outcome, startedAt: run.started_at, finishedAt: run.finished_at };
}

/** Every merchant with Stripe connected: each is swept on its own. */
export async function merchantsToSweep(db: Queryable): Promise<string[]> {
  return (await db.query<{ merchant_id: string }>(`SELECT merchant_id FROM connections WHERE platform = 'stripe' ORDER BY merchant_id`)).map((r) => r.merchant_id);
}
