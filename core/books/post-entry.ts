import type { Settle } from '../ports';
import { loadOutboxItem, markOutboxDone } from '../outbox/outbox';
import { loadEntry } from '../ledger/journal';
import { findPayment, storeOrderOf } from '../payments/payments';
import { documentsToPost } from './posting-mode';
import { documentTotal } from './books';
import { addReviewItem, BooksNeedsReview } from './review';
import { approvalGate, type BooksAwaitingApproval } from './approval';

/**
 * Posts a ledger entry to the merchant's books. Each part's request id derives from the entry, so
 * after a crash between the books' success and our commit, posting again returns the same document.
 */
export async function postEntryToBooks(settle: Settle, outboxId: string): Promise<string> {
  const item = await loadOutboxItem(settle.db, outboxId);
  if (!item || item.doneAt) return 'already done';
  const entryId = item.payload.entryId ?? '';
  const entry = await loadEntry(settle.db, item.merchantId, entryId);
  if (!entry) throw new Error(`ledger entry ${entryId} is missing`);

  const payment = entry.paymentId ? await findPayment(settle.db, item.merchantId, entry.paymentId) : undefined;
  // A subscription invoice has no store order: its sale is posted whole, as income.
  const storeOrder = payment && storeOrderOf(payment);
  const order = storeOrder ? await (await settle.platforms.storeFor(item.merchantId, storeOrder.platform)).getOrder(storeOrder.orderId) : undefined;
  const books = await settle.platforms.booksFor(item.merchantId);
  const posted = new Set(
    (await settle.db.query<{ part: string }>('SELECT part FROM books_documents WHERE entry_id = $1', [entry.id])).map((r) => r.part),
  );
  let refused: BooksNeedsReview | BooksAwaitingApproval | undefined;
  for (const { part, document } of await documentsToPost(settle, item.merchantId, entry, order)) {
    if (posted.has(part)) continue;
    // The bookkeeper's rules: the part posts now, waits for approval, or was rejected (never posted).
    const gate = await approvalGate(settle.db, { merchantId: item.merchantId, entryId: entry.id, part, document });
    if ('hold' in gate) { refused ??= gate.hold ?? undefined; continue; }
    const requestId = gate.requestId;
    let result;
    try {
      result = await books.post(document, requestId);
    } catch (error) {
      if (!(error instanceof BooksNeedsReview)) throw error;
      // The other parts still post; this one waits in the bookkeeper's review queue.
      await addReviewItem(settle.db, { merchantId: item.merchantId, entryId: entry.id, part, requestId }, error);
      refused ??= error;
      continue;
    }
    const { amount, currency } = documentTotal(document);
    await settle.db.query(
      `INSERT INTO books_documents (merchant_id, entry_id, part, request_id, document_type, document_id, amount, currency, sync_token)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (entry_id, part) DO NOTHING`,
      [item.merchantId, entry.id, part, requestId, result.documentType, result.documentId, amount, currency, result.syncToken ?? null],
    );
  }
  // Left pending (not retried blindly): resolving the review item posts the entry again.
  if (refused) throw refused;
  await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
  return `entry ${entry.id} posted to the books`;
}
