// Tells the merchant, above their payments, when Settle can no longer reach their QuickBooks company
// (Intuit refused Settle's access: the company disconnected Settle, or the access ran out). Sales wait
// to be posted, not lost; connecting again posts them.
import { Banner, BlockStack, Layout, Text } from '@shopify/polaris';
import { fetchConnections } from './connections-api';
import { ConnectToQuickBooksButton } from './ConnectToQuickBooksButton';
import { useRefreshing } from './useRefreshing';

export function QuickBooksAccessBanner() {
  const { data } = useRefreshing(fetchConnections, 'Something went wrong loading your connections.');
  const quickBooks = data?.connections.find((c) => c.platform === 'quickbooks');
  if (quickBooks?.status !== 'revoked') return null;
  return (
    <Layout.Section>
      <Banner tone="critical" title="Settle can no longer reach your QuickBooks company">
        <BlockStack gap="200">
          <Text as="p">
            QuickBooks refused Settle's access (the company disconnected Settle, or the access ran out). New sales, fees and payouts wait to be posted
            to your books; connect the same company again and Settle posts them.
          </Text>
          <div>
            <ConnectToQuickBooksButton />
          </div>
        </BlockStack>
      </Banner>
    </Layout.Section>
  );
}
