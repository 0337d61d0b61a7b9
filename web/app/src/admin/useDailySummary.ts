// Loads the daily summary for a range: at once when the server answers at once (up to 93 days),
// otherwise by starting a run and polling it, exposing its progress so the page can show it.
import { useEffect, useState } from 'react';
import { ApiError } from './api';
import { fetchDailySummary, fetchRun, startDailySummaryRun, type DailySummary, type Range, type ReportRun } from './reports-api';

export const MAX_DAYS_AT_ONCE = 93;
const POLL_MS = 1000;

export interface DailySummaryState {
  data: DailySummary | null;
  /** While a long range is being prepared: how far it has got. */
  run: ReportRun | null;
  error: ApiError | null;
}

const daysIn = (range: Range) => Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1;

export function useDailySummary(range: Range): DailySummaryState {
  const [state, setState] = useState<DailySummaryState>({ data: null, run: null, error: null });
  const { from, to } = range;

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({ data: null, run: null, error: null });

    const poll = async (run: ReportRun): Promise<void> => {
      const body = await fetchRun(run.url, signal);
      if (body.run.status === 'done' && body.rows && body.totals) return setState({ data: { range: body.run.range, rows: body.rows, totals: body.totals }, run: body.run, error: null });
      if (body.run.status === 'failed') throw new ApiError(500, 'report_failed', body.run.error ?? 'The report could not be prepared.');
      setState({ data: null, run: body.run, error: null });
      timer = setTimeout(() => void poll(body.run).catch(fail), POLL_MS);
    };
    const fail = (err: unknown) => {
      if (signal.aborted) return;
      setState({ data: null, run: null, error: err instanceof ApiError ? err : new ApiError(0, 'unknown', 'Something went wrong loading the report.') });
    };

    const load = async () => {
      if (daysIn({ from, to }) <= MAX_DAYS_AT_ONCE) return setState({ data: await fetchDailySummary({ from, to }, signal), run: null, error: null });
      const run = await startDailySummaryRun({ from, to }, signal);
      setState({ data: null, run, error: null });
      await poll(run);
    };
    load().catch(fail);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [from, to]);

  return state;
}
