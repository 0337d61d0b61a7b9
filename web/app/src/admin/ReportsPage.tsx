// Reports: volume, fees and net over time as a chart, the daily summary as a table, and CSV
// downloads of the daily summary and the fee report. A range longer than a quarter is prepared by
// the server in the background; the page shows how far it has got meanwhile.
import { useMemo, useState } from 'react';
import { BlockStack, Button, Card, InlineStack, Layout, Page, ProgressBar, Select, SkeletonBodyText, Text } from '@shopify/polaris';
import { LoadError } from './LoadError';
import { csvUrls, type Range } from './reports-api';
import { useDailySummary } from './useDailySummary';
import { ReportsChart } from './ReportsChart';
import { DailySummaryTable } from './DailySummaryTable';
import { FeesCard } from './FeesCard';

const PRESETS = [
  { label: 'Last 7 days', value: '7' },
  { label: 'Last 30 days', value: '30' },
  { label: 'Last 90 days', value: '90' },
  { label: 'Last 12 months', value: '365' },
];

/** The `days` days ending today; days are UTC, as in Stripe's reports. */
function lastDays(days: number): Range {
  const today = new Date();
  const from = new Date(today.getTime() - (days - 1) * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: today.toISOString().slice(0, 10) };
}

export function ReportsPage() {
  const [preset, setPreset] = useState('30');
  const range = useMemo(() => lastDays(Number(preset)), [preset]);
  const { data, run, error } = useDailySummary(range);
  const [chosenCurrency, setCurrency] = useState<string | null>(null);
  const currencies = data?.totals.map((t) => t.currency) ?? [];
  // The busiest currency first, unless the merchant chose one.
  const busiest = [...(data?.totals ?? [])].sort((a, b) => b.gross.amount - a.gross.amount)[0]?.currency;
  const currency = chosenCurrency && currencies.includes(chosenCurrency) ? chosenCurrency : busiest;
  const urls = csvUrls(range);
  const summaryCsv = run ? `${run.url}?format=csv` : urls.dailySummary;

  return (
    <Page title="Reports" subtitle="Sales, refunds, disputes, fees and net, day by day">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <InlineStack gap="400" align="space-between" blockAlign="end" wrap>
                <InlineStack gap="400" blockAlign="end">
                  <Select label="Range" options={PRESETS} value={preset} onChange={setPreset} />
                  {currencies.length > 1 ? (
                    <Select label="Currency" options={currencies} value={currency ?? ''} onChange={setCurrency} />
                  ) : null}
                </InlineStack>
                <InlineStack gap="200">
                  <Button url={summaryCsv} download disabled={!data}>
                    Daily summary CSV
                  </Button>
                  <Button url={urls.feesByDay} download disabled={!data || Boolean(run)}>
                    Fees by day CSV
                  </Button>
                  <Button url={urls.feesByPayout} download disabled={!data || Boolean(run)}>
                    Fees by payout CSV
                  </Button>
                  <Button url={urls.payoutReconciliation} download disabled={!data || Boolean(run)}>
                    Payout lines CSV
                  </Button>
                </InlineStack>
              </InlineStack>
            </Card>

            {error ? (
              <LoadError error={error} what="the report" />
            ) : null}

            {run && !data ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="p" variant="bodyMd">
                    Preparing the report for {run.range.from} to {run.range.to}: {run.progress.done} of {run.progress.total} months done
                  </Text>
                  <ProgressBar progress={run.progress.percent} size="small" ariaLabelledBy={undefined} />
                </BlockStack>
              </Card>
            ) : null}

            {!data && !run && !error ? (
              <Card>
                <SkeletonBodyText lines={6} />
              </Card>
            ) : null}

            {data ? (
              currency ? (
                <>
                  <Card>
                    <BlockStack gap="200">
                      <Text as="h2" variant="headingMd">
                        Volume, fees and net per day ({currency})
                      </Text>
                      <ReportsChart rows={data.rows} currency={currency} range={data.range} />
                    </BlockStack>
                  </Card>
                  <Card padding="0">
                    <DailySummaryTable rows={data.rows.filter((r) => r.currency === currency)} totals={data.totals.find((t) => t.currency === currency)} />
                  </Card>
                  {/* The fee report answers up to a quarter at once; a prepared year has its CSV instead. */}
                  {run ? null : <FeesCard range={data.range} currency={currency} />}
                </>
              ) : (
                <Card>
                  <Text as="p" tone="subdued">
                    No sales, refunds, disputes or fees from {data.range.from} to {data.range.to}.
                  </Text>
                </Card>
              )
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
