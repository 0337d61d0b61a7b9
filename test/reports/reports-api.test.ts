/**
 * The merchant's reports over HTTP, with known amounts: the daily summary, the fee report and their
 * CSV, a year prepared in the background with progress, and the 4xx a person gets for a bad range.
 * The facts are recorded the way Settle records them (core's recordMovement, in a transaction), at
 * the books scenarios' fee table (2.9 % + $0.30, JPY 3.6 %, $15.00 dispute fee), on PostgreSQL.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant } from '../../core/merchants/merchants';
import { insertPayment, type Payment } from '../../core/payments/payments';
import { assignToPayout, recordMovement } from '../../core/payments/movements';
import { recordPayout } from '../../core/payments/payouts';
import type { BalanceMovement } from '../../core/payments/processor';
import type { StoreOrder } from '../../core/stores/store';
import { money } from '../../core/money';
import { startWorker } from '../../web/server/worker';
import { startSettleInProcess } from '../support/in-process';
import { eventually } from '../support/settle-process';

type Settle = Awaited<ReturnType<typeof startSettleInProcess>>;

let n = 0;
function movement(o: { category: string; amount: number; fee: number; currency?: string; at: string; payment?: Payment; feeType?: string; itemised?: boolean; sourceId?: string }): BalanceMovement {
  const currency = o.currency ?? 'USD';
  n += 1;
  return {
    id: `txn_report_${n}`, category: o.category, amount: money(o.amount, currency), fee: money(o.fee, currency), net: money(o.amount - o.fee, currency),
    feeDetails: o.fee === 0 || o.itemised === false ? [] : [{ type: o.feeType ?? 'stripe_fee', description: 'Stripe fee', amount: money(o.fee, currency) }],
    exchangeRate: null, sourceId: o.sourceId ?? `src_${n}`, paymentRef: o.payment?.processorRef ?? null, occurredAt: new Date(o.at), availableOn: new Date(o.at), description: null,
  };
}

function order(payment: Payment, shipping: number, tax: number): StoreOrder {
  const { amount, currency } = payment.amount;
  return {
    id: payment.orderId, number: payment.orderNumber, status: 'processing', needsPayment: false, total: money(amount, currency),
    itemsTotal: money(amount - shipping - tax, currency), shippingTotal: money(shipping, currency), taxTotal: money(tax, currency), lines: [],
    customer: { email: 'shopper@example.com', name: 'A Shopper' },
  };
}

describe('reports API: daily summary, fee report, CSV, a prepared year', { timeout: 60_000 }, () => {
  let settle: Settle;
  let worker: { close(): Promise<void> };
  let apiKey: string;
  let otherKey: string;

  const get = (path: string, key = apiKey) => fetch(`${settle.url}${path}`, { headers: { Authorization: `Bearer ${key}` } });
  const json = async (path: string, key = apiKey) => (await get(path, key)).json();

  beforeAll(async () => {
    settle = await startSettleInProcess();
    worker = startWorker(settle.services, pino({ level: 'silent' }));
    const { db } = settle.services;
    const mine = await createMerchant(db, 'Harbour Goods');
    const other = await createMerchant(db, 'Nosy Neighbour');
    apiKey = mine.apiKey;
    otherKey = other.apiKey;
    const merchantId = mine.merchant.id;
    const pay = (id: string, platform: Payment['storePlatform'], amount: number, currency: string) =>
      db.transaction((tx) => insertPayment(tx, { id, merchantId, storePlatform: platform, orderId: id, orderNumber: `#${id}`, amount: money(amount, currency), processorRef: `pi_${id}` }));
    const woo = await pay('1001', 'woocommerce', 9720, 'USD');
    const shopify = await pay('2001', 'shopify', 10_000, 'JPY');
    const record = (m: BalanceMovement, context: { payment?: Payment; order?: StoreOrder } = {}) => db.transaction((tx) => recordMovement(tx, merchantId, m, context));

    // 2 March: books scenario 6 through the WooCommerce store ($97.20: $80.00 items, $10.00 shipping, $7.20 tax),
    // and a $50.00 sale taken in Stripe itself.
    const sale = movement({ category: 'charge', amount: 9720, fee: 312, at: '2026-03-02T10:00:00Z', payment: woo });
    const outside = movement({ category: 'charge', amount: 5000, fee: 175, at: '2026-03-02T23:59:59Z' });
    await record(sale, { payment: woo, order: order(woo, 1000, 720) });
    await record(outside);
    // 3 March: $40.00 refunded on the store's order; the Stripe sale disputed ($15.00 fee); a yen sale on Shopify.
    const refund = movement({ category: 'refund', amount: -4000, fee: 0, at: '2026-03-03T00:00:00Z', payment: woo });
    const dispute = movement({ category: 'dispute', amount: -5000, fee: 1500, at: '2026-03-03T12:00:00Z' });
    await record(refund, { payment: woo });
    await record(dispute);
    await record(movement({ category: 'charge', amount: 10_000, fee: 360, currency: 'JPY', at: '2026-03-03T15:00:00Z', payment: shopify }), { payment: shopify, order: order(shopify, 0, 0) });
    // 4 March: a standalone Stripe fee, an adjustment whose fee type is text a spreadsheet would run, and the payout (not activity).
    const fee = movement({ category: 'fee', amount: -200, fee: 0, at: '2026-03-04T08:00:00Z' });
    const adjustment = movement({ category: 'adjustment', amount: -100, fee: 25, at: '2026-03-04T09:00:00Z', feeType: '=HYPERLINK("x"),y' });
    await record(fee);
    await record(adjustment);
    const payout = movement({ category: 'payout', amount: -3408, fee: 0, at: '2026-03-04T10:00:00Z', sourceId: 'po_march_4' });
    await record(payout);
    await db.transaction(async (tx) => {
      await assignToPayout(tx, merchantId, 'po_march_4', [sale.id, outside.id, refund.id, dispute.id, fee.id, adjustment.id, payout.id]);
      await recordPayout(tx, merchantId, { payoutId: 'po_march_4', amount: money(3408, 'USD'), status: 'paid', arrivedAt: new Date('2026-03-06T00:00:00Z'), failure: null, failureMovement: null, reconciliationStatus: 'completed', movements: [] });
    });
    // 5 March: a fee Stripe did not itemise.
    await record(movement({ category: 'charge', amount: 1000, fee: 59, at: '2026-03-05T10:00:00Z', itemised: false }));
    // The neighbour's sale the same day must not show.
    await db.transaction((tx) => recordMovement(tx, other.merchant.id, movement({ category: 'charge', amount: 99_999, fee: 2930, at: '2026-03-02T12:00:00Z' }), {}));
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await settle?.close();
  });

  it('sums each day by currency and channel: gross (with its shipping and tax), refunds, disputes, adjustments, fees, net', async () => {
    const report = await json('/api/reports/daily-summary?from=2026-03-01&to=2026-03-31');
    expect(report.range).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    const figures = (r: Record<string, unknown>) => [r.day, r.currency, r.channel, r.sales, ...['gross', 'shipping', 'tax', 'refunds', 'disputes', 'adjustments', 'fees', 'net'].map((f) => r[`${f}Formatted`])];
    expect(report.rows.map(figures)).toEqual([
      ['2026-03-02', 'USD', 'stripe', 1, '$50.00', '$0.00', '$0.00', '$0.00', '$0.00', '$0.00', '$1.75', '$48.25'],
      ['2026-03-02', 'USD', 'woocommerce', 1, '$97.20', '$10.00', '$7.20', '$0.00', '$0.00', '$0.00', '$3.12', '$94.08'],
      ['2026-03-03', 'JPY', 'shopify', 1, '¥10,000', '¥0', '¥0', '¥0', '¥0', '¥0', '¥360', '¥9,640'],
      ['2026-03-03', 'USD', 'stripe', 0, '$0.00', '$0.00', '$0.00', '$0.00', '-$50.00', '$0.00', '$15.00', '-$65.00'],
      ['2026-03-03', 'USD', 'woocommerce', 0, '$0.00', '$0.00', '$0.00', '-$40.00', '$0.00', '$0.00', '$0.00', '-$40.00'],
      ['2026-03-04', 'USD', 'stripe', 0, '$0.00', '$0.00', '$0.00', '$0.00', '$0.00', '-$1.00', '$2.25', '-$3.25'],
      ['2026-03-05', 'USD', 'stripe', 1, '$10.00', '$0.00', '$0.00', '$0.00', '$0.00', '$0.00', '$0.59', '$9.41'],
    ]);
    expect(report.rows[1].gross).toEqual({ amount: 9720, currency: 'USD' });
    expect(report.totals.map((t: Record<string, unknown>) => [t.currency, t.sales, t.grossFormatted, t.feesFormatted, t.netFormatted])).toEqual([
      ['JPY', 1, '¥10,000', '¥360', '¥9,640'],
      ['USD', 3, '$157.20', '$22.71', '$43.49'],
    ]);
    // A range that leaves days out leaves their activity out (days are UTC).
    expect((await json('/api/reports/daily-summary?from=2026-03-03&to=2026-03-03')).rows.map((r: { day: string }) => r.day)).toEqual(['2026-03-03', '2026-03-03', '2026-03-03']);
  });

  it('downloads the daily summary as RFC 4180 CSV, amounts in the currency’s decimals', async () => {
    const response = await get('/api/reports/daily-summary?from=2026-03-01&to=2026-03-31&format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="daily-summary-2026-03-01-to-2026-03-31.csv"');
    expect(await response.text()).toBe(
      'day_utc,currency,channel,sales,gross,shipping,tax,refunds,disputes,adjustments,fees,net\r\n' +
        '2026-03-02,USD,stripe,1,50.00,0.00,0.00,0.00,0.00,0.00,1.75,48.25\r\n' +
        '2026-03-02,USD,woocommerce,1,97.20,10.00,7.20,0.00,0.00,0.00,3.12,94.08\r\n' +
        '2026-03-03,JPY,shopify,1,10000,0,0,0,0,0,360,9640\r\n' +
        '2026-03-03,USD,stripe,0,0.00,0.00,0.00,0.00,-50.00,0.00,15.00,-65.00\r\n' +
        '2026-03-03,USD,woocommerce,0,0.00,0.00,0.00,-40.00,0.00,0.00,0.00,-40.00\r\n' +
        '2026-03-04,USD,stripe,0,0.00,0.00,0.00,0.00,0.00,-1.00,2.25,-3.25\r\n' +
        '2026-03-05,USD,stripe,1,10.00,0.00,0.00,0.00,0.00,0.00,0.59,9.41\r\n',
    );
  });

  it('reports fees by type, by payout and by day, itemised as Stripe itemised them, and quotes odd text in the CSV', async () => {
    const byType = await json('/api/reports/fees?from=2026-03-01&to=2026-03-31&group=type');
    expect(byType.rows.map((r: Record<string, unknown>) => [r.key, r.currency, r.feeType, r.category, r.count, r.amountFormatted])).toEqual([
      [null, 'JPY', 'stripe_fee', 'charge', 1, '¥360'],
      [null, 'USD', '=HYPERLINK("x"),y', 'adjustment', 1, '$0.25'],
      [null, 'USD', 'stripe_fee', 'charge', 2, '$4.87'],
      [null, 'USD', 'stripe_fee', 'dispute', 1, '$15.00'],
      [null, 'USD', 'stripe_fee', 'fee', 1, '$2.00'],
      [null, 'USD', 'unitemized', 'charge', 1, '$0.59'],
    ]);
    const byPayout = await json('/api/reports/fees?from=2026-03-01&to=2026-03-31&group=payout');
    expect(byPayout.rows.map((r: Record<string, unknown>) => [r.key, r.feeType, r.category, r.amountFormatted])).toEqual([
      ['po_march_4', '=HYPERLINK("x"),y', 'adjustment', '$0.25'],
      ['po_march_4', 'stripe_fee', 'charge', '$4.87'],
      ['po_march_4', 'stripe_fee', 'dispute', '$15.00'],
      ['po_march_4', 'stripe_fee', 'fee', '$2.00'],
      [null, 'stripe_fee', 'charge', '¥360'], // not paid out yet
      [null, 'unitemized', 'charge', '$0.59'],
    ]);
    const byDay = await get('/api/reports/fees?from=2026-03-04&to=2026-03-04&format=csv');
    expect(byDay.headers.get('content-disposition')).toBe('attachment; filename="fees-by-day-2026-03-04-to-2026-03-04.csv"');
    expect(await byDay.text()).toBe(
      'day_utc,currency,fee_type,reporting_category,count,amount\r\n' +
        `2026-03-04,USD,"'=HYPERLINK(""x""),y",adjustment,1,0.25\r\n` +
        '2026-03-04,USD,stripe_fee,fee,1,2.00\r\n',
    );
  });

  it('lists every line of the payouts arriving in the range, like Stripe\'s itemized payout reconciliation report', async () => {
    const report = await json('/api/reports/payout-reconciliation?from=2026-03-06&to=2026-03-06');
    const lines = report.lines.map((l: Record<string, unknown>) => [l.payoutId, l.payoutArrivalDate, l.category, l.orderNumber, l.grossFormatted, l.feeFormatted, l.netFormatted]);
    expect(lines).toEqual([
      ['po_march_4', '2026-03-06', 'charge', '#1001', '$97.20', '$3.12', '$94.08'],
      ['po_march_4', '2026-03-06', 'charge', null, '$50.00', '$1.75', '$48.25'],
      ['po_march_4', '2026-03-06', 'refund', '#1001', '-$40.00', '$0.00', '-$40.00'],
      ['po_march_4', '2026-03-06', 'dispute', null, '-$50.00', '$15.00', '-$65.00'],
      ['po_march_4', '2026-03-06', 'fee', null, '-$2.00', '$0.00', '-$2.00'],
      ['po_march_4', '2026-03-06', 'adjustment', null, '-$1.00', '$0.25', '-$1.25'],
    ]);
    // The lines explain the payout to the cent: $34.08.
    expect(report.lines.reduce((sum: number, l: { net: { amount: number } }) => sum + l.net.amount, 0)).toBe(3408);
    expect((await json('/api/reports/payout-reconciliation?from=2026-03-07&to=2026-03-31')).lines).toEqual([]);
    expect((await json('/api/reports/payout-reconciliation?from=2026-03-01&to=2026-03-31', otherKey)).lines).toEqual([]);

    const csv = (await (await get('/api/reports/payout-reconciliation?from=2026-03-06&to=2026-03-06&format=csv')).text()).split('\r\n');
    expect(csv[0]).toBe(
      'payout_id,payout_arrival_date,payout_status,balance_transaction_id,created_utc,available_on_utc,reporting_category,source_id,settle_payment_id,order_number,currency,gross,fee,net,exchange_rate',
    );
    expect(csv[1]).toMatch(/^po_march_4,2026-03-06,paid,txn_report_\d+,2026-03-02 10:00:00,2026-03-02 10:00:00,charge,src_\d+,1001,#1001,USD,97.20,3.12,94.08,$/);
    expect(csv).toHaveLength(8); // header, six lines, and the empty string after the last CRLF
  });

  it('prepares a year in the background a month at a time, with progress, to the same figures', async () => {
    const started = await fetch(`${settle.url}/api/reports/daily-summary/runs`, {
      method: 'POST', headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ from: '2025-04-01', to: '2026-03-31' }),
    });
    expect(started.status).toBe(202);
    const { run } = await started.json();
    expect(run).toMatchObject({ report: 'daily_summary', range: { from: '2025-04-01', to: '2026-03-31' }, progress: { total: 12, unit: 'month' } });
    expect(started.headers.get('location')).toBe(`/api/reports/runs/${run.id}`);

    const seen = new Set<number>();
    const done = await eventually(async () => {
      const body = await json(run.url);
      seen.add(body.run.progress.done);
      return body;
    }, (b) => b.run.status === 'done');
    expect(done.run.progress).toEqual({ done: 12, total: 12, unit: 'month', percent: 100 });
    expect([...seen].every((s) => s >= 0 && s <= 12)).toBe(true);
    const atOnce = await json('/api/reports/daily-summary?from=2026-03-01&to=2026-03-31');
    expect(done.rows).toEqual(atOnce.rows);
    expect(done.totals).toEqual(atOnce.totals);
    const csv = await get(`${run.url}?format=csv`);
    expect(await csv.text()).toBe(await (await get('/api/reports/daily-summary?from=2026-03-01&to=2026-03-31&format=csv')).text());
    // Another merchant's run reads like one that does not exist.
    expect([(await get(run.url, otherKey)).status, (await json(run.url, otherKey)).error.code]).toEqual([404, 'report_run_not_found']);
  });

  it('shows each merchant only their own figures', async () => {
    const report = await json('/api/reports/daily-summary?from=2026-03-01&to=2026-03-31', otherKey);
    expect(report.rows.map((r: Record<string, unknown>) => [r.day, r.grossFormatted])).toEqual([['2026-03-02', '$999.99']]);
    expect((await get('/api/reports/daily-summary')).status).toBe(200);
    expect((await fetch(`${settle.url}/api/reports/fees`)).status).toBe(401);
  });

  it('answers a bad range or option with 400 and a stable code, and prepares nothing', async () => {
    const cases: [string, string][] = [
      ['/api/reports/daily-summary?from=2026-02-30&to=2026-03-01', 'invalid_date'],
      ['/api/reports/daily-summary?from=yesterday', 'invalid_date'],
      ['/api/reports/daily-summary?from=2026-03-05&to=2026-03-01', 'invalid_date_range'],
      ['/api/reports/daily-summary?from=2026-01-01&to=2026-04-04', 'date_range_too_long'],
      ['/api/reports/daily-summary?format=xml', 'invalid_format'],
      ['/api/reports/fees?group=week', 'invalid_group'],
      ['/api/reports/fees?from=2026-03-01&to=2026-3-5', 'invalid_date'],
    ];
    for (const [path, code] of cases) {
      const response = await get(path);
      const body = await response.json();
      expect([path, response.status, body.error.code]).toEqual([path, 400, code]);
      expect(body.error.message.length).toBeGreaterThan(10);
    }
    const post = (body: unknown) => fetch(`${settle.url}/api/reports/daily-summary/runs`, {
      method: 'POST', headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    const before = await settle.services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM report_runs');
    expect((await (await post({ from: '2020-01-01', to: '2026-03-31' })).json()).error.code).toBe('date_range_too_long');
    expect((await (await post({ from: '2026-03-01' })).json()).error.code).toBe('invalid_request');
    expect(await settle.services.db.query('SELECT count(*)::int AS n FROM report_runs')).toEqual(before);
    expect((await json('/api/reports/runs/rr_nope')).error.code).toBe('report_run_not_found');
  });
});
