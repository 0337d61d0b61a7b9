/**
 * The payout proof on stored rows: payout amount = −(its own balance transaction) = Σ net of the
 * lines it carried, and any difference is a named exception, never rounded away. Rows are inserted
 * directly, as a bug or a missed webhook could leave them; run on PGlite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/storage/database';
import { createMerchant } from '../../core/merchants/merchants';
import { recordPayout } from '../../core/payments/payouts';
import { listPayouts, payoutReport } from '../../core/reconciliation/payouts';
import { prove } from '../../core/reconciliation/proof';
import { money } from '../../core/money';
import { DATABASES } from '../support/databases';

describe.each(DATABASES)('payout proof on $name', ({ open }) => {
  let db: Database;
  let merchantId: string;
  let otherMerchantId: string;
  beforeAll(async () => {
    db = await open();
    merchantId = (await createMerchant(db, 'Proof Shop')).merchant.id;
    otherMerchantId = (await createMerchant(db, 'Someone Else')).merchant.id;
  });
  afterAll(() => db.close());

  /** A balance transaction as Settle stores it, with the ledger entry it must point at. */
  async function movement(m: { id: string; category: string; amount: number; fee?: number; sourceId: string; payoutId: string; currency?: string }) {
    const fee = m.fee ?? 0;
    await db.query(`INSERT INTO ledger_entries (id, merchant_id, kind, source_ref, description, occurred_at) VALUES ($1, $2, $3, $4, 'test', now())`, [
      `le_${m.id}`, merchantId, m.category, `stripe:${m.id}`,
    ]);
    await db.query(
      `INSERT INTO balance_movements (merchant_id, id, category, amount, fee, net, currency, source_id, payout_id, occurred_at, available_on, entry_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), now(), $10)`,
      [merchantId, m.id, m.category, m.amount, fee, m.amount - fee, m.currency ?? 'USD', m.sourceId, m.payoutId, `le_${m.id}`],
    );
  }

  const payout = (payoutId: string, amount: number) =>
    db.transaction((tx) => recordPayout(tx, merchantId, { payoutId, amount: money(amount, 'USD'), status: 'paid', arrivedAt: new Date('2025-03-04T00:00:00Z'), failure: null, failureMovement: null, reconciliationStatus: 'completed', movements: [] }));

  it('a payout one cent more than its lines is unexplained, and the cent is named', async () => {
    await movement({ id: 'txn_sale_a', category: 'charge', amount: 10000, fee: 320, sourceId: 'ch_a', payoutId: 'po_short' });
    await movement({ id: 'txn_po_short', category: 'payout', amount: -9681, sourceId: 'po_short', payoutId: 'po_short' });
    await payout('po_short', 9681);

    const report = (await payoutReport(db, merchantId, 'po_short'))!;
    expect(report.payout).toMatchObject({ id: 'po_short', amount: { amount: 9681, currency: 'USD' }, status: 'paid', arrivalDate: '2025-03-04' });
    expect(report.lines.map((l) => [l.movementId, l.group, l.net.amount])).toEqual([['txn_sale_a', 'charges', 9680]]);
    expect(report.proof).toMatchObject({
      reconciliation: 'unexplained', payoutAmount: { amount: 9681 }, payoutMovement: { amount: 9681 }, linesNet: { amount: 9680 }, remainder: { amount: 1 },
    });
    expect(report.proof.exceptions).toEqual([
      {
        code: 'unexplained_remainder', amount: { amount: 1, currency: 'USD' },
        message: 'Unexplained remainder of 0.01 USD: the payout is 96.81 USD but the lines it carried net to 96.80 USD.',
      },
    ]);
    const listed = (await listPayouts(db, merchantId)).find((p) => p.id === 'po_short')!;
    expect([listed.lineCount, listed.proof.reconciliation, listed.proof.remainder.amount]).toEqual([1, 'unexplained', 1]);
  });

  it('a payout whose lines net to its amount, and whose own transaction took it, is explained', async () => {
    await movement({ id: 'txn_sale_b', category: 'charge', amount: 20000, fee: 610, sourceId: 'ch_b', payoutId: 'po_even' });
    await movement({ id: 'txn_refund_b', category: 'refund', amount: -4000, sourceId: 're_b', payoutId: 'po_even' });
    await movement({ id: 'txn_po_even', category: 'payout', amount: -15390, sourceId: 'po_even', payoutId: 'po_even' });
    await payout('po_even', 15390);

    const report = (await payoutReport(db, merchantId, 'po_even'))!;
    expect(report.proof).toMatchObject({ reconciliation: 'explained', remainder: { amount: 0 }, exceptions: [] });
    expect(report.summary.groups.charges).toMatchObject({ count: 1, gross: { amount: 20000 }, fee: { amount: 610 }, net: { amount: 19390 } });
    expect(report.summary.groups.refunds).toMatchObject({ count: 1, gross: { amount: -4000 }, net: { amount: -4000 } });
    expect(report.summary.total).toMatchObject({ count: 2, gross: { amount: 16000 }, fee: { amount: 610 }, net: { amount: 15390 } });
    const listed = (await listPayouts(db, merchantId)).find((p) => p.id === 'po_even')!;
    expect([listed.lineCount, listed.proof.reconciliation]).toEqual([2, 'explained']);
  });

  it('a payout without its own balance transaction is unexplained even when its lines add up', async () => {
    await movement({ id: 'txn_sale_c', category: 'charge', amount: 5000, fee: 175, sourceId: 'ch_c', payoutId: 'po_no_own' });
    await payout('po_no_own', 4825);
    const report = (await payoutReport(db, merchantId, 'po_no_own'))!;
    expect(report.proof.reconciliation).toBe('unexplained');
    expect(report.proof.exceptions.map((e) => e.code)).toEqual(['payout_movement_missing']);
  });

  it("another merchant neither lists nor reads this merchant's payouts", async () => {
    expect(await listPayouts(db, otherMerchantId)).toEqual([]);
    expect(await payoutReport(db, otherMerchantId, 'po_even')).toBeUndefined();
  });
});

describe('payout proof, pure', () => {
  it('names lines in another currency instead of adding them to the payout', () => {
    const proof = prove(money(1000, 'USD'), [money(-1000, 'USD')], [money(1000, 'USD'), money(500, 'EUR')]);
    expect(proof.reconciliation).toBe('unexplained');
    expect(proof.exceptions).toEqual([
      { code: 'line_in_other_currency', amount: { amount: 500, currency: 'EUR' }, message: 'Lines worth 5.00 EUR are in EUR, so they cannot explain a USD payout.' },
    ]);
  });

  it('names an own transaction that took a different amount from the balance', () => {
    const proof = prove(money(1000, 'USD'), [money(-999, 'USD')], [money(1000, 'USD')]);
    expect(proof.exceptions.map((e) => [e.code, e.amount?.amount])).toEqual([['payout_movement_differs', 1]]);
  });
});
