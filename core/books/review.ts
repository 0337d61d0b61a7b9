import type { Queryable } from '../storage/database';
import { SettleError } from '../errors';

/**
 * The books refused a document for a reason a person must fix (an item deleted there, a missing
 * field, one of the books' rules). `message` is the explanation the bookkeeper reads.
 */
export class BooksNeedsReview extends SettleError {
  constructor(
    explanation: string,
    readonly fault: { code: string; element?: string; detail: string },
  ) {
    super('books_needs_review', explanation, 422);
  }
}

/** Puts the refused part in the bookkeeper's review queue, once while it is open. */
export async function addReviewItem(
  db: Queryable, item: { merchantId: string; entryId: string; part: string; requestId: string }, refusal: BooksNeedsReview,
): Promise<void> {
  await db.query(
    `INSERT INTO books_review_items (merchant_id, entry_id, part, request_id, fault_code, fault_element, explanation, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (entry_id, part) WHERE resolved_at IS NULL DO NOTHING`,
    [item.merchantId, item.entryId, item.part, item.requestId, refusal.fault.code, refusal.fault.element ?? null, refusal.message, refusal.fault.detail],
  );
}
