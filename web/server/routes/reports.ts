import { json, Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { toDecimal, type Money } from '../../../core/money';
import { SettleError } from '../../../core/errors';
import { dailySummary, summaryTotals, SUMMARY_FIGURES, type DailySummaryRow } from '../../../core/reports/daily-summary';
import { payoutReconciliation, type PayoutReconciliationLine } from '../../../core/reports/payout-reconciliation';
import { feeReport, FEE_GROUPINGS, type FeeGrouping, type FeeReportRow } from '../../../core/reports/fees';
import { MAX_DAYS_PREPARED, reportRange, type ReportRange } from '../../../core/reports/range';
import { findReportRun, reportRunRows, startDailySummaryRun, type ReportRun } from '../../../core/reports/runs';
import { parseBody, route } from '../http';
import { formatMoney } from '../format';
import { spreadsheetText, toCsv } from '../csv';

/** JSON by default; `?format=csv` for the same report as an RFC 4180 download. */
function wantsCsv(req: Request): boolean {
  const format = req.query.format ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new SettleError('invalid_format', 'format must be json or csv.');
  return format === 'csv';
}

function grouping(req: Request): FeeGrouping {
  const group = req.query.group ?? 'day';
  if (!FEE_GROUPINGS.includes(group as FeeGrouping)) throw new SettleError('invalid_group', `group must be one of ${FEE_GROUPINGS.join(', ')}.`);
  return group as FeeGrouping;
}

function sendCsv(res: Response, filename: string, records: string[][]): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(toCsv(records));
}

const withFormatted = <T extends object>(row: T, figures: readonly (keyof T & string)[]) =>
  Object.assign({}, row, ...figures.map((f) => ({ [`${f}Formatted`]: formatMoney(row[f] as Money) })));

const summaryView = (range: ReportRange, rows: DailySummaryRow[]) => ({
  range,
  figures: SUMMARY_FIGURES,
  rows: rows.map((r) => withFormatted(r, SUMMARY_FIGURES)),
  totals: summaryTotals(rows).map((t) => withFormatted(t, SUMMARY_FIGURES)),
});

// Amounts in the currency's decimals (dollars and cents, whole yen), signed as the balance sees them.
const SUMMARY_CSV_HEADER = ['day_utc', 'currency', 'channel', 'sales', ...SUMMARY_FIGURES];
const summaryCsv = (rows: DailySummaryRow[]) => [
  SUMMARY_CSV_HEADER,
  ...rows.map((r) => [r.day, r.currency, spreadsheetText(r.channel), String(r.sales), ...SUMMARY_FIGURES.map((f) => toDecimal(r[f]))]),
];

const FEE_KEY_COLUMN: Record<FeeGrouping, string[]> = { day: ['day_utc'], payout: ['payout_id'], type: [] };
const feeCsv = (group: FeeGrouping, rows: FeeReportRow[]) => [
  [...FEE_KEY_COLUMN[group], 'currency', 'fee_type', 'reporting_category', 'count', 'amount'],
  ...rows.map((r) => [
    ...(group === 'type' ? [] : [spreadsheetText(r.key)]), r.currency, spreadsheetText(r.feeType), spreadsheetText(r.category), String(r.count), toDecimal(r.amount),
  ]),
];

// Stripe's column names where its itemized payout reconciliation report has one.
const RECONCILIATION_CSV_HEADER = [
  'payout_id', 'payout_arrival_date', 'payout_status', 'balance_transaction_id', 'created_utc', 'available_on_utc', 'reporting_category', 'source_id',
  'settle_payment_id', 'order_number', 'currency', 'gross', 'fee', 'net', 'exchange_rate',
];
const utc = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
const reconciliationCsv = (lines: PayoutReconciliationLine[]) => [
  RECONCILIATION_CSV_HEADER,
  ...lines.map((l) => [
    spreadsheetText(l.payoutId), l.payoutArrivalDate, spreadsheetText(l.payoutStatus), spreadsheetText(l.movementId), utc(l.occurredAt), utc(l.availableOn),
    spreadsheetText(l.category), spreadsheetText(l.sourceId), l.paymentId ?? '', spreadsheetText(l.orderNumber), l.net.currency,
    toDecimal(l.gross), toDecimal(l.fee), toDecimal(l.net), l.exchangeRate ?? '',
  ]),
];

