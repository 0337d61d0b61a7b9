import { describe, expect, it } from 'vitest';
import { SettleError } from '../errors';
import { monthsOf, rangeBounds, reportRange } from './range';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as SettleError).code;
  }
  return 'no error';
};

describe('report ranges', () => {
  it('defaults to the 30 days ending today (UTC), both ends included', () => {
    expect(reportRange({}, 93, new Date('2026-03-31T23:30:00Z'))).toEqual({ from: '2026-03-02', to: '2026-03-31' });
    expect(rangeBounds({ from: '2026-03-01', to: '2026-03-31' })).toEqual(['2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z']);
  });

  it('refuses days that do not exist, an end before the start and too many days, each with its code', () => {
    expect(codeOf(() => reportRange({ from: '2025-02-29', to: '2025-03-01' }))).toBe('invalid_date');
    expect(reportRange({ from: '2028-02-29', to: '2028-03-01' })).toEqual({ from: '2028-02-29', to: '2028-03-01' });
    expect(codeOf(() => reportRange({ from: ['2026-01-01'] }))).toBe('invalid_date');
    expect(codeOf(() => reportRange({ from: '2026-03-02', to: '2026-03-01' }))).toBe('invalid_date_range');
    expect(codeOf(() => reportRange({ from: '2026-01-01', to: '2026-04-03' }))).toBe('no error'); // 93 days
    expect(codeOf(() => reportRange({ from: '2026-01-01', to: '2026-04-04' }))).toBe('date_range_too_long');
  });

  it('cuts a range into calendar months, the ends partial', () => {
    expect(monthsOf({ from: '2025-12-15', to: '2026-03-02' })).toEqual([
      { from: '2025-12-15', to: '2025-12-31' },
      { from: '2026-01-01', to: '2026-01-31' },
      { from: '2026-02-01', to: '2026-02-28' },
      { from: '2026-03-01', to: '2026-03-02' },
    ]);
    expect(monthsOf({ from: '2026-03-05', to: '2026-03-05' })).toEqual([{ from: '2026-03-05', to: '2026-03-05' }]);
  });
});
