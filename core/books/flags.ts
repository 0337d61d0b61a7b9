import type { Queryable } from '../storage/database';

/** What someone did in the books to a document Settle posted. */
export type BooksChange = 'edited' | 'deleted' | 'voided';

/**
 * A change made in the books (QuickBooks) to a document Settle posted, seen by a webhook or by the
 * catch-up. `changeKey` names the change itself (the document's version, or "deleted"), so the two
 * finding the same change record it once.
 */
export interface ChangeSeen {
  merchantId: string;
  documentType: string;
  documentId: string;
  change: BooksChange;
  changeKey: string;
  /** What the books show now, in minor units of the posted currency; null when gone or unknown. */
  currentAmount: number | null;
  foundBy: 'webhook' | 'catch_up';
}

export interface PostedBooksDocument {
  entryId: string;
  amount: number;
  currency: string;
}

/**
 * The document Settle posted under this type and id, if it is one of Settle's and still in the books
 * (one Settle took back itself is not the bookkeeper's change to flag).
 */
export async function findPostedDocument(db: Queryable, merchantId: string, documentType: string, documentId: string): Promise<PostedBooksDocument | undefined> {
  const rows = await db.query<{ entry_id: string; amount: string; currency: string }>(
    'SELECT entry_id, amount, currency FROM books_documents WHERE merchant_id = $1 AND document_type = $2 AND document_id = $3 AND undone_at IS NULL LIMIT 1',
    [merchantId, documentType, documentId],
  );
  const r = rows[0];
  return r && { entryId: r.entry_id, amount: Number(r.amount), currency: r.currency };
}

/**
 * Flags the change for the bookkeeper. Settle never writes over it: the bookkeeper decides. Returns
 * false when this change was already flagged.
 */
export async function flagBooksChange(db: Queryable, posted: PostedBooksDocument, seen: ChangeSeen): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO books_flags (merchant_id, entry_id, document_type, document_id, change, change_key, posted_amount, current_amount, currency, found_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (merchant_id, document_type, document_id, change_key) DO NOTHING RETURNING id`,
    [seen.merchantId, posted.entryId, seen.documentType, seen.documentId, seen.change, seen.changeKey, posted.amount, seen.currentAmount, posted.currency, seen.foundBy],
  );
  return rows.length > 0;
}

export interface BooksFlag {
  id: number;
  entryId: string;
  entryDescription: string;
  documentType: string;
  documentId: string;
  change: BooksChange;
  postedAmount: { amount: number; currency: string };
  currentAmount: { amount: number; currency: string } | null;
  foundBy: 'webhook' | 'catch_up';
  foundAt: Date;
}

/** The merchant's open flags, newest first. */
export async function openBooksFlags(db: Queryable, merchantId: string, limit = 200): Promise<BooksFlag[]> {
  const rows = await db.query<{
    id: string; entry_id: string; description: string; document_type: string; document_id: string; change: BooksChange;
    posted_amount: string; current_amount: string | null; currency: string; found_by: 'webhook' | 'catch_up'; found_at: Date;
  }>(
    `SELECT f.id, f.entry_id, e.description, f.document_type, f.document_id, f.change, f.posted_amount, f.current_amount, f.currency, f.found_by, f.found_at
       FROM books_flags f JOIN ledger_entries e ON e.id = f.entry_id
      WHERE f.merchant_id = $1 AND f.resolved_at IS NULL ORDER BY f.found_at DESC, f.id DESC LIMIT $2`,
    [merchantId, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id), entryId: r.entry_id, entryDescription: r.description, documentType: r.document_type, documentId: r.document_id, change: r.change,
    postedAmount: { amount: Number(r.posted_amount), currency: r.currency },
    currentAmount: r.current_amount === null ? null : { amount: Number(r.current_amount), currency: r.currency },
    foundBy: r.found_by, foundAt: r.found_at,
  }));
}
