// The merchant's QuickBooks connection: "Connect to QuickBooks" until a company is connected, then
// which company and a Disconnect button in its place (Intuit's guidelines).
import { useState } from 'react';
import { BlockStack, Button, Card, InlineStack, Text } from '@shopify/polaris';
import { disconnectQuickBooks, fetchConnections } from './connections-api';
import { ConnectToQuickBooksButton } from './ConnectToQuickBooksButton';
import { useRefreshing } from './useRefreshing';
import { MappingStep } from './books/MappingStep';
import { PostingModeCard } from './books/PostingModeCard';

export function QuickBooksCard() {
  const { data } = useRefreshing(fetchConnections, 'Something went wrong loading your connections.');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [mapping, setMapping] = useState(false);
  const quickBooks = data?.connections.find((c) => c.platform === 'quickbooks');
  const connected = quickBooks?.status === 'active';

  const disconnect = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await disconnectQuickBooks();
      window.location.reload();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
      setBusy(false);
    }
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          QuickBooks
        </Text>
        {connected ? (
          <InlineStack gap="400" blockAlign="center" align="space-between">
            <Text as="p">Your sales, fees, refunds and payouts are posted to QuickBooks company {quickBooks.settings?.realmId ?? ''}.</Text>
            <InlineStack gap="200">
              <Button onClick={() => setMapping(!mapping)} disclosure={mapping ? 'up' : 'down'}>
                Accounts and products
              </Button>
              <Button tone="critical" onClick={() => void disconnect()} loading={busy}>
                Disconnect
              </Button>
            </InlineStack>
          </InlineStack>
        ) : (
          <BlockStack gap="200">
            <Text as="p" tone="subdued">
              Connect your QuickBooks Online company and Settle posts every sale, fee, refund and payout to your books.
            </Text>
            <div>
              <ConnectToQuickBooksButton />
            </div>
          </BlockStack>
        )}
        {connected ? <PostingModeCard /> : null}
        {connected && mapping ? <MappingStep /> : null}
        {problem ? <Text as="p" tone="critical">{problem}</Text> : null}
      </BlockStack>
    </Card>
  );
}
