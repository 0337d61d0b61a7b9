import type { Queryable } from '../storage/database';
import { documentTotal, type BooksDocument } from './books';
import type { BooksNeedsReview } from './review';
import type { BooksAwaitingApproval } from './approval';

/** One part of a ledger entry still to post (a receipt, its fee, …), under its own request id. */
export interface PartToPost {
  entryId: string;
  part: string;
  requestId: string;
  document: BooksDocument;
}

/** An entry's parts that may post now, and why any other part waits (for approval, or a person's fix). */
export interface EntryParts {
  parts: PartToPost[];
  held?: BooksNeedsReview | BooksAwaitingApproval;
}

/** Settle's record of a posted part: the books' document id and version, and the amount posted. */
export async function recordPosted(
  db: Queryable, merchantId: string, part: PartToPost, result: { documentType: string; documentId: string; syncToken?: string },
): Promise<void> {
  const { amount, currency } = documentTotal(part.document);
  await db.query(
    `INSERT INTO books_documents (merchant_id, entry_id, part, request_id, document_type, document_id, amount, currency, sync_token)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (entry_id, part) DO NOTHING`,
    [merchantId, part.entryId, part.part, part.requestId, result.documentType, result.documentId, amount, currency, result.syncToken ?? null],
  );
}
