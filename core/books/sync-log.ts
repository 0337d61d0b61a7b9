import type { Settle } from '../ports';
import type { Database, Queryable } from '../storage/database';
import { SettleError } from '../errors';
import type { Money } from '../money';

/**
 * The sync log: every document Settle posted to the merchant's books, where it came from (the ledger
 * entry and its payment), and what became of it (posted, or taken back by the bookkeeper).
 */
export type SyncStatus = 'posted' | 'undone';

export interface SyncLogRow {
  /** The part's request id: Settle's own name for the document, unique per attempt. */
  id: string;
  date: Date;
  documentType: string;
  documentId: string;
  amount: Money;
  entryId: string;
  entryKind: string;
  entryDescription: string;
  paymentId: string | null;
  status: SyncStatus;
  /** Undone and not yet posted again (the entry's part has no document in the books now). */
  canPostAgain: boolean;
  undone: { at: Date; by: string; operation: string } | null;
}

type Row = {
  request_id: string; posted_at: Date; document_type: string; document_id: string; amount: string; currency: string; entry_id: string;
  kind: string; description: string; payment_id: string | null; undone_at: Date | null; undone_by: string | null; undo_operation: string | null;
  posted_again: boolean;
};

/** Newest first, `perPage` at a time; `total` counts every row the filter keeps. */
export async function syncLog(
  db: Queryable, merchantId: string, options: { status?: SyncStatus; page: number; perPage: number },
): Promise<{ rows: SyncLogRow[]; total: number }> {
  const where = options.status === 'posted' ? 'WHERE l.undone_at IS NULL' : options.status === 'undone' ? 'WHERE l.undone_at IS NOT NULL' : '';
  const all = `
    SELECT d.request_id, d.posted_at, d.document_type, d.document_id, d.amount, d.currency, d.entry_id, d.undone_at, d.undone_by, d.undo_operation, false AS posted_again
      FROM books_documents d WHERE d.merchant_id = $1
    UNION ALL
    SELECT u.request_id, u.posted_at, u.document_type, u.document_id, u.amount, u.currency, u.entry_id, u.undone_at, u.undone_by, u.undo_operation, true AS posted_again
      FROM books_undone_documents u WHERE u.merchant_id = $1`;
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${all}) l ${where}`, [merchantId]);
  const rows = await db.query<Row>(
    `SELECT l.*, e.kind, e.description, e.payment_id FROM (${all}) l JOIN ledger_entries e ON e.id = l.entry_id ${where}
      ORDER BY l.posted_at DESC, l.request_id DESC LIMIT $2 OFFSET $3`,
    [merchantId, options.perPage, (options.page - 1) * options.perPage],
  );
  return { rows: rows.map(toRow), total: count?.n ?? 0 };
}

function toRow(r: Row): SyncLogRow {
  return {
    id: r.request_id, date: r.posted_at, documentType: r.document_type, documentId: r.document_id,
    amount: { amount: Number(r.amount), currency: r.currency }, entryId: r.entry_id, entryKind: r.kind, entryDescription: r.description,
    paymentId: r.payment_id, status: r.undone_at ? 'undone' : 'posted', canPostAgain: Boolean(r.undone_at) && !r.posted_again,
    undone: r.undone_at ? { at: r.undone_at, by: r.undone_by ?? '', operation: r.undo_operation ?? '' } : null,
  };
}

/**
 * Takes a posted document back in the books (void or delete, as they allow for its type) and records
 * who did it and when. The ledger is untouched: the sale still happened. Changes QuickBooks tells of
 * for this document from now on are Settle's own, so open flags on it are closed.
 */
export async function undoPostedDocument(settle: Settle, merchantId: string, requestId: string, by: string): Promise<SyncLogRow> {
  const [doc] = await settle.db.query<{ document_type: string; document_id: string; sync_token: string | null; undone_at: Date | null }>(
    'SELECT document_type, document_id, sync_token, undone_at FROM books_documents WHERE merchant_id = $1 AND request_id = $2',
    [merchantId, requestId],
  );
  if (!doc) throw new SettleError('document_not_found', 'Settle posted no such document for this shop.', 404);
  if (doc.undone_at) throw new SettleError('document_already_undone', 'This document was already taken back.', 409);
  const books = await settle.platforms.booksFor(merchantId);
  if (!books.undo) throw new SettleError('books_cannot_undo', 'The connected books cannot take documents back.', 409);
  const undone = await books.undo(doc.document_type, doc.document_id, doc.sync_token ?? undefined);
  await settle.db.transaction(async (tx) => {
    await tx.query(
      `UPDATE books_documents SET undone_at = now(), undone_by = $3, undo_operation = $4, sync_token = coalesce($5, sync_token)
        WHERE merchant_id = $1 AND request_id = $2 AND undone_at IS NULL`,
      [merchantId, requestId, by, undone.operation, undone.syncToken ?? null],
    );
    await tx.query(
      'UPDATE books_flags SET resolved_at = now() WHERE merchant_id = $1 AND document_type = $2 AND document_id = $3 AND resolved_at IS NULL',
      [merchantId, doc.document_type, doc.document_id],
    );
  });
  return (await findLogRow(settle.db, merchantId, requestId))!;
}

/**
 * Posts an undone document's part again (after the bookkeeper fixed what was wrong): the undone
 * document moves to the history, so the entry's books work posts the part anew, under a new request
 * id. Answers the entry whose books job must run.
 */
export async function postAgain(db: Database, merchantId: string, requestId: string): Promise<{ entryId: string }> {
  return db.transaction(async (tx) => {
    const moved = await tx.query<{ entry_id: string }>(
      `WITH gone AS (DELETE FROM books_documents WHERE merchant_id = $1 AND request_id = $2 AND undone_at IS NOT NULL RETURNING *)
       INSERT INTO books_undone_documents (merchant_id, entry_id, part, request_id, document_type, document_id, amount, currency, posted_at, undone_at, undone_by, undo_operation)
       SELECT merchant_id, entry_id, part, request_id, document_type, document_id, amount, currency, posted_at, undone_at, undone_by, undo_operation FROM gone
       RETURNING entry_id`,
      [merchantId, requestId],
    );
    if (moved[0]) return { entryId: moved[0].entry_id };
    const row = await findLogRow(tx, merchantId, requestId);
    if (!row) throw new SettleError('document_not_found', 'Settle posted no such document for this shop.', 404);
    throw new SettleError('document_not_undone', row.status === 'posted' ? 'This document is still in the books: undo it first.' : 'This document was already posted again.', 409);
  });
}

async function findLogRow(db: Queryable, merchantId: string, requestId: string): Promise<SyncLogRow | undefined> {
  const rows = await db.query<Row>(
    `SELECT l.*, e.kind, e.description, e.payment_id FROM (
       SELECT request_id, posted_at, document_type, document_id, amount, currency, entry_id, undone_at, undone_by, undo_operation, false AS posted_again
         FROM books_documents WHERE merchant_id = $1 AND request_id = $2
       UNION ALL
       SELECT request_id, posted_at, document_type, document_id, amount, currency, entry_id, undone_at, undone_by, undo_operation, true AS posted_again
         FROM books_undone_documents WHERE merchant_id = $1 AND request_id = $2) l JOIN ledger_entries e ON e.id = l.entry_id`,
    [merchantId, requestId],
  );
  return rows[0] && toRow(rows[0]);
}
