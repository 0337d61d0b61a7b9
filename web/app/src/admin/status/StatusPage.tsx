// Status: is everything connected and flowing? Each connection's health, when each platform last
// sent Settle a webhook, this merchant's work waiting (the queues are shared, so only their own),
// the books backlog, open exceptions, the last successful syncs, open alerts and where they are emailed.
import { Badge, BlockStack, Card, DataTable, InlineGrid, Layout, Page, SkeletonBodyText, Text } from '@shopify/polaris';
import { LoadError } from '../LoadError';
import { formatDate } from '../format';
import { useRefreshing } from '../useRefreshing';
import { fetchStatus, type StatusResponse } from './status-api';
import { AlertEmailCard } from './AlertEmailCard';

const HEALTH: Record<string, { label: string; tone: 'success' | 'critical' | 'warning' }> = {
  connected: { label: 'Connected', tone: 'success' },
  failing: { label: 'Failing', tone: 'warning' },
  revoked: { label: 'Access revoked', tone: 'critical' },
  disconnected: { label: 'Disconnected', tone: 'critical' },
};

const WORK: Record<string, string> = {
  inbound: 'Payment news from Stripe to apply',
  store: 'Store orders to update',
  books: 'Entries to post to the books',
  processor: 'Refunds to send to Stripe',
};

const when = (iso: string | null, never = 'Not yet') => (iso ? formatDate(iso) : never);

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">{label}</Text>
        <Text as="p" variant="headingLg">{value}</Text>
        {detail ? <Text as="p" tone="subdued">{detail}</Text> : null}
      </BlockStack>
    </Card>
  );
}

function StatusBody({ status }: { status: StatusResponse }) {
  return (
    <>
      <Layout.Section>
        <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
          <Figure label="Books backlog" value={`${status.booksBacklog.waiting} waiting`} detail={status.booksBacklog.oldestAt ? `Oldest since ${formatDate(status.booksBacklog.oldestAt)}` : 'Nothing waiting'} />
          <Figure label="Open exceptions" value={String(status.openExceptions)} detail="See the Exceptions tab" />
          <Figure label="Last store update" value={when(status.lastSync.store)} />
          <Figure label="Last posted to the books" value={when(status.lastSync.books)} />
        </InlineGrid>
      </Layout.Section>
      <Layout.Section>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Connections</Text>
            <div data-testid="connections"><DataTable
              columnContentTypes={['text', 'text', 'text']}
              headings={['Platform', 'Health', 'Problem']}
              rows={status.connections.map((c) => [
                c.name.charAt(0).toUpperCase() + c.name.slice(1),
                <Badge key={c.platform} tone={HEALTH[c.health]?.tone}>{HEALTH[c.health]?.label ?? c.health}</Badge>,
                c.problem ?? '—',
              ])}
            /></div>
          </BlockStack>
        </Card>
      </Layout.Section>
      <Layout.Section>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Last webhook received</Text>
              <div data-testid="last-webhooks"><DataTable
                columnContentTypes={['text', 'text']}
                headings={['From', 'When']}
                rows={status.lastWebhooks.map((w) => [w.name.charAt(0).toUpperCase() + w.name.slice(1), when(w.lastAt, 'None yet')])}
              /></div>
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Your work waiting</Text>
              <div data-testid="pending-work"><DataTable
                columnContentTypes={['text', 'numeric', 'numeric']}
                headings={['Work', 'Waiting', 'Retrying']}
                rows={status.pendingWork.map((w) => [WORK[w.queue] ?? w.queue, w.waiting, w.failing])}
              /></div>
            </BlockStack>
          </Card>
        </InlineGrid>
      </Layout.Section>
      <Layout.Section>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">Open alerts</Text>
            {status.alerts.length === 0 ? (
              <Text as="p" tone="subdued">No alerts: everything Settle watches is working.</Text>
            ) : (
              status.alerts.map((a) => (
                <BlockStack key={a.id} gap="050">
                  <Text as="p" fontWeight="semibold">{a.title}</Text>
                  <Text as="p">{a.message}</Text>
                  <Text as="p" tone="subdued">Since {formatDate(a.firstSeenAt)}</Text>
                </BlockStack>
              ))
            )}
          </BlockStack>
        </Card>
      </Layout.Section>
    </>
  );
}

export function StatusPage() {
  const { data, error, loading } = useRefreshing(fetchStatus, 'Something went wrong loading the status.');
  return (
    <Page title="Status" subtitle={data ? `Checked ${formatDate(data.checkedAt)}` : 'Is everything connected and flowing?'}>
      <Layout>
        {error ? (
          <Layout.Section>
            <LoadError error={error} what="the status" />
          </Layout.Section>
        ) : null}
        {data ? <StatusBody status={data} /> : loading ? (
          <Layout.Section>
            <Card><SkeletonBodyText lines={6} /></Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <AlertEmailCard />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

