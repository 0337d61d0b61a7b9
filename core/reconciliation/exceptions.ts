import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import { SettleError } from '../errors';
import { addToOutbox, QUEUE_FOR_TOPIC, type OutboxTopic } from '../outbox/outbox';
import type { QueueName } from '../jobs/queue';
import { findPayment, storeOrderOf } from '../payments/payments';
import { readBackStoreOrder } from './snapshots';
import { runThreeWayMatch, type MatchOutcome } from './match';
import type { ExceptionDetails, ExceptionKind } from './explain';

export type ExceptionStatus = 'open' | 'resolved' | 'accepted';
/** What a person (or the sweep) can do about an exception. */
export type ExceptionAction = 'retry' | 'refetch' | 'accept';

/** One disagreement between the store, Stripe and the books, as the exceptions queue shows it. */
export interface ReconciliationException {
  id: number;
  kind: ExceptionKind;
  /** What it is about: the payment, the store order, the ledger entry or the payout. */
  subject: string;
  paymentId: string | null;
  orderNumber: string | null;
  explanation: string;
  details: ExceptionDetails;
  status: ExceptionStatus;
  note: string | null;
  /** The actions that make sense for this kind. */
  actions: ExceptionAction[];
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
}

/** One line of an exception's (or the sweep's) audit trail. */
export interface AuditLine {
  id: number;
  exceptionId: number | null;
  actor: 'sweep' | 'merchant';
  action: string;
  detail: string;
  at: Date;
}

// Kinds whose fix is Settle's own step run again: the store step (mark paid, show a refund) or the books step.
const RETRYABLE: ReadonlySet<ExceptionKind> = new Set(['paid_order_not_updated', 'refund_missing_in_store', 'books_entry_missing']);
// A document deleted from the books is not posted again by Settle (its request id would return the
// deleted one): the bookkeeper restores it there, or accepts the difference.
const canRetry = (kind: ExceptionKind, details: ExceptionDetails) => RETRYABLE.has(kind) && !(kind === 'books_entry_missing' && details.documentId);
const actionsFor = (kind: ExceptionKind, details: ExceptionDetails): ExceptionAction[] => (canRetry(kind, details) ? ['retry', 'refetch', 'accept'] : ['refetch', 'accept']);

type Row = {
  id: number; kind: ExceptionKind; subject: string; payment_id: string | null; order_number: string | null; explanation: string; details: ExceptionDetails;
  status: ExceptionStatus; note: string | null; first_seen_at: Date | string; last_seen_at: Date | string; resolved_at: Date | string | null;
};
const COLUMNS = 'id, kind, subject, payment_id, order_number, explanation, details, status, note, first_seen_at, last_seen_at, resolved_at';

const fromRow = (r: Row): ReconciliationException => ({
  id: Number(r.id), kind: r.kind, subject: r.subject, paymentId: r.payment_id, orderNumber: r.order_number, explanation: r.explanation,
  details: r.details, status: r.status, note: r.note, actions: r.status === 'resolved' ? [] : actionsFor(r.kind, r.details),
  firstSeenAt: new Date(r.first_seen_at), lastSeenAt: new Date(r.last_seen_at), resolvedAt: r.resolved_at === null ? null : new Date(r.resolved_at),
});

