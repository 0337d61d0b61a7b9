// The payout report: every payout to the bank with whether Settle explains it to the cent, and
// the chosen payout's summary and lines.
import { useCallback, useState } from 'react';
import { Banner, BlockStack, Card, Layout, Page, SkeletonBodyText } from '@shopify/polaris';
import { LoadError } from './LoadError';
import { fetchPayout, fetchPayouts } from './payouts-api';
import { useRefreshing } from './useRefreshing';
import { PayoutsTable } from './PayoutsTable';
import { PayoutReport } from './PayoutReport';

// A payout's report changes only if a late line is recorded: no need to re-read it every 5 s.
const REPORT_REFRESH_MS = 30_000;

function SelectedPayout({ id }: { id: string }) {
  const load = useCallback((signal: AbortSignal) => fetchPayout(id, signal), [id]);
  const { data, error } = useRefreshing(load, 'Something went wrong loading the payout.', REPORT_REFRESH_MS);
  if (error) {
    return (
      <Banner tone="critical" title="Couldn't load the payout">
        <p>{error.message}</p>
      </Banner>
    );
  }
  // A report for the previous choice is not shown under the new one while it loads.
  if (!data || data.payout.id !== id) {
    return (
      <Card>
        <SkeletonBodyText lines={6} />
      </Card>
    );
  }
  return <PayoutReport report={data} />;
}

export function PayoutsPage() {
  const { data, error, loading } = useRefreshing(fetchPayouts, 'Something went wrong loading payouts.');
  const [selectedId, setSelectedId] = useState<string | null>(null);

  return (
    <Page title="Payouts" subtitle="Each payout to your bank, explained line by line">
      <Layout>
        {error ? (
          <Layout.Section>
            <LoadError error={error} what="payouts" />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            {data ? (
              <Card padding="0">
                <PayoutsTable payouts={data.payouts} selectedId={selectedId} onSelect={setSelectedId} />
              </Card>
            ) : loading ? (
              <Card>
                <SkeletonBodyText lines={4} />
              </Card>
            ) : null}
            {selectedId ? <SelectedPayout id={selectedId} /> : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
