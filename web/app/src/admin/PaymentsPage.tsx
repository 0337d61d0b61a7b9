// Top-level admin screen: payments list, the chosen payment's actions and refunds, ledger
// balances, and API errors as a banner.
import { useState } from 'react';
import { BlockStack, Card, Layout, Page, SkeletonBodyText } from '@shopify/polaris';
import { LoadError } from './LoadError';
import { usePayments } from './usePayments';
import { PaymentsTable } from './PaymentsTable';
import { BalancesCard } from './BalancesCard';
import { PaymentActions } from './PaymentActions';
import { StripeAccessBanner } from './StripeAccessBanner';
import { QuickBooksAccessBanner } from './QuickBooksAccessBanner';
import { QuickBooksCard } from './QuickBooksCard';
import { BooksFlagsCard } from './BooksFlagsCard';

export function PaymentsPage() {
  const { data, error, loading } = usePayments();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = data?.payments.find((p) => p.id === selectedId) ?? null;

  return (
    <Page title="Payments" subtitle={data?.merchant.name}>
      <Layout>
        <StripeAccessBanner />
        <QuickBooksAccessBanner />
        {error ? (
          <Layout.Section>
            <LoadError error={error} what="payments" />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            {data ? (
              <Card padding="0">
                <PaymentsTable payments={data.payments} loading={false} selectedId={selectedId} onSelect={setSelectedId} />
              </Card>
            ) : loading ? (
              <Card>
                <SkeletonBodyText lines={4} />
              </Card>
            ) : null}
            {/* Keyed by payment and status: a capture or release starts the card afresh for what is now possible. */}
            {selected ? <PaymentActions key={`${selected.id}:${selected.status}`} payment={selected} /> : null}
            {data ? <BalancesCard balances={data.balances} /> : null}
            <BooksFlagsCard />
            <QuickBooksCard />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
