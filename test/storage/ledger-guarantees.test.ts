/**
 * What the database itself guarantees about the ledger, whatever code writes to it (migration 004
 * checks the balance once per INSERT statement), and postEntry's exactly-once under concurrency.
 * Run on PostgreSQL and on PGlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/storage/database';
import { createMerchant } from '../../core/merchants/merchants';
import { credit, debit, postEntry, type NewJournalEntry } from '../../core/ledger/journal';
import { movementEntry } from '../../core/ledger/entries';
import { recordMovement } from '../../core/payments/movements';
import type { BalanceMovement } from '../../core/payments/processor';
import { money } from '../../core/money';
import { DATABASES } from '../support/databases';

describe.each(DATABASES)('ledger guarantees on $name', ({ open }) => {
  let db: Database;
  let merchantId: string;
  beforeAll(async () => {
    db = await open();
    merchantId = (await createMerchant(db, 'Ledger Guarantees Shop')).merchant.id;
  });
  afterAll(() => db.close());

  const entryRow = (tx: { query: Database['query'] }, id: string) =>
    tx.query(`INSERT INTO ledger_entries (id, merchant_id, kind, source_ref, description, occurred_at) VALUES ($1, $2, 'sale', $3, 'test', now())`, [
      id, merchantId, `test:${id}`,
    ]);
  const stored = async (id: string) => ({
    entries: (await db.query(`SELECT id FROM ledger_entries WHERE id = $1`, [id])).length,
    postings: (await db.query(`SELECT line FROM ledger_postings WHERE entry_id = $1`, [id])).length,
  });

  it('takes an entry whose postings, inserted together, sum to zero per currency', async () => {
    await db.transaction(async (tx) => {
      await entryRow(tx, 'le_ok');
      await tx.query(`INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency) VALUES
        ('le_ok', 1, 'stripe_clearing', 9680, 'USD'), ('le_ok', 2, 'processing_fees', 320, 'USD'), ('le_ok', 3, 'income', -10000, 'USD'),
        ('le_ok', 4, 'stripe_clearing', 500, 'EUR'), ('le_ok', 5, 'income', -500, 'EUR')`);
    });
    expect(await stored('le_ok')).toEqual({ entries: 1, postings: 5 });
  });

  it('refuses postings inserted together that do not sum to zero, and the transaction with them', async () => {
    const write = db.transaction(async (tx) => {
      await entryRow(tx, 'le_short');
      await tx.query(`INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency) VALUES
        ('le_short', 1, 'stripe_clearing', 9680, 'USD'), ('le_short', 2, 'processing_fees', 320, 'USD'), ('le_short', 3, 'income', -9999, 'USD')`);
    });
    await expect(write).rejects.toThrow(/ledger entry le_short does not balance/);
    expect(await stored('le_short')).toEqual({ entries: 0, postings: 0 });
  });

  it('checks each currency on its own: +100 USD and -100 EUR do not balance', async () => {
    const write = db.transaction(async (tx) => {
      await entryRow(tx, 'le_fx');
      await tx.query(`INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency) VALUES
        ('le_fx', 1, 'stripe_clearing', 100, 'USD'), ('le_fx', 2, 'income', -100, 'EUR')`);
    });
    await expect(write).rejects.toThrow(/does not balance/);
    expect(await stored('le_fx')).toEqual({ entries: 0, postings: 0 });
  });

  it('checks every entry a statement touches, not only the first', async () => {
    const write = db.transaction(async (tx) => {
      await entryRow(tx, 'le_pair_a');
      await entryRow(tx, 'le_pair_b');
      await tx.query(`INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency) VALUES
        ('le_pair_a', 1, 'stripe_clearing', 100, 'USD'), ('le_pair_a', 2, 'income', -100, 'USD'),
        ('le_pair_b', 1, 'stripe_clearing', 100, 'USD'), ('le_pair_b', 2, 'income', -90, 'USD')`);
    });
    await expect(write).rejects.toThrow(/ledger entry le_pair_b does not balance/);
    expect(await stored('le_pair_a')).toEqual({ entries: 0, postings: 0 });
  });

  it('checks at the end of each statement: postings spread over statements cannot pass through an unbalanced state', async () => {
    const write = db.transaction(async (tx) => {
      await entryRow(tx, 'le_split');
      await tx.query(`INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency) VALUES ('le_split', 1, 'income', -100, 'USD')`);
      await tx.query(`INSERT INTO ledger_postings (entry_id, line, account_role, amount, currency) VALUES ('le_split', 2, 'stripe_clearing', 100, 'USD')`);
    });
    await expect(write).rejects.toThrow(/ledger entry le_split does not balance/);
    expect(await stored('le_split')).toEqual({ entries: 0, postings: 0 });
  });

  it('keeps postings as inserted: no UPDATE, no DELETE', async () => {
    await expect(db.query(`UPDATE ledger_postings SET amount = -amount WHERE entry_id = 'le_ok'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM ledger_postings WHERE entry_id = 'le_ok'`)).rejects.toThrow(/append-only/);
    expect(await stored('le_ok')).toEqual({ entries: 1, postings: 5 });
  });

  const sale = (sourceRef: string): NewJournalEntry => ({
    merchantId, kind: 'sale', sourceRef, description: 'test sale', occurredAt: new Date(),
    postings: [
      debit('stripe_clearing', money(9680, 'USD')), debit('processing_fees', money(320, 'USD')), credit('income', money(8500, 'USD')),
      credit('shipping_income', money(0, 'USD')), credit('sales_tax_payable', money(1500, 'USD')),
    ],
  });

  it('postEntry writes the entry with its non-zero postings, numbered in order', async () => {
    const { entryId, created } = await db.transaction((tx) => postEntry(tx, sale('stripe:txn_lines')));
    expect(created).toBe(true);
    const rows = await db.query<{ line: number; account_role: string; amount: number }>(
      'SELECT line, account_role, amount FROM ledger_postings WHERE entry_id = $1 ORDER BY line', [entryId],
    );
    expect(rows).toEqual([
      { line: 1, account_role: 'stripe_clearing', amount: 9680 }, { line: 2, account_role: 'processing_fees', amount: 320 },
      { line: 3, account_role: 'income', amount: -8500 }, { line: 4, account_role: 'sales_tax_payable', amount: -1500 },
    ]);
  });

  it('postEntry of a movement of nothing writes the entry without postings, as before', async () => {
    const zero: NewJournalEntry = { ...sale('stripe:txn_zero'), postings: [debit('stripe_clearing', money(0, 'USD')), credit('income', money(0, 'USD'))] };
    const { entryId, created } = await db.transaction((tx) => postEntry(tx, zero));
    expect(created).toBe(true);
    expect(await stored(entryId)).toEqual({ entries: 1, postings: 0 });
  });

  it('postEntry posts a fact once when several transactions post it at the same moment', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => db.transaction((tx) => postEntry(tx, sale('stripe:txn_race')))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entryId)).size).toBe(1);
    const [row] = await db.query<{ entries: number; postings: number }>(
      `SELECT count(DISTINCT e.id)::int AS entries, count(p.line)::int AS postings
         FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id WHERE e.merchant_id = $1 AND e.source_ref = 'stripe:txn_race'`,
      [merchantId],
    );
    expect(row).toEqual({ entries: 1, postings: 4 });
  });

  it('postEntry posting the same fact twice in one transaction creates it once', async () => {
    const [first, second] = await db.transaction(async (tx) => [await postEntry(tx, sale('stripe:txn_twice')), await postEntry(tx, sale('stripe:txn_twice'))]);
    expect(first!.created).toBe(true);
    expect(second).toEqual({ entryId: first!.entryId, created: false });
  });

  const charge = (id: string): BalanceMovement => ({
    id, category: 'charge', amount: money(10000, 'USD'), fee: money(320, 'USD'), net: money(9680, 'USD'),
    feeDetails: [{ type: 'stripe_fee', description: 'Stripe processing fees', amount: money(320, 'USD') }],
    exchangeRate: null, sourceId: `ch_${id}`, paymentRef: null, occurredAt: new Date('2026-01-02T03:04:05Z'), availableOn: new Date('2026-01-04T00:00:00Z'),
    description: null,
  });
  const movementRow = (id: string) =>
    db.query<{ entry_id: string; amount: number; fee: number; net: number; fee_details: unknown; occurred_at: Date }>(
      'SELECT entry_id, amount, fee, net, fee_details, occurred_at FROM balance_movements WHERE merchant_id = $1 AND id = $2', [merchantId, id],
    );

  it('recordMovement writes the entry and the movement beside it once, however often it is recorded', async () => {
    const first = await db.transaction((tx) => recordMovement(tx, merchantId, charge('txn_rec'), {}));
    const again = await db.transaction((tx) => recordMovement(tx, merchantId, charge('txn_rec'), {}));
    expect(first).toHaveLength(1);
    expect(again).toEqual([]);
    const [entry] = await db.query<{ id: string }>(`SELECT id FROM ledger_entries WHERE merchant_id = $1 AND source_ref = 'stripe:txn_rec'`, [merchantId]);
    expect(first[0]!.payload).toEqual({ entryId: entry!.id });
    expect(await movementRow('txn_rec')).toEqual([
      {
        entry_id: entry!.id, amount: 10000, fee: 320, net: 9680, occurred_at: new Date('2026-01-02T03:04:05Z'),
        fee_details: [{ type: 'stripe_fee', description: 'Stripe processing fees', amount: 320, currency: 'USD' }],
      },
    ]);
  });

  it('recordMovement keeps the movement beside an entry posted earlier without it', async () => {
    const earlier = await db.transaction((tx) => postEntry(tx, movementEntry(merchantId, charge('txn_before'))));
    const work = await db.transaction((tx) => recordMovement(tx, merchantId, charge('txn_before'), {}));
    expect(work).toEqual([]);
    expect((await movementRow('txn_before')).map((m) => m.entry_id)).toEqual([earlier.entryId]);
  });
});
