/**
 * A document QuickBooks refuses for a reason a person must fix lands in the bookkeeper's review
 * queue with an explanation in plain words, while the entry's other parts still post. Settle's
 * posting (core) and QuickBooks connector against the QuickBooks sandbox, on the embedded database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickBooksSandbox, type QuickBooksSandbox } from '../sandbox/quickbooks';
import { connect } from '../sandbox/quickbooks/helpers';
import { DATABASES } from '../support/databases';
import type { Database } from '../../core/storage/database';
import type { Settle } from '../../core/ports';
import { createMerchant } from '../../core/merchants/merchants';
import { addToOutbox } from '../../core/outbox/outbox';
import { postEntryToBooks } from '../../core/books/post-entry';
import { BooksMapping } from '../../core/books/mapping';
import { BooksNeedsReview } from '../../core/books/review';
import { QuickBooksBooks } from '../../connectors/quickbooks/books';

let sandbox: QuickBooksSandbox;
let db: Database;
beforeAll(async () => {
  sandbox = await startQuickBooksSandbox({ port: 0 });
  db = await (DATABASES.find((d) => d.name === 'pglite') ?? DATABASES[0])!.open();
});
afterAll(async () => {
  await db?.close();
  await sandbox?.close();
});

describe('QuickBooks refusals go to the review queue', () => {
  it('an item deleted in QuickBooks: the receipt waits for review with what to do, the fee is posted once', async () => {
    const merchantId = (await createMerchant(db, 'Review Queue Shop')).merchant.id;
    const qb = await connect(sandbox);
    const mapping = new BooksMapping(db, merchantId);
    // The bookkeeper mapped Settle's sales to an item QuickBooks no longer has.
    await mapping.set('item:income', '9999');
    const settle = { db, platforms: { booksFor: async () => new QuickBooksBooks(qb.qbo, mapping) } } as unknown as Settle;

    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ledger_entries (id, merchant_id, kind, source_ref, description, occurred_at) VALUES ('le_rev', $1, 'sale', 'stripe:ch_rev', 'Card sale', now())`, [merchantId]);
      await tx.query(`INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency) VALUES
        ('le_rev', 1, 'stripe_clearing', 9680, 'USD'), ('le_rev', 2, 'processing_fees', 320, 'USD'), ('le_rev', 3, 'income', -10000, 'USD')`);
      await addToOutbox(tx, { id: 'books:le_rev', merchantId, topic: 'books.post_entry', payload: { entryId: 'le_rev' } });
    });

    await expect(postEntryToBooks(settle, 'books:le_rev')).rejects.toBeInstanceOf(BooksNeedsReview);
    await expect(postEntryToBooks(settle, 'books:le_rev')).rejects.toBeInstanceOf(BooksNeedsReview);

    const review = await db.query<{ part: string; fault_code: string; explanation: string }>(
      'SELECT part, fault_code, explanation FROM books_review_items WHERE merchant_id = $1 AND resolved_at IS NULL', [merchantId]);
    expect(review).toEqual([{
      part: 'receipt', fault_code: '2500',
      explanation: 'The item 9999 used on the sales receipt is not in QuickBooks (deleted or never created there): map it in Settle or create it in QuickBooks.',
    }]);
    const posted = await db.query<{ part: string; sync_token: string }>('SELECT part, sync_token FROM books_documents WHERE entry_id = $1', ['le_rev']);
    expect(posted).toEqual([{ part: 'fee', sync_token: '0' }]);
    const books = (await (await fetch(`${sandbox.url}/_sandbox/companies/${qb.company.realm_id}/documents`)).json()).documents;
    expect({ receipts: books.SalesReceipt.length, expenses: books.Purchase.length }).toEqual({ receipts: 0, expenses: 1 });
    // Not done: resolving the review item posts the entry again.
    expect((await db.query<{ done_at: Date | null }>('SELECT done_at FROM outbox WHERE id = $1', ['books:le_rev']))[0]?.done_at).toBeNull();
  });
});
