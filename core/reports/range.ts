import { SettleError } from '../errors';

/**
 * The days a report covers: calendar days in UTC, both ends included, as YYYY-MM-DD. UTC because
 * Stripe's own reports and payout arrival dates are in UTC, so a day here is the same day there.
 */
export interface ReportRange {
  from: string;
  to: string;
}

/** A report answered at once covers at most a quarter; longer ranges are prepared as a run with progress. */
export const MAX_DAYS_AT_ONCE = 93;
/** A prepared run covers at most three years. */
export const MAX_DAYS_PREPARED = 1096;

const DAY_MS = 86_400_000;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

function parseDay(name: string, value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : undefined;
  // 2026-02-30 parses as 2 March: a day that does not round-trip does not exist.
  if (!parsed || Number.isNaN(parsed.getTime()) || dayOf(parsed) !== text) {
    throw new SettleError('invalid_date', `${name} must be a calendar day written YYYY-MM-DD, e.g. 2026-11-01; got "${String(value ?? '')}".`);
  }
  return text;
}

/** How many days the range covers, both ends included. */
export const daysIn = (range: ReportRange) => Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY_MS) + 1;

/**
 * Reads `from` and `to` as a person gives them. Missing, they default to the 30 days ending today.
 * A day that does not exist, an end before the start, or more days than `maxDays` is a 400 with a
 * stable code and a message saying what to send instead.
 */
export function reportRange(input: { from?: unknown; to?: unknown }, maxDays = MAX_DAYS_AT_ONCE, today = new Date()): ReportRange {
  const to = input.to === undefined ? dayOf(today) : parseDay('to', input.to);
  const from = input.from === undefined ? dayOf(new Date(Date.parse(to) - 29 * DAY_MS)) : parseDay('from', input.from);
  const range = { from, to };
  if (from > to) throw new SettleError('invalid_date_range', `from (${from}) is after to (${to}): the first day comes first.`);
  if (daysIn(range) > maxDays) {
    throw new SettleError(
      'date_range_too_long',
      maxDays === MAX_DAYS_AT_ONCE
        ? `${daysIn(range)} days is more than the ${maxDays} a report shows at once. Choose a shorter range, or prepare the report for the longer one (it shows its progress).`
        : `${daysIn(range)} days is more than the ${maxDays} a prepared report covers. Choose a shorter range.`,
    );
  }
  return range;
}

/** The range's instants for SQL: from the start of `from` to the start of the day after `to`. */
export const rangeBounds = (range: ReportRange): [string, string] => [`${range.from}T00:00:00Z`, dayOf(new Date(Date.parse(range.to) + DAY_MS)) + 'T00:00:00Z'];

/** The range cut into calendar months (the first and last possibly partial): the steps of a prepared run. */
export function monthsOf(range: ReportRange): ReportRange[] {
  const months: ReportRange[] = [];
  let from = range.from;
  while (from <= range.to) {
    const start = new Date(`${from}T00:00:00Z`);
    const monthEnd = dayOf(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0)));
    const to = monthEnd < range.to ? monthEnd : range.to;
    months.push({ from, to });
    from = dayOf(new Date(Date.parse(to) + DAY_MS));
  }
  return months;
}
