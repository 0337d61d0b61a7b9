// Volume (gross sales), fees and net per day for one currency, across all channels. Amounts travel
// in minor units; the chart plots them in the currency's units only to draw (never to add money up).
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { currencyExponent, formatMinor } from '../money';
import { formatDay, locale } from './format';
import type { Range, SummaryRow } from './reports-api';

interface Point {
  day: string;
  volume: number;
  fees: number;
  net: number;
}

/** Every day of the range, a day without activity at zero, so the line does not skip it. */
export function dailyPoints(rows: SummaryRow[], currency: string, range: Range): Point[] {
  const byDay = new Map<string, Point>();
  for (let t = Date.parse(range.from); t <= Date.parse(range.to); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    byDay.set(day, { day, volume: 0, fees: 0, net: 0 });
  }
  for (const row of rows) {
    const point = byDay.get(row.day);
    if (!point || row.currency !== currency) continue;
    point.volume += row.gross.amount;
    point.fees += row.fees.amount;
    point.net += row.net.amount;
  }
  return [...byDay.values()];
}

const SERIES = [
  { key: 'volume', name: 'Volume', color: '#2c6ecb' },
  { key: 'fees', name: 'Fees', color: '#d82c0d' },
  { key: 'net', name: 'Net', color: '#008060' },
] as const;

export function ReportsChart({ rows, currency, range }: { rows: SummaryRow[]; currency: string; range: Range }) {
  const scale = 10 ** currencyExponent(currency, locale);
  const data = dailyPoints(rows, currency, range).map((p) => ({ day: p.day, volume: p.volume / scale, fees: p.fees / scale, net: p.net / scale }));
  const money = (value: unknown) => formatMinor(Math.round(Number(value) * scale), currency, locale);

  return (
    <div role="img" aria-label={`Volume, fees and net per day in ${currency}`} data-testid="reports-chart" style={{ width: '100%', height: 300 }}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickFormatter={formatDay} minTickGap={24} />
          <YAxis tickFormatter={money} width={88} />
          <Tooltip labelFormatter={(day) => formatDay(String(day))} formatter={(value) => money(value)} />
          {/* In the order drawn (volume, fees, net), not alphabetical. */}
          <Legend itemSorter={null} />
          <Bar dataKey="volume" name={SERIES[0].name} fill={SERIES[0].color} isAnimationActive={false} />
          <Line dataKey="fees" name={SERIES[1].name} stroke={SERIES[1].color} dot={false} isAnimationActive={false} />
          <Line dataKey="net" name={SERIES[2].name} stroke={SERIES[2].color} dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
