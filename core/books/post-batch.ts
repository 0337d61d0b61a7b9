import { randomBytes } from 'node:crypto';
import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import type { BatchOutcome, Books, BooksDocument, PreparedDocument } from './books';
import { markOutboxDone, type OutboxItem } from '../outbox/outbox';
import { RetryableError } from '../errors';
import { newId } from '../ids';
import { addReviewItem, BooksNeedsReview } from './review';
import { recordPosted, type EntryParts, type PartToPost } from './posted';

// A job sending a batch holds it this long (Intuit ends a request after 120 s); after that (the job
// died) another job sends it again. The same job, retried after a crash, takes it back at once.
const BATCH_LEASE_MS = 150_000;
// One job at a time builds a merchant's next batch; a builder that died frees it after this long.
const BUILDER_LEASE_MS = 120_000;
// How long a job waits for another job's build before going back to the queue.
const BUILDER_WAIT_MS = 5_000;
// Spacing of batch sends at Intuit's 40 batch requests a minute: how far back in line a batch is.
const MS_PER_BATCH = 1_500;
// How many waiting entries are looked at to fill a batch.
const CANDIDATES = 60;
// Batches written down but not answered, per merchant: enough to keep the books' limit busy, few enough
// that batches are not written far ahead of being sent (with what may change meanwhile, e.g. the mapping).
const MAX_OPEN_BATCHES = 3;
// About how many entries a minute reach QuickBooks (40 batches of about 15 entries): when a waiting entry's turn comes.
const ENTRIES_PER_MINUTE = 600;
// After posting its own entry, a job goes on posting the merchant's waiting entries for this long.
const DRAIN_MS = 240_000;
// While draining, waits for the company's limits up to this long are waited in the job.
const MAX_SLEEP_MS = 65_000;

/** Books that take several documents in one request. */
export type BatchingBooks = Books & Required<Pick<Books, 'batchLimit' | 'prepare' | 'postBatch'>>;
export const canBatch = (books: Books): books is BatchingBooks => !!books.batchLimit && !!books.prepare && !!books.postBatch;

type Batch = { id: string; requestId: string };
type StoredItem = { bid: string; outbox_id: string; entry_id: string; part: string; request_id: string; document: BooksDocument; prepared: PreparedDocument; completes_entry: boolean };
type Refused = { entryId: string; refusal: BooksNeedsReview };

/**
 * Posts a ledger entry in a batch with other entries of the merchant waiting to post (up to the books'
 * batch limit, e.g. QuickBooks' 30 documents a request). The batch is written down with each document's
 * exact request before it is sent, under a request id derived from the batch; whichever job sends it
 * again after a crash sends the same request, and the books answer with what they did the first time.
 *
 * The job whose entry opens a batch sends it. Another entry's job, finding its entry in a batch being
 * sent, waits (back in the queue, no try spent) until about when that batch will have been sent; the
 * sender marks every entry it completes done.
 */
export async function postInBatches(
  settle: Settle, books: BatchingBooks, item: OutboxItem, partsOf: (entryId: string) => Promise<EntryParts>,
): Promise<string> {
  const entryId = item.payload.entryId ?? '';
  let batch = await openBatchOf(settle.db, entryId);
  let refused: Refused[] = [];
  let ownHeld: EntryParts['held'];
  if (!batch) {
    const { parts: own, held } = await partsOf(entryId);
    ownHeld = held;
    if (own.length === 0) {
      // Held for approval (or a fix): the entry stays open until the bookkeeper decides.
      if (held) throw held;
      await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
      return `entry ${entryId} was already posted to the books`;
    }
    if ((await openBatches(settle.db, item.merchantId)) >= MAX_OPEN_BATCHES) {
      throw new RetryableError(`entry ${entryId} waits for its turn: ${MAX_OPEN_BATCHES} batches are being sent`, await turnOf(settle.db, item));
    }
    const built = await buildBatch(settle, books, item, own, partsOf, !!held);
    batch = built.batch;
    refused = built.refused;
  } else if (!(await takeBatch(settle.db, batch.id, item.id))) {
    throw new RetryableError(`entry ${entryId} waits in batch ${batch.id}, which another job is sending`, await waitInLine(settle.db, item.merchantId, batch.id));
  }

  if (batch) refused.push(...(await sendBatch(settle, books, item.merchantId, batch)));
  const mine = refused.find((r) => r.entryId === entryId);
  // Left pending (not retried blindly): resolving the review item posts the entry again.
  if (mine) throw mine.refusal;
  if (ownHeld) throw ownHeld;
  const [outbox] = await settle.db.query<{ done_at: Date | null }>('SELECT done_at FROM outbox WHERE id = $1', [item.id]);
  if (outbox?.done_at) {
    const more = await drain(settle, books, item, partsOf);
    return `entry ${entryId} posted to the books in batch ${batch?.id ?? '(none)'}${more > 0 ? `, then ${more} more batches of waiting entries` : ''}`;
  }
  // A document QuickBooks failed on its side: posted again, in a new batch, on the job's next try.
  throw new RetryableError(`entry ${entryId} is not fully posted yet (batch ${batch?.id ?? '(none)'})`);
}