/** The merchant's exceptions, newest first; by default the open ones (the queue). */
export async function listExceptions(db: Queryable, merchantId: string, options: { status?: ExceptionStatus; limit?: number } = {}): Promise<ReconciliationException[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM reconciliation_exceptions WHERE merchant_id = $1 AND status = $2 ORDER BY last_seen_at DESC, id DESC LIMIT $3`,
    [merchantId, options.status ?? 'open', options.limit ?? 200],
  );
  return rows.map(fromRow);
}

export async function findException(db: Queryable, merchantId: string, id: number): Promise<ReconciliationException | undefined> {
  const [row] = await db.query<Row>(`SELECT ${COLUMNS} FROM reconciliation_exceptions WHERE merchant_id = $1 AND id = $2`, [merchantId, id]);
  return row && fromRow(row);
}

export async function auditTrail(db: Queryable, merchantId: string, exceptionId: number | null, limit = 200): Promise<AuditLine[]> {
  const rows = await db.query<{ id: number; exception_id: number | null; actor: 'sweep' | 'merchant'; action: string; detail: string; at: Date | string }>(
    `SELECT id, exception_id, actor, action, detail, at FROM reconciliation_audit
      WHERE merchant_id = $1 AND ($2::bigint IS NULL OR exception_id = $2) ORDER BY at DESC, id DESC LIMIT $3`,
    [merchantId, exceptionId, limit],
  );
  return rows.map((r) => ({ id: Number(r.id), exceptionId: r.exception_id === null ? null : Number(r.exception_id), actor: r.actor, action: r.action, detail: r.detail, at: new Date(r.at) }));
}

export async function audit(db: Queryable, merchantId: string, line: { exceptionId: number | null; actor: 'sweep' | 'merchant'; action: string; detail: string }): Promise<void> {
  await db.query('INSERT INTO reconciliation_audit (merchant_id, exception_id, actor, action, detail) VALUES ($1, $2, $3, $4, $5)', [
    merchantId, line.exceptionId, line.actor, line.action, line.detail,
  ]);
}

async function mustFind(db: Queryable, merchantId: string, id: number): Promise<ReconciliationException> {
  const found = await findException(db, merchantId, id);
  if (!found) throw new SettleError('exception_not_found', 'There is no such reconciliation exception.', 404);
  return found;
}

/** Accepts the exception as it is (paid in cash, a known difference); the note says why and is kept. */
export async function acceptException(db: Queryable, merchantId: string, id: number, note: string): Promise<ReconciliationException> {
  const text = note.trim();
  if (text.length === 0 || text.length > 1000) throw new SettleError('note_required', 'Say in a note (up to 1,000 characters) why this exception is accepted.', 400);
  const exception = await mustFind(db, merchantId, id);
  if (exception.status === 'resolved') throw new SettleError('exception_resolved', 'This exception is already resolved: the systems agree.', 409);
  await db.query(`UPDATE reconciliation_exceptions SET status = 'accepted', note = $3 WHERE merchant_id = $1 AND id = $2`, [merchantId, id, text]);
  await audit(db, merchantId, { exceptionId: id, actor: 'merchant', action: 'accepted', detail: text });
  return mustFind(db, merchantId, id);
}

/**
 * Runs Settle's own step for the exception again (mark the order paid, show the refund on it, post
 * the entry to the books). Work already done is re-opened and queued under a new job id, so it runs
 * again; work still pending is queued under its own id, which BullMQ keeps to one job. Only one of
 * two retries at once (the sweep's and the merchant's) can re-open the row, so the step never runs
 * twice side by side. Returns what was queued.
 */
export async function retryException(settle: Settle, merchantId: string, id: number, actor: 'sweep' | 'merchant'): Promise<string[]> {
  const exception = await mustFind(settle.db, merchantId, id);
  if (!canRetry(exception.kind, exception.details)) {
    throw new SettleError('not_retryable', 'Settle has no step of its own to run again for this exception: re-fetch it, or accept it with a note.', 409);
  }
  const work = await outboxWorkFor(settle.db, merchantId, exception);
  const attempt = Date.now();
  const jobs = await settle.db.transaction(async (tx) => {
    const queued: { queue: QueueName; jobId: string; outboxId: string }[] = [];
    for (const item of work) {
      await addToOutbox(tx, { ...item, merchantId });
      const reopened = await tx.query(
        'UPDATE outbox SET done_at = NULL, attempts = 0, last_error = NULL WHERE id = $1 AND merchant_id = $2 AND done_at IS NOT NULL RETURNING id',
        [item.id, merchantId],
      );
      queued.push({ queue: QUEUE_FOR_TOPIC[item.topic], jobId: reopened.length > 0 ? `${item.id}:retry-${attempt}` : item.id, outboxId: item.id });
    }
    await audit(tx, merchantId, { exceptionId: id, actor, action: 'retried', detail: work.length > 0 ? `queued ${work.map((w) => w.id).join(', ')}` : 'nothing to queue' });
    return queued;
  });
  for (const job of jobs) await settle.jobs.enqueue(job.queue, job.jobId, { outboxId: job.outboxId });
  return work.map((w) => w.id);
}

async function outboxWorkFor(db: Queryable, merchantId: string, e: ReconciliationException): Promise<{ id: string; topic: OutboxTopic; payload: Record<string, string> }[]> {
  switch (e.kind) {
    case 'paid_order_not_updated':
      return [{ id: `store:${e.paymentId}`, topic: 'store.mark_paid', payload: { paymentId: String(e.paymentId) } }];
    case 'refund_missing_in_store': {
      const refunds = await db.query<{ id: string }>(`SELECT id FROM refunds WHERE merchant_id = $1 AND payment_id = $2 AND status = 'succeeded'`, [merchantId, e.paymentId]);
      return refunds.map((r) => ({ id: `store-refund:${r.id}:succeeded`, topic: 'store.sync_refund' as const, payload: { refundId: r.id, status: 'succeeded' } }));
    }
    case 'books_entry_missing':
      return [{ id: `books:${e.subject}`, topic: 'books.post_entry', payload: { entryId: e.subject } }];
    default:
      return [];
  }
}

/** Reads the store's side again (the order), runs the match, and answers with the exception as it now stands. */
export async function refetchException(settle: Settle, merchantId: string, id: number): Promise<{ exception: ReconciliationException; match: MatchOutcome }> {
  const exception = await mustFind(settle.db, merchantId, id);
  const payment = exception.paymentId ? await findPayment(settle.db, merchantId, exception.paymentId) : undefined;
  const platform = (payment ? storeOrderOf(payment)?.platform : null) ?? (exception.details.platform as 'woocommerce' | 'shopify' | null);
  const orderId = payment?.orderId ?? (exception.details.orderId as string | null);
  if (platform && orderId) await readBackStoreOrder(settle.db, merchantId, await settle.platforms.storeFor(merchantId, platform), orderId);
  await audit(settle.db, merchantId, { exceptionId: id, actor: 'merchant', action: 'refetched', detail: orderId ? `re-read order ${exception.orderNumber ?? orderId} from the store` : 're-ran the match' });
  const match = await runThreeWayMatch(settle.db, merchantId);
  return { exception: await mustFind(settle.db, merchantId, id), match };
}
