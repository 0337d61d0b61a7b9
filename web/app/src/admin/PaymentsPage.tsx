// Top-level admin screen: payments list, ledger balances, and API errors as a banner.
import { Banner, BlockStack, Card, Layout, Page, SkeletonBodyText } from '@shopify/polaris';
import { usePayments } from './usePayments';
import { PaymentsTable } from './PaymentsTable';
import { BalancesCard } from './BalancesCard';
import { StripeAccessBanner } from './StripeAccessBanner';

export function PaymentsPage() {
  const { data, error, loading } = usePayments();

  return (
    <Page title="Payments" subtitle={data?.merchant.name}>
      <Layout>
        <StripeAccessBanner />
        {error ? (
          <Layout.Section>
            <Banner tone="critical" title={error.status === 401 ? 'You are signed out' : "Couldn't load payments"}>
              <p>{error.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            {data ? (
              <Card padding="0">
                <PaymentsTable payments={data.payments} loading={false} />
              </Card>
            ) : loading ? (
              <Card>
                <SkeletonBodyText lines={4} />
              </Card>
            ) : null}
            {data ? <BalancesCard balances={data.balances} /> : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
