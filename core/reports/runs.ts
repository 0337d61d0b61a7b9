import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import { newId } from '../ids';
import { dailySummary, summaryRowFromJson, type DailySummaryRow } from './daily-summary';
import { daysIn, monthsOf, type ReportRange } from './range';

/**
 * A report prepared in the background, because its range is too long to answer at once: the
 * daily summary over up to three years. The worker computes it a month at a time and counts each
 * month done, so the page can show how far it has got (and a run picked up again after a crash
 * resumes at the month it stopped at).
 */
export interface ReportRun {
  id: string;
  report: 'daily_summary';
  range: ReportRange;
  status: 'queued' | 'running' | 'done' | 'failed';
  stepsDone: number;
  stepsTotal: number;
  /** What went wrong, in words, for a failed run. */
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

type RunRow = {
  id: string; report: 'daily_summary'; from_day: string; to_day: string; status: ReportRun['status']; steps_done: number; steps_total: number;
  error: string | null; created_at: Date | string; updated_at: Date | string;
};
const RUN_COLUMNS = 'id, report, from_day::text AS from_day, to_day::text AS to_day, status, steps_done, steps_total, error, created_at, updated_at';

const runFrom = (r: RunRow): ReportRun => ({
  id: r.id, report: r.report, range: { from: r.from_day, to: r.to_day }, status: r.status, stepsDone: r.steps_done, stepsTotal: r.steps_total,
  error: r.error, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

/** The job id the worker knows a run by (the same run enqueued twice is one job). */
export const reportRunJobId = (runId: string) => `report-run:${runId}`;

/**
 * Records a run of the daily summary over `range` and hands it to the worker. A run of the same
 * range still being prepared is answered instead of a second one (a page reloaded, a double click).
 */
export async function startDailySummaryRun(settle: Settle, merchantId: string, range: ReportRange): Promise<ReportRun> {
  const [unfinished] = await settle.db.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM report_runs
      WHERE merchant_id = $1 AND report = 'daily_summary' AND from_day = $2 AND to_day = $3 AND status IN ('queued', 'running')
      ORDER BY created_at DESC LIMIT 1`,
    [merchantId, range.from, range.to],
  );
  if (unfinished) return runFrom(unfinished);
  const [row] = await settle.db.query<RunRow>(
    `INSERT INTO report_runs (id, merchant_id, report, from_day, to_day, status, steps_total)
     VALUES ($1, $2, 'daily_summary', $3, $4, 'queued', $5) RETURNING ${RUN_COLUMNS}`,
    [newId('rr'), merchantId, range.from, range.to, monthsOf(range).length],
  );
  const run = runFrom(row!);
  await settle.jobs.enqueue('reports', reportRunJobId(run.id), { runId: run.id });
  return run;
}

/** A run of this merchant's, or undefined (another merchant's run reads as one that does not exist). */
export async function findReportRun(db: Queryable, merchantId: string, runId: string): Promise<ReportRun | undefined> {
  const [row] = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM report_runs WHERE merchant_id = $1 AND id = $2`, [merchantId, runId]);
  return row && runFrom(row);
}

/** The rows a finished run prepared, day by day. */
export async function reportRunRows(db: Queryable, merchantId: string, runId: string): Promise<DailySummaryRow[]> {
  const [row] = await db.query<{ rows: unknown[] }>(`SELECT rows FROM report_runs WHERE merchant_id = $1 AND id = $2`, [merchantId, runId]);
  return (row?.rows ?? []).map(summaryRowFromJson);
}

/**
 * The worker's part: computes the months not yet done, one at a time. Each month's rows and its
 * count go in one UPDATE that applies only if no one else did that month meanwhile, so running
 * this twice, or again after a crash, gives the same rows once. A failure is recorded on the run
 * (the page says so and the merchant can start again) rather than retried blindly.
 */
export async function prepareReportRun(settle: Settle, runId: string): Promise<string> {
  const [row] = await settle.db.query<RunRow & { merchant_id: string }>(`SELECT ${RUN_COLUMNS}, merchant_id FROM report_runs WHERE id = $1`, [runId]);
  if (!row) return 'unknown report run';
  const run = runFrom(row);
  if (run.status === 'done' || run.status === 'failed') return `already ${run.status}`;
  const months = monthsOf(run.range);
  try {
    for (let step = run.stepsDone; step < months.length; step++) {
      const rows = await dailySummary(settle.db, row.merchant_id, months[step]!);
      const updated = await settle.db.query(
        `UPDATE report_runs SET rows = rows || $3::jsonb, steps_done = steps_done + 1,
                status = CASE WHEN steps_done + 1 = steps_total THEN 'done' ELSE 'running' END, updated_at = now()
          WHERE id = $1 AND steps_done = $2 RETURNING id`,
        [runId, step, JSON.stringify(rows)],
      );
      if (updated.length === 0) return 'another worker is preparing this run';
    }
  } catch (error) {
    await settle.db.query(`UPDATE report_runs SET status = 'failed', error = $2, updated_at = now() WHERE id = $1`, [
      runId, `The report could not be prepared: ${(error as Error).message}`,
    ]);
    return 'failed';
  }
  return `prepared ${daysIn(run.range)} days in ${months.length} months`;
}

/** Runs not finished, oldest first: the worker's sweep enqueues them again in case their enqueue was lost. */
export async function unfinishedReportRuns(db: Queryable, limit: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM report_runs WHERE status IN ('queued', 'running') ORDER BY created_at LIMIT $1`, [limit]);
  return rows.map((r) => r.id);
}
