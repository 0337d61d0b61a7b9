// Locale-aware date formatting for the admin table. The browser's locale is
// the merchant's; timestamps arrive as ISO strings in UTC.
export const locale: string | undefined = typeof navigator !== 'undefined' ? navigator.language : undefined;

const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFmt.format(d);
}

// A payout's arrival is a calendar day (YYYY-MM-DD), not an instant: shown as that day wherever the merchant is.
const dayFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });

export function formatDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : dayFmt.format(d);
}
