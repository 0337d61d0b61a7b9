/**
 * The report queries on both databases Settle runs on (PostgreSQL, and PGlite for the demo and
 * trials): the same facts give the same daily summary, fee report and prepared run on each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/storage/database';
import type { Settle } from '../../core/ports';
import { migrate } from '../../core/storage/migrate';
import { createMerchant } from '../../core/merchants/merchants';
import { recordMovement } from '../../core/payments/movements';
import type { BalanceMovement } from '../../core/payments/processor';
import { money } from '../../core/money';
import { dailySummary } from '../../core/reports/daily-summary';
import { feeReport } from '../../core/reports/fees';
import { findReportRun, prepareReportRun, reportRunRows, startDailySummaryRun } from '../../core/reports/runs';
import { DATABASES } from '../support/databases';

const movement = (id: string, category: string, amount: number, fee: number, at: string): BalanceMovement => ({
  id, category, amount: money(amount, 'USD'), fee: money(fee, 'USD'), net: money(amount - fee, 'USD'),
  feeDetails: fee ? [{ type: 'stripe_fee', description: null, amount: money(fee, 'USD') }] : [], exchangeRate: null, sourceId: null, paymentRef: null,
  occurredAt: new Date(at), availableOn: new Date(at), description: null,
});

describe.each(DATABASES)('reports on $name', ({ open }) => {
  let db: Database;
  let merchantId: string;
  const enqueued: string[] = [];
  let settle: Settle;

  beforeAll(async () => {
    db = await open();
    await migrate(db);
    merchantId = (await createMerchant(db, 'Both Ways')).merchant.id;
    settle = { db, jobs: { enqueue: async (_queue, jobId) => void enqueued.push(jobId), close: async () => undefined }, platforms: undefined as never };
    for (const m of [
      movement('txn_1', 'charge', 10_000, 320, '2026-01-31T23:00:00Z'),
      movement('txn_2', 'charge', 5_000, 175, '2026-02-01T01:00:00Z'),
      movement('txn_3', 'dispute', -5_000, 1_500, '2026-02-10T12:00:00Z'),
    ]) {
      await db.transaction((tx) => recordMovement(tx, merchantId, m, {}));
    }
  }, 60_000);
  afterAll(async () => db?.close());

  it('sums each UTC day and itemises the fees', async () => {
    const rows = await dailySummary(db, merchantId, { from: '2026-01-01', to: '2026-02-28' });
    expect(rows.map((r) => [r.day, r.channel, r.sales, r.gross.amount, r.disputes.amount, r.fees.amount, r.net.amount])).toEqual([
      ['2026-01-31', 'stripe', 1, 10_000, 0, 320, 9_680],
      ['2026-02-01', 'stripe', 1, 5_000, 0, 175, 4_825],
      ['2026-02-10', 'stripe', 0, 0, -5_000, 1_500, -6_500],
    ]);
    const fees = await feeReport(db, merchantId, { from: '2026-01-01', to: '2026-02-28' }, 'type');
    expect(fees.map((f) => [f.feeType, f.category, f.count, f.amount.amount])).toEqual([['stripe_fee', 'charge', 2, 495], ['stripe_fee', 'dispute', 1, 1_500]]);
  });

  it('prepares a run a month at a time, once, to the same rows', async () => {
    const run = await startDailySummaryRun(settle, merchantId, { from: '2026-01-15', to: '2026-02-28' });
    expect(run).toMatchObject({ status: 'queued', stepsDone: 0, stepsTotal: 2 });
    expect(enqueued).toEqual([`report-run:${run.id}`]);
    // Asked again before the worker got to it (a reload, a double click): the same run, not a second.
    expect((await startDailySummaryRun(settle, merchantId, { from: '2026-01-15', to: '2026-02-28' })).id).toBe(run.id);
    expect(await prepareReportRun(settle, run.id)).toBe('prepared 45 days in 2 months');
    expect(await prepareReportRun(settle, run.id)).toBe('already done'); // delivered twice: nothing doubles
    expect(await findReportRun(db, merchantId, run.id)).toMatchObject({ status: 'done', stepsDone: 2, stepsTotal: 2 });
    expect(await reportRunRows(db, merchantId, run.id)).toEqual(await dailySummary(db, merchantId, { from: '2026-01-15', to: '2026-02-28' }));
  });

  it('picks a run up where a crashed worker left it: the month done is not done again', async () => {
    const run = await startDailySummaryRun(settle, merchantId, { from: '2026-01-01', to: '2026-02-28' });
    const january = await dailySummary(db, merchantId, { from: '2026-01-01', to: '2026-01-31' });
    // What the crashed worker committed: January and its count, nothing of February.
    await db.query(`UPDATE report_runs SET steps_done = 1, status = 'running', rows = $2::jsonb WHERE id = $1`, [run.id, JSON.stringify(january)]);
    expect(await prepareReportRun(settle, run.id)).toBe('prepared 59 days in 2 months');
    const rows = await reportRunRows(db, merchantId, run.id);
    expect(rows.map((r) => r.day)).toEqual(['2026-01-31', '2026-02-01', '2026-02-10']);
  });
});
