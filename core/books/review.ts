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

/** What QuickBooks refused and what the bookkeeper can fix: the mapping keys that point at the refused id. */
export interface ReviewItem {
  id: number;
  entryId: string;
  entryDescription: string;
  part: string;
  faultCode: string;
  faultElement: string | null;
  explanation: string;
  detail: string;
  foundAt: Date;
  /** When the fault names a reference QuickBooks does not have: which kind, its id, and the mapping keys using it. */
  fix: { kind: 'account' | 'item' | 'customer'; refusedId: string; keys: string[] } | null;
}

/** The reference kind a fault's element names (Line[0].SalesItemLineDetail.ItemRef → item). */
function referenceKind(element: string | null): 'account' | 'item' | 'customer' | undefined {
  if (!element) return undefined;
  if (/ItemRef/i.test(element)) return 'item';
  if (/AccountRef/i.test(element)) return 'account';
  if (/CustomerRef/i.test(element)) return 'customer';
  return undefined;
}

/** The merchant's open refusals, oldest first, each with the mapping that can fix it when there is one. */
export async function openReviewItems(db: Queryable, merchantId: string, limit = 200): Promise<ReviewItem[]> {
  const rows = await db.query<{
    id: string; entry_id: string; description: string; part: string; fault_code: string; fault_element: string | null;
    explanation: string; detail: string; found_at: Date;
  }>(
    `SELECT r.id, r.entry_id, e.description, r.part, r.fault_code, r.fault_element, r.explanation, r.detail, r.found_at
       FROM books_review_items r JOIN ledger_entries e ON e.id = r.entry_id
      WHERE r.merchant_id = $1 AND r.resolved_at IS NULL ORDER BY r.found_at, r.id LIMIT $2`,
    [merchantId, limit],
  );
  const items: ReviewItem[] = [];
  for (const r of rows) {
    const kind = referenceKind(r.fault_element);
    // Intuit's 2500 detail ends with the id it could not find ("… assigned is not valid: 9999").
    const refusedId = /assigned is not valid:\s*(\S+)\s*$/.exec(r.detail)?.[1];
    let fix: ReviewItem['fix'] = null;
    if (kind && refusedId) {
      const keys = await db.query<{ key: string }>(
        `SELECT key FROM books_mapping WHERE merchant_id = $1 AND external_id = $2 AND key LIKE $3 ORDER BY key`, [merchantId, refusedId, `${kind}:%`],
      );
      fix = { kind, refusedId, keys: keys.map((k) => k.key) };
    }
    items.push({
      id: Number(r.id), entryId: r.entry_id, entryDescription: r.description, part: r.part, faultCode: r.fault_code, faultElement: r.fault_element,
      explanation: r.explanation, detail: r.detail, foundAt: r.found_at, fix,
    });
  }
  return items;
}

export async function findOpenReviewItem(db: Queryable, merchantId: string, id: number): Promise<ReviewItem> {
  const item = (await openReviewItems(db, merchantId, 1000)).find((i) => i.id === id);
  if (item) return item;
  const known = await db.query('SELECT 1 FROM books_review_items WHERE id = $1 AND merchant_id = $2', [id, merchantId]);
  if (known.length === 0) throw new SettleError('review_item_not_found', `There is no refused document ${id}.`, 404);
  throw new SettleError('review_item_resolved', 'This refused document was already dealt with.', 409);
}

/**
 * Closes a refusal: retried (the entry posts again), mapping fixed (the same, with the new mapping)
 * or dismissed with a note (Settle never posts that part; the bookkeeper handles it in QuickBooks).
 */
export async function resolveReviewItem(
  db: Queryable, merchantId: string, id: number, resolution: 'retried' | 'mapping_fixed' | 'dismissed', by: string, note: string | null,
): Promise<{ entryId: string }> {
  const rows = await db.query<{ entry_id: string }>(
    `UPDATE books_review_items SET resolved_at = now(), resolution = $3, resolved_by = $4, note = $5
      WHERE id = $1 AND merchant_id = $2 AND resolved_at IS NULL RETURNING entry_id`,
    [id, merchantId, resolution, by, note],
  );
  if (!rows[0]) await findOpenReviewItem(db, merchantId, id); // throws the right refusal
  return { entryId: rows[0]!.entry_id };
}
