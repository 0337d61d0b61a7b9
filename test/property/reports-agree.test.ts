/**
 * The reports are the ledger seen by day: for any generated Stripe history, its events delivered
 * repeated and in any order, the daily summary and the fee report add up to the ledger's balances.
 * Gross and refunds to what income, shipping and sales tax were credited; disputes to dispute
 * losses; fees to processing and dispute fees; net to what clearing and the bank received together.
 * A prepared run gives the same rows as the report answered at once. (PGlite, as ledger-fold.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../core/storage/database';
import { accountBalances } from '../../core/ledger/journal';
import { dailySummary, summaryTotals } from '../../core/reports/daily-summary';
import { feeReport } from '../../core/reports/fees';
import { prepareReportRun, reportRunRows, startDailySummaryRun } from '../../core/reports/runs';
import { checkOutNewSales, deliver, newWorld, openPropertyDatabase } from './harness';
import { deliveryOrder, deliveryPlanArb, historyArb } from './history';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);
// The model's history starts on 6 January 2025 and lasts weeks: all of it is inside this range.
const ALL = { from: '2025-01-01', to: '2026-12-31' };

describe('the reports add up to the ledger', () => {
  let db: Database;
  beforeAll(async () => void (db = await openPropertyDatabase()), 60_000);
  afterAll(async () => db?.close());

  it('for any history delivered twice and out of order', async () => {
    let sawSales = 0;
    await fc.assert(
      fc.asyncProperty(historyArb, deliveryPlanArb, async (steps, plan) => {
        const world = await newWorld(db);
        for (const step of steps) world.model.apply(step);
        await checkOutNewSales(world);
        await deliver(world, deliveryOrder(world.model.events, plan));

        const rows = await dailySummary(db, world.merchantId, ALL);
        const [total] = summaryTotals(rows);
        const ledger = new Map((await accountBalances(db, world.merchantId)).map((b) => [b.role, b.balance]));
        const balance = (role: string) => ledger.get(role as never) ?? 0;
        const sum = (figure: 'gross' | 'refunds' | 'disputes' | 'adjustments' | 'fees' | 'net') => total?.[figure].amount ?? 0;

        // Accounts in their normal direction: income credited positive, expenses and banks debited positive.
        expect(sum('gross') + sum('refunds')).toBe(balance('income') + balance('shipping_income') + balance('sales_tax_payable'));
        expect(total?.shipping.amount ?? 0).toBe(balance('shipping_income'));
        expect(total?.tax.amount ?? 0).toBe(balance('sales_tax_payable'));
        expect(balance('dispute_losses') + sum('disputes')).toBe(0);
        expect(sum('fees')).toBe(balance('processing_fees') + balance('dispute_fees'));
        expect(sum('net')).toBe(balance('stripe_clearing') + balance('bank'));
        expect(sum('gross') + sum('refunds') + sum('disputes') + sum('adjustments') - sum('fees')).toBe(sum('net'));

        const fees = await feeReport(db, world.merchantId, ALL, 'type');
        expect(fees.reduce((s, f) => s + f.amount.amount, 0)).toBe(sum('fees'));

        const run = await startDailySummaryRun(world.settle, world.merchantId, ALL);
        await prepareReportRun(world.settle, run.id);
        expect(await reportRunRows(db, world.merchantId, run.id)).toEqual(rows);
        sawSales += total?.sales ?? 0;
      }),
      { numRuns: RUNS },
    );
    expect(sawSales).toBeGreaterThan(0);
  }, 600_000);
});