const runView = (run: ReportRun) => ({
  id: run.id, report: run.report, range: run.range, status: run.status, error: run.error,
  progress: { done: run.stepsDone, total: run.stepsTotal, unit: 'month', percent: Math.floor((100 * run.stepsDone) / run.stepsTotal) },
  createdAt: run.createdAt.toISOString(), updatedAt: run.updatedAt.toISOString(),
  url: `/api/reports/runs/${run.id}`,
});

const RunRequest = z.object({ from: z.string(), to: z.string() });
const filenameRange = (range: ReportRange) => `${range.from}-to-${range.to}`;

/**
 * The merchant's reports: the daily summary and the fee report over a range of days (at once for
 * up to a quarter), and runs that prepare the daily summary over a longer range with progress.
 * Every report reads only the signed-in merchant's data.
 */
export function reportRoutes(services: Services, auth: RequestHandler): Router {
  const router = Router();

  router.get('/api/reports/daily-summary', auth, route(async (req, res) => {
    const csv = wantsCsv(req);
    const range = reportRange(req.query);
    const rows = await dailySummary(services.db, req.merchant!.id, range);
    if (csv) return sendCsv(res, `daily-summary-${filenameRange(range)}.csv`, summaryCsv(rows));
    res.json(summaryView(range, rows));
  }));

  router.get('/api/reports/fees', auth, route(async (req, res) => {
    const csv = wantsCsv(req);
    const group = grouping(req);
    const range = reportRange(req.query);
    const rows = await feeReport(services.db, req.merchant!.id, range, group);
    if (csv) return sendCsv(res, `fees-by-${group}-${filenameRange(range)}.csv`, feeCsv(group, rows));
    res.json({ range, group, rows: rows.map((r) => withFormatted(r, ['amount'])) });
  }));

  router.get('/api/reports/payout-reconciliation', auth, route(async (req, res) => {
    const csv = wantsCsv(req);
    const range = reportRange(req.query);
    const lines = await payoutReconciliation(services.db, req.merchant!.id, range);
    if (csv) return sendCsv(res, `payout-reconciliation-${filenameRange(range)}.csv`, reconciliationCsv(lines));
    res.json({
      range,
      lines: lines.map((l) => ({
        ...withFormatted(l, ['gross', 'fee', 'net']), occurredAt: l.occurredAt.toISOString(), availableOn: l.availableOn.toISOString(),
      })),
    });
  }));

  router.post('/api/reports/daily-summary/runs', auth, json({ limit: services.config.API_BODY_LIMIT }), route(async (req, res) => {
    const range = reportRange(parseBody(RunRequest, req), MAX_DAYS_PREPARED);
    const run = await startDailySummaryRun(services, req.merchant!.id, range);
    res.status(202).setHeader('Location', runView(run).url).json({ run: runView(run) });
  }));

  router.get('/api/reports/runs/:runId', auth, route(async (req, res) => {
    const csv = wantsCsv(req);
    const run = await findReportRun(services.db, req.merchant!.id, String(req.params.runId));
    if (!run) throw new SettleError('report_run_not_found', `There is no report run ${String(req.params.runId)} in this account.`, 404);
    if (csv && run.status !== 'done') throw new SettleError('report_not_ready', `The report is ${run.status}; download it once it is done.`, 409);
    const rows = run.status === 'done' ? await reportRunRows(services.db, req.merchant!.id, run.id) : [];
    if (csv) return sendCsv(res, `daily-summary-${filenameRange(run.range)}.csv`, summaryCsv(rows));
    res.json({ run: runView(run), ...(run.status === 'done' ? summaryView(run.range, rows) : {}) });
  }));
  return router;
}
