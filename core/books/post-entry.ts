import type { Settle } from '../ports';
import { loadOutboxItem, markOutboxDone } from '../outbox/outbox';
import { loadEntry } from '../ledger/journal';
import { findPayment, storeOrderOf } from '../payments/payments';
import { documentsToPost } from './posting-mode';
import { addReviewItem, BooksNeedsReview } from './review';
import { approvalGate, type BooksAwaitingApproval } from './approval';
import { canBatch, postInBatches } from './post-batch';
import { recordPosted, type EntryParts } from './posted';

/**
 * Posts a ledger entry to the merchant's books. Each part's request id derives from the entry, so
 * after a crash between the books' success and our commit, posting again returns the same document.
 * Books that take batches (QuickBooks) get the entry in a batch with other entries waiting.
 */
export async function postEntryToBooks(settle: Settle, outboxId: string): Promise<string> {
  const item = await loadOutboxItem(settle.db, outboxId);
  if (!item || item.doneAt) return 'already done';
  const entryId = item.payload.entryId ?? '';
  const books = await settle.platforms.booksFor(item.merchantId);
  if (canBatch(books)) return postInBatches(settle, books, item, (id) => partsToPost(settle, item.merchantId, id));

  const { parts, held } = await partsToPost(settle, item.merchantId, entryId);
  let refused: BooksNeedsReview | BooksAwaitingApproval | undefined = held;
  for (const part of parts) {
    let result;
    try {
      result = await books.post(part.document, part.requestId);
    } catch (error) {
      if (!(error instanceof BooksNeedsReview)) throw error;
      // The other parts still post; this one waits in the bookkeeper's review queue.
      await addReviewItem(settle.db, { merchantId: item.merchantId, entryId, part: part.part, requestId: part.requestId }, error);
      refused ??= error;
      continue;
    }
    await recordPosted(settle.db, item.merchantId, part, result);
  }
  // Left pending (not retried blindly): approving or resolving the review item posts the entry again.
  if (refused) throw refused;
  await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
  return `entry ${entryId} posted to the books`;
}

/**
 * Which parts of the entry go to the books now: what it becomes there in the merchant's posting mode,
 * less what is already posted, less what the bookkeeper's rules hold for approval (or rejected).
 */
export async function partsToPost(settle: Settle, merchantId: string, entryId: string): Promise<EntryParts> {
  const entry = await loadEntry(settle.db, merchantId, entryId);
  if (!entry) throw new Error(`ledger entry ${entryId} is missing`);
  const payment = entry.paymentId ? await findPayment(settle.db, merchantId, entry.paymentId) : undefined;
  // A subscription invoice has no store order: its sale is posted whole, as income.
  const storeOrder = payment && storeOrderOf(payment);
  const order = storeOrder ? await (await settle.platforms.storeFor(merchantId, storeOrder.platform)).getOrder(storeOrder.orderId) : undefined;
  const posted = new Set(
    (await settle.db.query<{ part: string }>('SELECT part FROM books_documents WHERE entry_id = $1', [entry.id])).map((r) => r.part),
  );
  const result: EntryParts = { parts: [] };
  for (const { part, document } of await documentsToPost(settle, merchantId, entry, order)) {
    if (posted.has(part)) continue;
    // The bookkeeper's rules: the part posts now, waits for approval, or was rejected (never posted).
    const gate = await approvalGate(settle.db, { merchantId, entryId: entry.id, part, document });
    if ('hold' in gate) {
      result.held ??= gate.hold ?? undefined;
      continue;
    }
    result.parts.push({ entryId: entry.id, part, requestId: gate.requestId, document });
  }
  return result;
}
