// The daily summary as a table: one row per day and channel in the chosen currency, newest first,
// and the range's totals in the footer.
import { DataTable } from '@shopify/polaris';
import { displayMoney } from '../money';
import { formatDay, locale } from './format';
import type { Figure, SummaryRow, SummaryTotals } from './reports-api';

const CHANNELS: Record<string, string> = {
  woocommerce: 'WooCommerce store', shopify: 'Shopify store', counter: 'Counter (in person)', stripe: 'Stripe (outside Settle)',
};
export const channelName = (channel: string) => CHANNELS[channel] ?? channel;

const SHOWN: { figure: Figure; heading: string }[] = [
  { figure: 'gross', heading: 'Gross' },
  { figure: 'refunds', heading: 'Refunds' },
  { figure: 'disputes', heading: 'Disputes' },
  { figure: 'fees', heading: 'Fees' },
  { figure: 'net', heading: 'Net' },
];

const cell = (row: SummaryRow | SummaryTotals, figure: Figure) => displayMoney(row[figure], row[`${figure}Formatted`], locale);

export function DailySummaryTable({ rows, totals }: { rows: SummaryRow[]; totals: SummaryTotals | undefined }) {
  const newestFirst = [...rows].sort((a, b) => b.day.localeCompare(a.day) || a.channel.localeCompare(b.channel));
  return (
    <DataTable
      columnContentTypes={['text', 'text', 'numeric', ...SHOWN.map(() => 'numeric' as const)]}
      headings={['Day', 'Channel', 'Sales', ...SHOWN.map((s) => s.heading)]}
      rows={newestFirst.map((r) => [formatDay(r.day), channelName(r.channel), r.sales, ...SHOWN.map((s) => cell(r, s.figure))])}
      totals={totals ? ['', '', totals.sales, ...SHOWN.map((s) => cell(totals, s.figure))] : undefined}
      showTotalsInFooter
      totalsName={{ singular: 'Total', plural: 'Total' }}
    />
  );
}
