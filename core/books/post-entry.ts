import type { Settle } from '../ports';
import { loadOutboxItem, markOutboxDone } from '../outbox/outbox';
import { loadEntry } from '../ledger/journal';
import { findPayment, storePlatformOf } from '../payments/payments';
import { booksDocumentsFor } from './documents';
import { documentTotal } from './books';

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
  const platform = payment && storePlatformOf(payment);
  // A counter sale has no store order: its books documents are made from the ledger entry alone.
  const order = payment && platform ? await (await settle.platforms.storeFor(item.merchantId, platform)).getOrder(payment.orderId) : undefined;
  const books = await settle.platforms.booksFor(item.merchantId);
  const posted = new Set(
    (await settle.db.query<{ part: string }>('SELECT part FROM books_documents WHERE entry_id = $1', [entry.id])).map((r) => r.part),
  );
  for (const { part, document } of booksDocumentsFor(entry, order)) {
    if (posted.has(part)) continue;
    const requestId = `${entry.id}.${part}`;
    const result = await books.post(document, requestId);
    const { amount, currency } = documentTotal(document);
    await settle.db.query(
      `INSERT INTO books_documents (merchant_id, entry_id, part, request_id, document_type, document_id, amount, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (entry_id, part) DO NOTHING`,
      [item.merchantId, entry.id, part, requestId, result.documentType, result.documentId, amount, currency],
    );
  }
  await settle.db.transaction((tx) => markOutboxDone(tx, item.id));
  return `entry ${entry.id} posted to the books`;
}
