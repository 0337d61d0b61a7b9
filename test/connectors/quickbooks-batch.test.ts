/**
 * Ledger entries go to QuickBooks in batch requests of up to 30 documents, exactly once: Settle's
 * posting (core) and QuickBooks connector against the QuickBooks sandbox, on PostgreSQL. A worker that
 * dies after QuickBooks created a batch's documents, before Settle recorded them, sends the same batch
 * again; QuickBooks answers with what it created, so the books hold each document once. One refused
 * document goes to the review queue while the rest of its batch posts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickBooksSandbox, type QuickBooksSandbox } from '../sandbox/quickbooks';
import { connect, type Connected } from '../sandbox/quickbooks/helpers';
import { DATABASES } from '../support/databases';
import type { Database } from '../../core/storage/database';
import type { Settle } from '../../core/ports';
import type { Books } from '../../core/books/books';
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
  db = await DATABASES[0]!.open();
});
afterAll(async () => {
  await db?.close();
  await sandbox?.close();
});

type Posting = [role: string, amount: number];
async function entry(merchantId: string, id: string, kind: string, postings: Posting[]): Promise<string> {
  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO ledger_entries (id, merchant_id, kind, source_ref, description, occurred_at) VALUES ($1, $2, $3, $4, $5, now())`,
      [id, merchantId, kind, `stripe:${id}`, `${kind} ${id}`]);
    // One statement: the ledger checks an entry balances when its postings are written.
    const rows = postings.map((_, i) => `($1, ${i + 1}, $${2 * i + 2}, $${2 * i + 3}, 'USD')`).join(', ');
    await tx.query(`INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency) VALUES ${rows}`, [id, ...postings.flat()]);
    await addToOutbox(tx, { id: `books:${id}`, merchantId, topic: 'books.post_entry', payload: { entryId: id } });
  });
  return `books:${id}`;
}
const sale = (cents: number): Posting[] => [['stripe_clearing', cents - 30], ['processing_fees', 30], ['income', -cents]];

async function shop(name: string): Promise<{ merchantId: string; qb: Connected; books: QuickBooksBooks; settle: Settle; crashes: { next: number } }> {
  const merchantId = (await createMerchant(db, name)).merchant.id;
  const qb = await connect(sandbox);
  const books = new QuickBooksBooks(qb.qbo, new BooksMapping(db, merchantId));
  const crashes = { next: 0 };
  // The worker dies after QuickBooks answered the batch, before Settle's commit.
  const dying: Books = Object.assign(Object.create(books) as QuickBooksBooks, {
    postBatch: async (...args: Parameters<QuickBooksBooks['postBatch']>) => {
      const answer = await books.postBatch(...args);
      if (crashes.next > 0) {
        crashes.next--;
        throw new Error('worker killed (SIGKILL) before recording the batch');
      }
      return answer;
    },
  });
  const settle = { db, platforms: { booksFor: async () => dying } } as unknown as Settle;
  return { merchantId, qb, books, settle, crashes };
}

const inBooks = async (qb: Connected) => (await sandbox.documents(qb.company.realm_id)).documents;

describe('QuickBooks batch posting', { timeout: 180_000 }, () => {
  it('a batch answered but not recorded is sent again: every entry has its documents once', async () => {
    const { merchantId, qb, settle, crashes } = await shop('Batch Crash Shop');
    const outbox: string[] = [];
    for (let i = 0; i < 20; i++) outbox.push(await entry(merchantId, `le_bs${i}`, 'sale', sale(1000 + i)));
    for (let i = 0; i < 3; i++) outbox.push(await entry(merchantId, `le_bp${i}`, 'payout', [['bank', 5000 + i], ['stripe_clearing', -(5000 + i)]]));

    crashes.next = 1;
    await expect(postEntryToBooks(settle, outbox[0]!)).rejects.toThrow(/worker killed/);
    // QuickBooks made a full batch (15 sales: a receipt and a fee each); Settle recorded none of it.
    const created = await inBooks(qb);
    expect({ receipts: created.SalesReceipt?.length, fees: created.Purchase?.length }).toEqual({ receipts: 15, fees: 15 });
    expect(await db.query('SELECT 1 FROM books_documents WHERE merchant_id = $1', [merchantId])).toEqual([]);

    // The job's retry sends the same batch under the same requestid: QuickBooks answers with the
    // documents it made the first time, and Settle records those; then the job posts the waiting rest.
    await postEntryToBooks(settle, outbox[0]!);
    const after = await inBooks(qb);
    expect({ receipts: after.SalesReceipt?.length, fees: after.Purchase?.length, transfers: after.Transfer?.length }).toEqual({ receipts: 20, fees: 20, transfers: 3 });
    const firstTime = new Set((created.SalesReceipt ?? []).map((d) => String(d.Id)));
    const recordedFirst = await db.query<{ document_id: string }>(
      `SELECT document_id FROM books_documents WHERE merchant_id = $1 AND part = 'receipt' AND entry_id = ANY($2)`,
      [merchantId, Array.from({ length: 15 }, (_, i) => `le_bs${i}`)]);
    expect(recordedFirst.map((r) => firstTime.has(r.document_id))).toEqual(Array(15).fill(true));
    const batches = await db.query<{ sends: number; items: string }>(
      `SELECT b.sends, (SELECT count(*) FROM books_batch_items i WHERE i.batch_id = b.id) AS items FROM books_batches b WHERE b.merchant_id = $1 ORDER BY b.created_at`, [merchantId]);
    expect(batches.map((b) => ({ sends: b.sends, items: Number(b.items) }))).toEqual([{ sends: 2, items: 30 }, { sends: 1, items: 13 }]);
    // The batch's other entries were completed by it: their jobs find them done.
    expect(await postEntryToBooks(settle, outbox[1]!)).toBe('already done');

    for (const id of outbox) await postEntryToBooks(settle, id);
    const books = await inBooks(qb);
    expect({ receipts: books.SalesReceipt?.length, fees: books.Purchase?.length, transfers: books.Transfer?.length }).toEqual({ receipts: 20, fees: 20, transfers: 3 });
    const rows = await db.query<{ entry_id: string; part: string; document_type: string; document_id: string }>(
      'SELECT entry_id, part, document_type, document_id FROM books_documents WHERE merchant_id = $1', [merchantId]);
    expect(rows).toHaveLength(43);
    // Settle's record names each QuickBooks document once, and the document is the entry's.
    const byDocument = new Map(Object.entries(books).flatMap(([type, docs]) => docs.map((d) => [`${type}/${String(d.Id)}`, d])));
    for (const r of rows) expect(String(byDocument.get(`${r.document_type}/${r.document_id}`)?.PrivateNote)).toContain(r.entry_id);
    expect(new Set(rows.map((r) => `${r.document_type}/${r.document_id}`)).size).toBe(43);
    expect(await db.query('SELECT id FROM outbox WHERE merchant_id = $1 AND done_at IS NULL', [merchantId])).toEqual([]);
    expect(await sandbox.contractViolations()).toEqual([]);
  });

  it('one refused document goes to the review queue; the rest of its batch posts', async () => {
    const { merchantId, qb, settle } = await shop('Batch Review Shop');
    // The bookkeeper mapped dispute losses to an account QuickBooks no longer has.
    await new BooksMapping(db, merchantId).set('account:dispute_losses', '9999');
    const sales = [await entry(merchantId, 'le_rs1', 'sale', sale(2000)), await entry(merchantId, 'le_rs2', 'sale', sale(3000))];
    const dispute = await entry(merchantId, 'le_rd1', 'dispute', [['dispute_losses', 2000], ['stripe_clearing', -2000]]);

    await postEntryToBooks(settle, sales[0]!);
    const review = await db.query<{ entry_id: string; fault_code: string; explanation: string }>(
      'SELECT entry_id, fault_code, explanation FROM books_review_items WHERE merchant_id = $1 AND resolved_at IS NULL', [merchantId]);
    expect(review).toEqual([{
      entry_id: 'le_rd1', fault_code: '2500',
      explanation: 'The account 9999 used on the journal entry is not in QuickBooks (deleted or never created there): map it in Settle or create it in QuickBooks.',
    }]);
    const books = await inBooks(qb);
    expect({ receipts: books.SalesReceipt?.length, fees: books.Purchase?.length, journals: books.JournalEntry?.length ?? 0 }).toEqual({ receipts: 2, fees: 2, journals: 0 });
    // The refused entry's own job reports it for review, as a single post would; it stays pending.
    await expect(postEntryToBooks(settle, dispute)).rejects.toBeInstanceOf(BooksNeedsReview);
    expect(await postEntryToBooks(settle, sales[1]!)).toBe('already done');
    const pending = await db.query<{ id: string }>('SELECT id FROM outbox WHERE merchant_id = $1 AND done_at IS NULL', [merchantId]);
    expect(pending).toEqual([{ id: dispute }]);
  });
});
