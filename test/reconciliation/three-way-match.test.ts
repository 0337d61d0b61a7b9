/**
 * The three-way match on stored rows, as the flows (or a bug, or a missed webhook) could leave them:
 * store order ↔ Stripe payment ↔ books entry, and payouts against their lines. Each disagreement
 * becomes one exception with a plain-language explanation; agreement makes none; a second run
 * duplicates nothing; a fixed disagreement resolves, with the audit trail saying so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/storage/database';
import { createMerchant } from '../../core/merchants/merchants';
import { runThreeWayMatch } from '../../core/reconciliation/match';
import { DATABASES } from '../support/databases';

const LONG_AGO = '2025-01-01T00:00:00Z';

describe.each(DATABASES)('three-way match on $name', ({ open }) => {
  let db: Database;
  let merchantId: string;
  let otherMerchantId: string;
  beforeAll(async () => {
    db = await open();
    merchantId = (await createMerchant(db, 'Match Shop')).merchant.id;
    otherMerchantId = (await createMerchant(db, 'Someone Else')).merchant.id;
  });
  afterAll(() => db.close());

  interface Sale {
    merchant?: string; order: string; amount: number; currency?: string; status?: string; orderStatus?: string; updatedAt?: string;
    store?: { paid: boolean; total?: number; currency?: string; refunded?: number } | null;
    stripeRefunded?: number; refundAsked?: number; books?: 'posted' | 'none'; booksShows?: number | null;
  }

  /** A payment as Settle stores it, with what the store, Stripe's balance and the books say about it. */
  async function sale(s: Sale): Promise<string> {
    const m = s.merchant ?? merchantId;
    const currency = s.currency ?? 'USD';
    const id = `pay_${s.order}_${m.slice(-4)}`;
    const status = s.status ?? 'succeeded';
    await db.query(
      `INSERT INTO payments (id, merchant_id, store_platform, order_id, order_number, amount, currency, status, processor_ref, order_status, updated_at)
       VALUES ($1, $2, 'woocommerce', $3, $3, $4, $5, $6, $7, $8, $9)`,
      [id, m, s.order, s.amount, currency, status, `pi_${id}`, s.orderStatus ?? (status === 'succeeded' ? 'paid' : 'awaiting_payment'), s.updatedAt ?? LONG_AGO],
    );
    if (s.store !== null) {
      const store = s.store ?? { paid: status === 'succeeded' };
      await db.query(
        `INSERT INTO store_order_snapshots (merchant_id, store_platform, order_id, order_number, paid, total, currency, refunded)
         VALUES ($1, 'woocommerce', $2, $2, $3, $4, $5, $6)`,
        [m, s.order, store.paid, store.total ?? s.amount, store.currency ?? currency, store.refunded ?? 0],
      );
    }
    if (s.stripeRefunded) {
      await db.query(
        `INSERT INTO refunds (id, merchant_id, payment_id, amount, currency, origin, status, processor_ref, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'processor', 'succeeded', $6, $7)`,
        [`rf_${id}`, m, id, s.stripeRefunded, currency, `re_${id}`, LONG_AGO],
      );
    }
    if (s.refundAsked) {
      // Asked of Stripe (from the store), not settled yet: the store already shows it.
      await db.query(
        `INSERT INTO refunds (id, merchant_id, payment_id, amount, currency, origin, status, updated_at) VALUES ($1, $2, $3, $4, $5, 'store', 'pending', $6)`,
        [`rf_asked_${id}`, m, id, s.refundAsked, currency, LONG_AGO],
      );
    }
    if (status === 'succeeded') {
      const entry = `le_${id}`;
      await db.query(`INSERT INTO ledger_entries (id, merchant_id, kind, source_ref, payment_id, description, occurred_at, created_at) VALUES ($1, $2, 'charge', $3, $4, 'sale', $5, $5)`, [
        entry, m, `stripe:txn_${id}`, id, LONG_AGO,
      ]);
      await db.query(
        `INSERT INTO balance_movements (merchant_id, id, category, amount, fee, net, currency, source_id, payment_id, occurred_at, available_on, entry_id)
         VALUES ($1, $2, 'charge', $3, 0, $3, $4, $5, $6, $7, $7, $8)`,
        [m, `txn_${id}`, s.amount, currency, `ch_${id}`, id, LONG_AGO, entry],
      );
      if ((s.books ?? 'posted') === 'posted') {
        await db.query(
          `INSERT INTO books_documents (merchant_id, entry_id, part, request_id, document_type, document_id, amount, currency) VALUES ($1, $2, 'sale', $3, 'SalesReceipt', $4, $5, $6)`,
          [m, entry, `${entry}.sale`, `sr_${id}`, s.amount, currency],
        );
        if (s.booksShows !== undefined) {
          await db.query(
            `INSERT INTO books_document_snapshots (merchant_id, document_type, document_id, amount, currency) VALUES ($1, 'SalesReceipt', $2, $3, $4)`,
            [m, `sr_${id}`, s.booksShows, s.booksShows === null ? null : currency],
          );
        }
      }
    }
    return id;
  }

  const exceptions = (m = merchantId) =>
    db.query<{ id: number; kind: string; subject: string; status: string; explanation: string; order_number: string | null }>(
      'SELECT id, kind, subject, status, explanation, order_number FROM reconciliation_exceptions WHERE merchant_id = $1 ORDER BY id', [m],
    );
  const open_ = async () => (await exceptions()).filter((e) => e.status === 'open').map((e) => [e.kind, e.order_number, e.explanation]);

  it('finds each kind of disagreement once, explained in plain words, and nothing where the systems agree', async () => {
    await sale({ order: '1001', amount: 5000 }); // all three agree
    await sale({ order: '1002', amount: 2500, orderStatus: 'awaiting_payment', store: { paid: false } });
    await sale({ order: '1003', amount: 4000, status: 'awaiting_payment', store: { paid: true } });
    await sale({ order: '1004', amount: 10000, store: { paid: true, total: 12000 } });
    await sale({ order: '1005', amount: 3000, stripeRefunded: 1000 });
    await sale({ order: '1006', amount: 3000, store: { paid: true, refunded: 3000 } });
    await sale({ order: '1007', amount: 1999, books: 'none' });
    await sale({ order: '1008', amount: 7000, booksShows: 6000 });
    await sale({ order: '1009', amount: 7000, booksShows: null });
    await sale({ order: '1010', amount: 7000, booksShows: 7000 }); // read back unchanged
    await sale({ order: '1011', amount: 900, store: { paid: true, currency: 'EUR' } });
    await sale({ order: '1013', amount: 3000, store: { paid: true, refunded: 1000 }, refundAsked: 1000 }); // refund on its way to Stripe
    await sale({ order: '1012', amount: 800, orderStatus: 'awaiting_payment', store: null, updatedAt: new Date().toISOString() }); // store step in flight
    await sale({ merchant: otherMerchantId, order: '1002', amount: 2500, orderStatus: 'awaiting_payment', store: { paid: false } });

    const outcome = await runThreeWayMatch(db, merchantId);
    expect(outcome).toEqual({ opened: 9, found: 9, resolved: 0 });
    const tail = merchantId.slice(-4);
    expect((await open_()).sort(byOrder)).toEqual([
      ['paid_order_not_updated', '1002', `Order #1002 was paid 25.00 USD in Stripe (pi_pay_1002_${tail}), but the store still shows it unpaid. Retry marks it paid in the store.`],
      ['order_paid_without_payment', '1003', 'Order #1003 is marked paid in the store (40.00 USD), but Stripe has no successful payment for it (the Settle payment is awaiting payment). Check how the customer paid; re-fetch after fixing the order, or accept with a note if it was paid another way.'],
      ['amount_mismatch', '1004', 'Order #1004 totals 120.00 USD in the store, but Stripe took 100.00 USD: a difference of 20.00 USD.'],
      ['refund_missing_in_store', '1005', 'Stripe refunded 10.00 USD on order #1005, but the store shows 0.00 USD refunded. Retry shows the refund on the order.'],
      ['refund_missing_in_processor', '1006', 'The store shows 30.00 USD refunded on order #1006, but Stripe refunded only 0.00 USD: the customer may not have their money back.'],
      ['books_entry_missing', '1007', 'The sale of 19.99 USD for order #1007 is not in the books. Retry posts it.'],
      ['books_entry_edited', '1008', `SalesReceipt sr_pay_1008_${tail} for order #1008 was posted as 70.00 USD but the books now show 60.00 USD: it was edited after Settle posted it.`],
      ['books_entry_missing', '1009', `The sale of 70.00 USD for order #1009 was posted to the books as SalesReceipt sr_pay_1009_${tail}, which the books no longer have. Restore it in the books, or accept with a note.`],
      ['amount_mismatch', '1011', 'Order #1011 is in EUR in the store, but Stripe took 9.00 USD.'],
    ]);
    expect(await exceptions(otherMerchantId)).toEqual([]);
  });

  it('a second run duplicates nothing; a fixed disagreement resolves, an accepted one stays accepted, each in the audit trail', async () => {
    expect(await runThreeWayMatch(db, merchantId)).toEqual({ opened: 0, found: 9, resolved: 0 });
    await db.query(`UPDATE store_order_snapshots SET paid = true WHERE merchant_id = $1 AND order_id = '1002'`, [merchantId]);
    await db.query(`UPDATE reconciliation_exceptions SET status = 'accepted', note = 'paid in cash' WHERE merchant_id = $1 AND kind = 'order_paid_without_payment'`, [merchantId]);
    expect(await runThreeWayMatch(db, merchantId)).toEqual({ opened: 0, found: 8, resolved: 1 });
    const all = await exceptions();
    expect(all.filter((e) => e.order_number === '1002').map((e) => e.status)).toEqual(['resolved']);
    expect(all.filter((e) => e.order_number === '1003').map((e) => e.status)).toEqual(['accepted']);
    const resolvedId = all.find((e) => e.order_number === '1002')!.id;
    const audit = await db.query<{ actor: string; action: string }>('SELECT actor, action FROM reconciliation_audit WHERE exception_id = $1 ORDER BY id', [resolvedId]);
    expect(audit).toEqual([{ actor: 'sweep', action: 'opened' }, { actor: 'sweep', action: 'resolved' }]);
  });

  it('a paid payout that its lines do not explain is an exception naming the remainder', async () => {
    await db.query(`INSERT INTO payouts (merchant_id, processor_ref, amount, currency, status, arrival_date) VALUES ($1, 'po_short', 5001, 'USD', 'paid', '2025-01-03'), ($1, 'po_fine', 5000, 'USD', 'paid', '2025-01-03')`, [merchantId]);
    for (const [payout, suffix] of [['po_short', 'a'], ['po_fine', 'b']]) {
      await db.query(`INSERT INTO ledger_entries (id, merchant_id, kind, source_ref, description, occurred_at) VALUES ($1, $2, 'charge', $1, 'sale', now())`, [`le_po_${suffix}`, merchantId]);
      await db.query(
        `INSERT INTO balance_movements (merchant_id, id, category, amount, fee, net, currency, source_id, payout_id, occurred_at, available_on, entry_id)
         VALUES ($1, $2, 'charge', 5000, 0, 5000, 'USD', 'ch', $3, now(), now(), $4)`,
        [merchantId, `txn_po_${suffix}`, payout, `le_po_${suffix}`],
      );
    }
    await runThreeWayMatch(db, merchantId);
    const payouts = (await exceptions()).filter((e) => e.kind === 'payout_unexplained');
    expect(payouts.map((e) => [e.subject, e.explanation])).toEqual([
      ['po_short', 'Payout po_short of 50.01 USD is not explained: the 1 lines it carried net to 50.00 USD, leaving 0.01 USD.'],
    ]);
  });
});

const byOrder = (a: (string | null)[], b: (string | null)[]) => String(a[1]).localeCompare(String(b[1]));
