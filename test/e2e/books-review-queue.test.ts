/**
 * The bookkeeper's review queue end to end over HTTP: a rule "under $50" lets a $20 sale post by
 * itself while a $100 sale waits with a preview that creates nothing in QuickBooks; approving posts
 * one sales receipt, rejecting posts none; undo voids or deletes the document in QuickBooks (a stale
 * SyncToken after the bookkeeper's own edit is read again and retried), is recorded, and the part
 * can be posted again. Settle's server and worker on PostgreSQL, against the sandboxes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../connectors/database/open';
import type { Database } from '../../core/storage/database';
import { TEST_DATABASE_URL } from '../support/databases';
import { eventually } from '../support/settle-process';
import { startSettleStack, type SettleStack } from '../support/stack';
import { readBooks, signUpAndConnect, type ConnectedMerchant } from '../support/journey';
import { api, editInQuickBooks, saleOf, salesReceipts } from '../support/books-review';

interface Waiting { id: string; entryId: string; kind: string; amount: { amount: number; currency: string }; amountFormatted: string; reason: string }
interface Review { waiting: Waiting[]; refused: { id: string }[]; rules: { everything: boolean } }
interface LogRow {
  id: string; documentType: string; documentId: string; amount: { amount: number }; entryId: string; paymentId: string | null;
  status: 'posted' | 'undone'; canPostAgain: boolean; undone: { by: string; operation: string } | null; link: string | null;
}
interface Log { documents: LogRow[]; total: number; page: number; perPage: number }

describe('the bookkeeper\'s review queue', { timeout: 240_000 }, () => {
  let stack: SettleStack;
  let db: Database;
  let m: ConnectedMerchant;
  const call = <T = Record<string, unknown>>(path: string, init?: { method?: string; body?: unknown }) => api<T>(stack.settleUrl, m.apiKey, path, init);
  const review = async () => (await call<Review>('/api/books/review')).body;
  const log = async (query = '') => (await call<Log>(`/api/books/log${query}`)).body;

  beforeAll(async () => {
    stack = await startSettleStack({ env: { QUICKBOOKS_APP_URL: 'https://app.sandbox.qbo.intuit.com/app/' } });
    db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema: stack.env.DATABASE_SCHEMA });
    m = await signUpAndConnect(stack.settleUrl, stack.sandboxes, 'Reviewed Books Shop');
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await stack?.stop();
  });

  it('everything posts by itself until the merchant sets rules; bad rules are refused and change nothing', async () => {
    expect((await call('/api/books/rules')).body).toEqual({ rules: { everything: true, under: null, knownCustomers: false, kinds: [], underFormatted: null } });
    const bad = await call('/api/books/rules', { method: 'PUT', body: { everything: false, under: { amount: 12.5, currency: 'USD' }, knownCustomers: false, kinds: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid_request' } });
    expect((await call<{ rules: { everything: boolean } }>('/api/books/rules')).body.rules.everything).toBe(true);

    const set = await call('/api/books/rules', { method: 'PUT', body: { everything: false, under: { amount: 5000, currency: 'usd' }, knownCustomers: false, kinds: [] } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ rules: { everything: false, under: { amount: 5000, currency: 'USD' }, knownCustomers: false, kinds: [], underFormatted: '$50.00' } });
  });

  let waiting: Waiting;
  it('a $100 sale waits with a preview that creates nothing; a $20 sale posts by itself', async () => {
    await saleOf(stack.settleUrl, m, '100.00');
    waiting = (await eventually(review, (r) => r.waiting.length === 1, 60_000)).waiting[0]!;
    expect(waiting).toMatchObject({ kind: 'sale_receipt', amount: { amount: 10000, currency: 'USD' }, amountFormatted: '$100.00' });
    expect(waiting.reason).toBe('sales are not approved automatically; 100.00 USD is not under 50.00 USD');
    // The sale's fee ($3.20) is under $50: it posted.
    await eventually(() => readBooks(stack.sandboxes, m.realmId), (b) => (b.documents.Purchase ?? []).length === 1, 30_000);
    expect(await salesReceipts(stack.sandboxes, m.realmId)).toEqual([]);

    const before = await readBooks(stack.sandboxes, m.realmId);
    const { status, body } = await call<{ preview: { documentType: string; body: Record<string, unknown>; wouldCreate: string[] } }>(`/api/books/review/${waiting.id}/preview`);
    expect(status).toBe(200);
    expect(body.preview.documentType).toBe('SalesReceipt');
    expect(body.preview.wouldCreate).toEqual(['(new) Ada Shopper', '(new) Sales income (Settle)']);
    expect(body.preview.body).toMatchObject({
      CustomerRef: { value: '(new) Ada Shopper', name: '(new) Ada Shopper' },
      DepositToAccountRef: { name: 'Stripe clearing' },
      Line: [{ Amount: 100, SalesItemLineDetail: { ItemRef: { name: '(new) Sales income (Settle)' } } }],
    });
    const after = await readBooks(stack.sandboxes, m.realmId);
    for (const entity of ['Customer', 'Item', 'Account', 'SalesReceipt']) expect(after.documents[entity]?.length, entity).toBe(before.documents[entity]?.length);

    await saleOf(stack.settleUrl, m, '20.00');
    const receipts = await eventually(() => salesReceipts(stack.sandboxes, m.realmId), (r) => r.length === 1, 60_000);
    expect(receipts.map((r) => r.TotalAmt)).toEqual([20]);
    expect((await review()).waiting.map((w) => w.id)).toEqual([waiting.id]);
  });

  it('approve: the waiting sale posts as one sales receipt; deciding twice is refused', async () => {
    const approved = await call(`/api/books/review/${waiting.id}/approve`, { body: { by: 'Bea Bookkeeper' } });
    expect(approved).toEqual({ status: 200, body: { id: waiting.id, status: 'approved' } });
    const receipts = await eventually(() => salesReceipts(stack.sandboxes, m.realmId), (r) => r.length === 2, 60_000);
    expect(receipts.map((r) => r.TotalAmt).sort((a, b) => a - b)).toEqual([20, 100]);
    expect((await review()).waiting).toEqual([]);
    const [decided] = await db.query<{ status: string; decided_by: string }>('SELECT status, decided_by FROM books_approvals WHERE entry_id = $1', [waiting.entryId]);
    expect(decided).toEqual({ status: 'approved', decided_by: 'Bea Bookkeeper' });

    const again = await call(`/api/books/review/${waiting.id}/approve`, { body: {} });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'approval_already_decided' } });
    expect((await call('/api/books/review/approval-999999/approve', { body: {} })).body).toMatchObject({ error: { code: 'approval_not_found' } });
    expect((await call('/api/books/review/nonsense/approve', { body: {} })).status).toBe(404);
  });

  it('reject: the sale is never posted, who and why are recorded, and its books work is closed', async () => {
    await saleOf(stack.settleUrl, m, '75.00');
    const item = (await eventually(review, (r) => r.waiting.length === 1, 60_000)).waiting[0]!;
    const rejected = await call(`/api/books/review/${item.id}/reject`, { body: { by: 'Bea Bookkeeper', note: 'Test order, refunded in cash' } });
    expect(rejected).toEqual({ status: 200, body: { id: item.id, status: 'rejected' } });
    const outbox = await eventually(
      () => db.query<{ done_at: Date | null }>(`SELECT done_at FROM outbox WHERE topic = 'books.post_entry' AND payload->>'entryId' = $1`, [item.entryId]),
      (rows) => rows[0]?.done_at != null, 60_000,
    );
    expect(outbox).toHaveLength(1);
    expect((await salesReceipts(stack.sandboxes, m.realmId)).map((r) => r.TotalAmt).sort((a, b) => a - b)).toEqual([20, 100]);
    const [row] = await db.query('SELECT status, decided_by, note FROM books_approvals WHERE entry_id = $1', [item.entryId]);
    expect(row).toEqual({ status: 'rejected', decided_by: 'Bea Bookkeeper', note: 'Test order, refunded in cash' });
  });

  it('the sync log lists every posted document with where it came from and a link into QuickBooks, filtered and paginated', async () => {
    const all = await log();
    // Two receipts and three fees ($100, $20, $75 sales).
    expect(all.total).toBe(5);
    expect(all.documents.map((d) => d.documentType).sort()).toEqual(['Purchase', 'Purchase', 'Purchase', 'SalesReceipt', 'SalesReceipt']);
    const receipt = all.documents.find((d) => d.documentType === 'SalesReceipt' && d.amount.amount === 10000)!;
    expect(receipt).toMatchObject({ entryId: waiting.entryId, status: 'posted', undone: null, link: `https://app.sandbox.qbo.intuit.com/app/salesreceipt?txnId=${receipt.documentId}` });
    expect(receipt.paymentId).toMatch(/^pay_/);
    const page2 = await log('?perPage=2&page=2');
    expect({ total: page2.total, count: page2.documents.length }).toEqual({ total: 5, count: 2 });
    expect(page2.documents.map((d) => d.id)).toEqual(all.documents.slice(2, 4).map((d) => d.id));
    expect((await call('/api/books/log?perPage=1000')).status).toBe(400);
  });

  it('undo voids the sales receipt in QuickBooks, records who and when, leaves the ledger, and the sale can be posted again', async () => {
    const postings = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_postings')).at(0)?.n;
    const ledgerBefore = await postings();
    const receipt = (await log()).documents.find((d) => d.documentType === 'SalesReceipt' && d.amount.amount === 10000)!;
    const undone = await call<{ document: LogRow }>(`/api/books/documents/${receipt.id}/undo`, { body: { by: 'Bea Bookkeeper' } });
    expect(undone.status).toBe(200);
    expect(undone.body.document).toMatchObject({ id: receipt.id, status: 'undone', undone: { by: 'Bea Bookkeeper', operation: 'voided' } });
    const inQuickBooks = (await salesReceipts(stack.sandboxes, m.realmId)).find((r) => r.Id === receipt.documentId)!;
    expect(inQuickBooks).toMatchObject({ TotalAmt: 0, PrivateNote: expect.stringMatching(/^Voided/) });
    expect(await postings()).toBe(ledgerBefore);
    expect((await call(`/api/books/documents/${receipt.id}/undo`, { body: {} })).body).toMatchObject({ error: { code: 'document_already_undone' } });
    expect((await log('?status=undone')).documents.map((d) => ({ id: d.id, canPostAgain: d.canPostAgain }))).toEqual([{ id: receipt.id, canPostAgain: true }]);

    const again = await call(`/api/books/documents/${receipt.id}/post-again`, { body: {} });
    expect(again).toEqual({ status: 200, body: { id: receipt.id, status: 'posting_again' } });
    const receipts = await eventually(() => salesReceipts(stack.sandboxes, m.realmId), (r) => r.length === 3, 60_000);
    expect(receipts.map((r) => r.TotalAmt).sort((a, b) => a - b)).toEqual([0, 20, 100]);
    const entryDocs = (await log()).documents.filter((d) => d.entryId === receipt.entryId && d.documentType === 'SalesReceipt');
    expect(entryDocs.map((d) => d.status).sort()).toEqual(['posted', 'undone']);
    expect(entryDocs.find((d) => d.status === 'posted')!.id).toBe(`${receipt.entryId}.receipt.again1`);
    expect(entryDocs.find((d) => d.status === 'undone')!.canPostAgain).toBe(false);
    expect((await call(`/api/books/documents/${receipt.id}/post-again`, { body: {} })).body).toMatchObject({ error: { code: 'document_not_undone' } });
  });

  it('undo after the bookkeeper edited the document in QuickBooks: the stale SyncToken is read again and the undo retried once', async () => {
    const receipt = (await log('?status=posted')).documents.find((d) => d.documentType === 'SalesReceipt' && d.amount.amount === 2000)!;
    const current = (await salesReceipts(stack.sandboxes, m.realmId)).find((r) => r.Id === receipt.documentId)!;
    const edited = await editInQuickBooks(stack.sandboxes, m, 'SalesReceipt', current, 'Checked by Bea');
    expect(edited.SyncToken).not.toBe(current.SyncToken);
    const [known] = await db.query<{ sync_token: string }>('SELECT sync_token FROM books_documents WHERE request_id = $1', [receipt.id]);
    expect(known?.sync_token).toBe(current.SyncToken); // Settle's version is now stale

    const undone = await call<{ document: LogRow }>(`/api/books/documents/${receipt.id}/undo`, { body: {} });
    expect(undone.status).toBe(200);
    expect(undone.body.document).toMatchObject({ status: 'undone', undone: { by: 'API key', operation: 'voided' } });
    expect((await salesReceipts(stack.sandboxes, m.realmId)).find((r) => r.Id === receipt.documentId)).toMatchObject({ TotalAmt: 0, PrivateNote: 'Voided - Checked by Bea' });
  });

  it('undo of a fee deletes the expense (QuickBooks has no void for it)', async () => {
    const fee = (await log('?status=posted')).documents.find((d) => d.documentType === 'Purchase')!;
    const undone = await call<{ document: LogRow }>(`/api/books/documents/${fee.id}/undo`, { body: {} });
    expect(undone.body.document).toMatchObject({ status: 'undone', undone: { operation: 'deleted' } });
    const purchases = (await readBooks(stack.sandboxes, m.realmId)).documents.Purchase ?? [];
    expect(purchases.map((p) => p.Id)).not.toContain(fee.documentId);
  });

  it('a refusal: retry asks QuickBooks again (a new request id, or QuickBooks would repeat its refusal); fixing the mapping posts it', async () => {
    interface Refused { id: string; entryId: string; explanation: string; fix: { kind: string; refusedId: string; keys: string[] } | null }
    const refusals = async () => (await call<{ refused: Refused[] }>('/api/books/review')).body.refused;
    const item = ((await readBooks(stack.sandboxes, m.realmId)).documents.Item ?? []).find((i) => i.Name === 'Sales income (Settle)')!;
    // The bookkeeper once mapped Settle's sales to an item QuickBooks no longer has.
    await db.query(`UPDATE books_mapping SET external_id = '9999' WHERE merchant_id = $1 AND key = 'item:income'`, [m.merchantId]);
    await saleOf(stack.settleUrl, m, '30.00');
    const [refused] = await eventually(refusals, (r) => r.length === 1, 60_000);
    expect(refused!.fix).toEqual({ kind: 'item', refusedId: '9999', keys: ['item:income'] });
    expect((await call(`/api/books/review/${refused!.id}/approve`, { body: {} })).body).toMatchObject({ error: { code: 'not_waiting_for_approval' } });

    expect((await call(`/api/books/review/${refused!.id}/retry`, { body: {} })).body).toEqual({ id: refused!.id, status: 'retried' });
    const [again] = await eventually(refusals, (r) => r.length === 1 && r[0]!.id !== refused!.id, 60_000);
    const asked = await db.query<{ request_id: string }>('SELECT request_id FROM books_review_items WHERE entry_id = $1 ORDER BY id', [refused!.entryId]);
    expect(asked.map((r) => r.request_id)).toEqual([`${refused!.entryId}.receipt`, `${refused!.entryId}.receipt.again1`]);

    const wrong = await call(`/api/books/review/${again!.id}/mapping`, { method: 'PUT', body: { externalId: '424242' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ error: { code: 'unknown_books_reference' } });
    expect((await call(`/api/books/review/${again!.id}/mapping`, { method: 'PUT', body: {} })).status).toBe(400);
    const fixed = await call(`/api/books/review/${again!.id}/mapping`, { method: 'PUT', body: { externalId: item.Id, by: 'Bea Bookkeeper' } });
    expect(fixed.body).toEqual({ id: again!.id, status: 'mapping_fixed', keys: ['item:income'], externalId: item.Id });
    const receipt = await eventually(
      async () => (await salesReceipts(stack.sandboxes, m.realmId)).find((r) => r.TotalAmt === 30) as unknown as { Line: { SalesItemLineDetail?: { ItemRef: { value: string } } }[] } | undefined,
      (r) => r !== undefined, 60_000,
    );
    expect(receipt!.Line[0]?.SalesItemLineDetail?.ItemRef.value).toBe(item.Id);
    expect(await refusals()).toEqual([]);
  });

  it('undo of a document someone already deleted in QuickBooks records it as deleted', async () => {
    const row = (await log('?status=posted')).documents.find((d) => d.documentType === 'SalesReceipt' && d.amount.amount === 3000)!;
    const current = (await salesReceipts(stack.sandboxes, m.realmId)).find((r) => r.Id === row.documentId)!;
    const deleted = await fetch(`${stack.sandboxes.quickbooks.apiBaseUrl}${m.realmId}/salesreceipt?operation=delete&minorversion=75`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${m.quickBooksAccessToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ Id: current.Id, SyncToken: current.SyncToken }),
    });
    expect(deleted.status).toBe(200);
    const undone = await call<{ document: LogRow }>(`/api/books/documents/${row.id}/undo`, { body: {} });
    expect(undone.body.document).toMatchObject({ status: 'undone', undone: { operation: 'deleted' } });
  });

  it("another merchant cannot see or act on this merchant's queue, log or documents", async () => {
    const other = (await (await fetch(`${stack.settleUrl}/api/merchants`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Nosy Shop' }),
    })).json()) as { apiKey: string };
    const theirs = <T>(path: string, init?: { method?: string; body?: unknown }) => api<T>(stack.settleUrl, other.apiKey, path, init);
    const mine = (await log()).documents[0]!;
    expect((await theirs<Log>('/api/books/log')).body.total).toBe(0);
    expect((await theirs('/api/books/review')).body).toMatchObject({ waiting: [], refused: [] });
    expect((await theirs(`/api/books/documents/${mine.id}/undo`, { body: {} })).body).toMatchObject({ error: { code: 'document_not_found' } });
    expect((await theirs(`/api/books/review/${waiting.id}/approve`, { body: {} })).body).toMatchObject({ error: { code: 'approval_not_found' } });
  });
});
