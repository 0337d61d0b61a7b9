/**
 * The approval gate's rules, on both databases: everything posts by itself by default; with the
 * rules the merchant chose, a part posts when any rule says so (kind, amount under, known customer)
 * and otherwise waits once, with why; a decision sticks (rejected or dismissed parts are never
 * posted); each decision to post a part anew names a new request id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases';
import type { Database } from '../../core/storage/database';
import { createMerchant } from '../../core/merchants/merchants';
import { approvalGate, decideApproval, loadApprovalRules, saveApprovalRules, waitingApprovals, BooksAwaitingApproval } from '../../core/books/approval';
import type { BooksDocument } from '../../core/books/books';
import { money } from '../../core/money';

const sale = (cents: number, email = 'ada@example.com'): BooksDocument => ({
  kind: 'sale_receipt', date: '2026-12-06', reference: 'ch_1', customer: { name: 'Ada Shopper', email },
  lines: [{ role: 'income', description: 'Sales income', amount: money(cents, 'USD') }], depositTo: 'stripe_clearing', memo: 'Sale',
});
const fee = (cents: number): BooksDocument => ({
  kind: 'expense', date: '2026-12-06', reference: 'ch_1', paidFrom: 'stripe_clearing', expense: 'processing_fees', amount: money(cents, 'USD'), memo: 'Fee',
});

describe.each(DATABASES)('approval rules on $name', ({ open }) => {
  let db: Database;
  let merchantId: string;
  let entry = 0;
  const newEntry = async () => {
    const id = `le_rules_${++entry}`;
    await db.query(`INSERT INTO ledger_entries (id, merchant_id, kind, source_ref, description, occurred_at) VALUES ($1, $2, 'sale', $3, 'Card sale', now())`, [id, merchantId, `stripe:ch_${entry}`]);
    return id;
  };
  const gate = (entryId: string, part: string, document: BooksDocument) => approvalGate(db, { merchantId, entryId, part, document });

  beforeAll(async () => {
    db = await open();
    merchantId = (await createMerchant(db, 'Rules Shop')).merchant.id;
  });
  afterAll(async () => db?.close());

  it('by default everything posts, under the request id derived from the entry and part', async () => {
    const id = await newEntry();
    expect(await loadApprovalRules(db, merchantId)).toEqual({ everything: true, under: null, knownCustomers: false, kinds: [] });
    expect(await gate(id, 'receipt', sale(1_000_000))).toEqual({ requestId: `${id}.receipt` });
  });

  it('with rules: a part posts when any rule approves it, otherwise it waits once with why', async () => {
    await saveApprovalRules(db, merchantId, { everything: false, under: money(5000, 'USD'), knownCustomers: true, kinds: ['expense'] });
    const id = await newEntry();
    expect(await gate(id, 'fee', fee(9_999_999))).toEqual({ requestId: `${id}.fee` }); // fees: by kind
    expect(await gate(id, 'small', sale(4999))).toEqual({ requestId: `${id}.small` }); // under $50
    const held = await gate(id, 'receipt', sale(5000));
    expect(held).toEqual({ hold: expect.any(BooksAwaitingApproval) });
    expect((held as { hold: Error }).hold.message).toBe(
      "Waiting for the bookkeeper's approval: sales are not approved automatically; 50.00 USD is not under 50.00 USD; Ada Shopper is a new customer",
    );
    // Asked again (the job ran again), it still waits, and is listed once.
    expect(await gate(id, 'receipt', sale(5000))).toEqual({ hold: expect.any(BooksAwaitingApproval) });
    const waiting = await waitingApprovals(db, merchantId);
    expect(waiting.map((w) => ({ entryId: w.entryId, part: w.part, amount: w.amount, document: w.document }))).toEqual([
      { entryId: id, part: 'receipt', amount: money(5000, 'USD'), document: sale(5000) },
    ]);
    // An amount in another currency is not "under $50".
    const euro = { ...sale(100), lines: [{ role: 'income' as const, description: 'Sales income', amount: money(100, 'EUR') }] };
    expect(await gate(await newEntry(), 'receipt', euro)).toEqual({ hold: expect.any(BooksAwaitingApproval) });
    // A customer Settle has posted for before is known.
    await db.query(`INSERT INTO books_mapping (merchant_id, key, external_id) VALUES ($1, 'customer:ada@example.com', '58')`, [merchantId]);
    expect(await gate(await newEntry(), 'receipt', sale(900_000))).toEqual({ requestId: expect.stringMatching(/\.receipt$/) });
    expect(await gate(await newEntry(), 'receipt', sale(900_000, 'bob@example.com'))).toEqual({ hold: expect.any(BooksAwaitingApproval) });
  });

  it('a decision sticks: approved posts, rejected and dismissed never do; a new attempt gets a new request id', async () => {
    await saveApprovalRules(db, merchantId, { everything: false, under: null, knownCustomers: false, kinds: [] });
    const approvedEntry = await newEntry();
    const rejectedEntry = await newEntry();
    await gate(approvedEntry, 'receipt', sale(100));
    await gate(rejectedEntry, 'receipt', sale(100));
    const ids = Object.fromEntries((await waitingApprovals(db, merchantId)).map((w) => [w.entryId, w.id]));
    await decideApproval(db, merchantId, ids[approvedEntry]!, 'approved', 'Bea', null);
    await decideApproval(db, merchantId, ids[rejectedEntry]!, 'rejected', 'Bea', 'test order');
    expect(await gate(approvedEntry, 'receipt', sale(100))).toEqual({ requestId: `${approvedEntry}.receipt` });
    expect(await gate(rejectedEntry, 'receipt', sale(100))).toEqual({ hold: null });
    await expect(decideApproval(db, merchantId, ids[rejectedEntry]!, 'approved', 'Bea', null)).rejects.toMatchObject({ code: 'approval_already_decided', status: 409 });
    const other = (await createMerchant(db, 'Other Shop')).merchant.id;
    await expect(decideApproval(db, other, ids[approvedEntry]!, 'approved', 'Eve', null)).rejects.toMatchObject({ code: 'approval_not_found', status: 404 });

    // QuickBooks refused the approved part; the bookkeeper retried it, then it was refused again and dismissed.
    const refusal = (resolution: string) =>
      db.query(`INSERT INTO books_review_items (merchant_id, entry_id, part, request_id, fault_code, explanation, detail, resolved_at, resolution)
                VALUES ($1, $2, 'receipt', 'x', '2500', 'refused', 'refused', now(), $3)`, [merchantId, approvedEntry, resolution]);
    await refusal('retried');
    expect(await gate(approvedEntry, 'receipt', sale(100))).toEqual({ requestId: `${approvedEntry}.receipt.again1` });
    await refusal('dismissed');
    expect(await gate(approvedEntry, 'receipt', sale(100))).toEqual({ hold: null });
  });
});