/**
 * Posts the merchant's waiting entries, a batch at a time, while the job has time: one job keeps the
 * books' limit busy instead of every entry's job waking to find its turn. Best effort: a batch it
 * cannot send stays written down, and its entries' own jobs send it when their turn comes.
 */
async function drain(settle: Settle, books: BatchingBooks, item: OutboxItem, partsOf: (entryId: string) => Promise<EntryParts>): Promise<number> {
  const until = Date.now() + DRAIN_MS;
  let sent = 0;
  try {
    while (Date.now() < until && (await openBatches(settle.db, item.merchantId)) < MAX_OPEN_BATCHES) {
      const { batch } = await buildBatch(settle, books, item, [], partsOf);
      if (!batch) break;
      await sendPatiently(settle, books, item, batch, until);
      sent++;
    }
  } catch {
    // Left to the entries' own jobs (see above); this entry is posted.
  }
  return sent;
}

/** Sends the batch, waiting in the job while the company is at its limits (up to `until`). */
async function sendPatiently(settle: Settle, books: BatchingBooks, item: OutboxItem, batch: Batch, until: number): Promise<void> {
  for (;;) {
    try {
      await sendBatch(settle, books, item.merchantId, batch);
      return;
    } catch (error) {
      const wait = error instanceof RetryableError ? error.retryAfterMs : undefined;
      if (!wait || wait > MAX_SLEEP_MS || Date.now() + wait > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (!(await takeBatch(settle.db, batch.id, item.id))) throw error;
    }
  }
}

async function openBatches(db: Queryable, merchantId: string): Promise<number> {
  const [row] = await db.query<{ open: string }>('SELECT count(*) AS open FROM books_batches WHERE merchant_id = $1 AND done_at IS NULL', [merchantId]);
  return Number(row?.open ?? 0);
}

/** About when the entry's turn comes: the entries waiting ahead of it go at the books' pace. */
async function turnOf(db: Queryable, item: OutboxItem): Promise<number> {
  const [row] = await db.query<{ ahead: string }>(
    `SELECT count(*) AS ahead FROM outbox WHERE merchant_id = $1 AND topic = 'books.post_entry' AND done_at IS NULL
       AND created_at < (SELECT created_at FROM outbox WHERE id = $2)`,
    [item.merchantId, item.id],
  );
  return 3_000 + Math.round((Number(row?.ahead ?? 0) * 60_000) / ENTRIES_PER_MINUTE);
}

/** The batch written down for one of the entry's parts and not yet recorded as answered. */
async function openBatchOf(db: Queryable, entryId: string): Promise<Batch | undefined> {
  const [row] = await db.query<{ id: string; request_id: string }>(
    `SELECT b.id, b.request_id FROM books_batch_items i JOIN books_batches b ON b.id = i.batch_id
     WHERE i.entry_id = $1 AND i.outcome IS NULL AND b.done_at IS NULL LIMIT 1`,
    [entryId],
  );
  return row && { id: row.id, requestId: row.request_id };
}

/** Takes the batch for sending when no live job holds it (or this job held it before its retry). */
async function takeBatch(db: Queryable, batchId: string, holder: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE books_batches SET holder = $2, leased_until = now() + make_interval(secs => $3::float8 / 1000), sends = sends + 1
     WHERE id = $1 AND done_at IS NULL AND (leased_until IS NULL OR leased_until < now() OR holder = $2) RETURNING id`,
    [batchId, holder, BATCH_LEASE_MS],
  );
  return rows.length > 0;
}

/** About when the batch will have been sent: the batches ahead of it go at the books' pace. */
async function waitInLine(db: Queryable, merchantId: string, batchId: string): Promise<number> {
  const [row] = await db.query<{ ahead: string }>(
    `SELECT count(*) AS ahead FROM books_batches WHERE merchant_id = $1 AND done_at IS NULL
       AND created_at <= (SELECT created_at FROM books_batches WHERE id = $2)`,
    [merchantId, batchId],
  );
  return 5_000 + Number(row?.ahead ?? 0) * MS_PER_BATCH;
}

/**
 * Writes down a batch: the entry's own parts first, then other entries waiting to post, whole, while
 * they fit. One job builds at a time (a lease row per merchant), so batches are full and never share a
 * part; the unique index on claimed parts is the guarantee. A part the books refuse to prepare (a
 * reference they will not create) goes to the review queue and stays out of the batch.
 */
async function buildBatch(
  settle: Settle, books: BatchingBooks, item: OutboxItem, own: PartToPost[], partsOf: (entryId: string) => Promise<EntryParts>,
  ownHeld = false,
): Promise<{ batch?: Batch; refused: Refused[] }> {
  const holder = randomBytes(12).toString('base64url');
  await takeBuilder(settle.db, item.merchantId, holder);
  try {
    // Another job may have put the entry in its batch while this one waited to build.
    const taken = await openBatchOf(settle.db, item.payload.entryId ?? '');
    if (taken) throw new RetryableError(`entry ${item.payload.entryId} waits in batch ${taken.id}`, await waitInLine(settle.db, item.merchantId, taken.id));
    const limit = books.batchLimit;
    const chosen: (PartToPost & { outboxId: string; prepared: PreparedDocument; completesEntry: boolean })[] = [];
    const refused: Refused[] = [];
    // `whole`: these are all the entry's parts still to post, so posting them completes it.
    const add = async (outboxId: string, parts: PartToPost[], whole = true) => {
      const prepared = [];
      for (const part of parts) {
        try {
          prepared.push({ ...part, outboxId, prepared: await books.prepare(part.document) });
        } catch (error) {
          if (!(error instanceof BooksNeedsReview)) throw error;
          await addReviewItem(settle.db, { merchantId: item.merchantId, entryId: part.entryId, part: part.part, requestId: part.requestId }, error);
          refused.push({ entryId: part.entryId, refusal: error });
          whole = false;
        }
      }
      chosen.push(...prepared.map((p) => ({ ...p, completesEntry: whole })));
    };
    await add(item.id, own, !ownHeld);
    for (const candidate of await waitingEntries(settle.db, item.merchantId, item.id)) {
      if (chosen.length >= limit) break;
      const { parts, held } = await partsOf(candidate.entryId).catch((): EntryParts => ({ parts: [] }));
      // An entry with a part held for the bookkeeper is left to its own job.
      if (held || parts.length === 0 || chosen.length + parts.length > limit) continue;
      await add(candidate.outboxId, parts);
    }
    if (chosen.length === 0) return { refused };

    const id = newId('bb');
    const batch = { id, requestId: `settle-${id}` };
    await settle.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO books_batches (id, merchant_id, request_id, holder, leased_until, sends)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::float8 / 1000), 1)`,
        [id, item.merchantId, batch.requestId, item.id, BATCH_LEASE_MS],
      );
      for (const [i, c] of chosen.entries()) {
        await tx.query(
          `INSERT INTO books_batch_items (batch_id, bid, merchant_id, outbox_id, entry_id, part, request_id, document, prepared, completes_entry)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [id, String(i + 1), item.merchantId, c.outboxId, c.entryId, c.part, c.requestId, JSON.stringify(c.document), JSON.stringify(c.prepared), c.completesEntry],
        );
      }
    });
    return { batch, refused };
  } finally {
    await settle.db.query('DELETE FROM books_batch_builders WHERE merchant_id = $1 AND holder = $2', [item.merchantId, holder]);
  }
}

/** Waits (a little, in the job) for the merchant's batch builder; longer waits go back to the queue. */
async function takeBuilder(db: Queryable, merchantId: string, holder: string): Promise<void> {
  const until = Date.now() + BUILDER_WAIT_MS;
  for (;;) {
    const rows = await db.query(
      `INSERT INTO books_batch_builders (merchant_id, holder, leased_until) VALUES ($1, $2, now() + make_interval(secs => $3::float8 / 1000))
       ON CONFLICT (merchant_id) DO UPDATE SET holder = EXCLUDED.holder, leased_until = EXCLUDED.leased_until
       WHERE books_batch_builders.leased_until < now() RETURNING holder`,
      [merchantId, holder, BUILDER_LEASE_MS],
    );
    if (rows.length > 0) return;
    if (Date.now() > until) throw new RetryableError(`another job is building the merchant's next books batch`, 2_000 + Math.random() * 3_000);
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
  }
}

/** Entries waiting to post, oldest first, that no batch holds and no review item stops. */
async function waitingEntries(db: Queryable, merchantId: string, ownOutboxId: string): Promise<{ outboxId: string; entryId: string }[]> {
  const rows = await db.query<{ id: string; entry_id: string }>(
    `SELECT o.id, o.payload->>'entryId' AS entry_id FROM outbox o
     WHERE o.merchant_id = $1 AND o.topic = 'books.post_entry' AND o.done_at IS NULL AND o.id <> $2
       AND NOT EXISTS (SELECT 1 FROM books_batch_items i WHERE i.entry_id = o.payload->>'entryId' AND i.outcome IS NULL)
       AND NOT EXISTS (SELECT 1 FROM books_review_items r WHERE r.entry_id = o.payload->>'entryId' AND r.resolved_at IS NULL)
     ORDER BY o.created_at LIMIT ${CANDIDATES}`,
    [merchantId, ownOutboxId],
  );
  return rows.map((r) => ({ outboxId: r.id, entryId: r.entry_id }));
}

/**
 * Sends the batch (again) exactly as written down and records every answer in one transaction: the
 * posted documents, the refused parts in the review queue, the batch answered, and each entry whose
 * parts are all posted done. When the books are at their limit the batch stays held by this job
 * until its retry, so other entries' jobs keep waiting instead of racing to send it.
 */
async function sendBatch(settle: Settle, books: BatchingBooks, merchantId: string, batch: Batch): Promise<Refused[]> {
  const items = await settle.db.query<StoredItem>(
    `SELECT bid, outbox_id, entry_id, part, request_id, document, prepared, completes_entry FROM books_batch_items WHERE batch_id = $1 ORDER BY bid::int`,
    [batch.id],
  );
  let outcomes: Map<string, BatchOutcome>;
  try {
    outcomes = await books.postBatch(batch.requestId, items.map((i) => ({ key: i.bid, prepared: i.prepared })));
  } catch (error) {
    const later = error instanceof RetryableError ? error.retryAfterMs : undefined;
    await settle.db.query(
      `UPDATE books_batches SET leased_until = ${later ? 'now() + make_interval(secs => $2::float8 / 1000)' : 'NULL'} WHERE id = $1`,
      later ? [batch.id, later + BATCH_LEASE_MS] : [batch.id],
    );
    throw error;
  }
  const refused: Refused[] = [];
  await settle.db.transaction(async (tx) => {
    const complete = new Map<string, boolean>();
    for (const i of items) {
      const answer = outcomes.get(i.bid) ?? { outcome: 'retry', reason: 'no answer for it' };
      const part = { entryId: i.entry_id, part: i.part, requestId: i.request_id, document: i.document };
      if (answer.outcome === 'posted') await recordPosted(tx, merchantId, part, answer.posted);
      if (answer.outcome === 'review') {
        await addReviewItem(tx, { merchantId, entryId: i.entry_id, part: i.part, requestId: i.request_id }, answer.refusal);
        refused.push({ entryId: i.entry_id, refusal: answer.refusal });
      }
      await tx.query('UPDATE books_batch_items SET outcome = $3 WHERE batch_id = $1 AND bid = $2', [batch.id, i.bid, answer.outcome]);
      complete.set(i.outbox_id, (complete.get(i.outbox_id) ?? true) && i.completes_entry && answer.outcome === 'posted');
    }
    await tx.query('UPDATE books_batches SET done_at = now(), leased_until = NULL WHERE id = $1 AND done_at IS NULL', [batch.id]);
    for (const [outboxId, done] of complete) if (done) await markOutboxDone(tx, outboxId);
  });
  return refused;
}
