// The WooCommerce store connection: which store, since when, how far the import of its recent orders
// has got (a progress bar, "312 of 1,240 orders"), whether Settle's webhooks in the store still
// deliver (a table, one row a topic), and the connection secret the Settle plugin signs with.
import { useCallback, useEffect, useState } from 'react';
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, Link, Page, ProgressBar, SkeletonBodyText, Text, TextField } from '@shopify/polaris';
import { LoadError } from './LoadError';
import { ApiError } from './api';
import { formatDate, locale } from './format';
import { useRefreshing } from './useRefreshing';
import { ConnectionSecretCard } from './ConnectionSecretCard';
import { fetchStoreConnection, startOrderImport, type OrderImport, type StoreConnection } from './store-connection-api';

// Often enough to watch an import move; otherwise seldom, since each look also asks the store for its webhooks.
const WATCHING_MS = 2000;
const IDLE_MS = 15_000;
const count = new Intl.NumberFormat(locale);

const IMPORT_BADGES: Record<string, { tone?: 'success' | 'critical' | 'info'; label: string }> = {
  queued: { tone: 'info', label: 'Waiting to start' },
  running: { tone: 'info', label: 'Importing' },
  done: { tone: 'success', label: 'Imported' },
  failed: { tone: 'critical', label: 'Stopped' },
};

const WEBHOOK_STATUS: Record<string, { tone?: 'success' | 'critical' | 'warning'; label: string }> = {
  active: { tone: 'success', label: 'Active' },
  paused: { tone: 'warning', label: 'Paused' },
  disabled: { tone: 'critical', label: 'Disabled by WooCommerce' },
  missing: { tone: 'critical', label: 'Missing' },
  unknown: { label: 'Unknown' },
};

const TOPIC_NAMES: Record<string, string> = {
  'order.created': 'Order created', 'order.updated': 'Order updated', 'order.deleted': 'Order deleted', 'product.updated': 'Product updated',
};

/** "312 of 1,240 orders" (the total is known after the first page). */
function progressText(run: OrderImport): string {
  const { ordersDone, ordersTotal } = run.progress;
  return ordersTotal === null ? `${count.format(ordersDone)} orders` : `${count.format(ordersDone)} of ${count.format(ordersTotal)} orders`;
}

function ImportCard({ run, onStarted }: { run: OrderImport | null; onStarted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const unfinished = run?.status === 'queued' || run?.status === 'running';
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await startOrderImport();
      onStarted();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Settle could not start the import.');
    } finally {
      setBusy(false);
    }
  };
  const badge = run ? IMPORT_BADGES[run.status] ?? { label: run.status } : null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">Recent orders</Text>
            {badge ? <Badge tone={badge.tone}>{badge.label}</Badge> : null}
          </InlineStack>
          <Button onClick={() => void start()} loading={busy} disabled={unfinished}>Import again</Button>
        </InlineStack>
        {run ? (
          <>
            <Text as="p">
              Orders changed in the store since {formatDate(run.modifiedAfter)}: {progressText(run)}
              {run.status === 'done' ? ' imported' : unfinished ? ' so far' : ''}.
            </Text>
            <ProgressBar progress={run.progress.percent} size="small" tone={run.status === 'failed' ? 'critical' : run.status === 'done' ? 'success' : 'highlight'} />
            {run.status === 'failed' && run.error ? <Banner tone="critical" title="The import stopped">{run.error}</Banner> : null}
            {run.finishedAt && run.status === 'done' ? <Text as="p" tone="subdued">Finished {formatDate(run.finishedAt)}.</Text> : null}
          </>
        ) : (
          <Text as="p" tone="subdued">No import yet: the store's recent orders are imported when it is connected.</Text>
        )}
        {error ? <Banner tone="warning">{error}</Banner> : null}
      </BlockStack>
    </Card>
  );
}

function WebhooksCard({ webhooks }: { webhooks: StoreConnection['webhooks'] }) {
  const rows = webhooks.topics.map((t) => {
    const status = WEBHOOK_STATUS[t.status] ?? { label: t.status };
    return [
      TOPIC_NAMES[t.topic] ?? t.topic,
      <Badge key={t.topic} tone={status.tone}>{status.label}</Badge>,
      t.status === 'missing' || t.status === 'unknown' ? '—' : t.deliversToSettle ? 'Yes' : 'No: elsewhere',
      t.lastDeliveryAt ? formatDate(t.lastDeliveryAt) : 'None yet',
    ];
  });
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Webhooks</Text>
        <Text as="p" tone="subdued">
          WooCommerce tells Settle about changes in the store through these. It turns one off after failed deliveries; Settle checks them on a schedule,
          turns them back on and catches up on what was missed. {webhooks.lastCheckAt ? `Last checked ${formatDate(webhooks.lastCheckAt)}.` : 'Not checked yet.'}
        </Text>
        {webhooks.error ? <Banner tone="warning">{webhooks.error}</Banner> : null}
        <DataTable columnContentTypes={['text', 'text', 'text', 'text']} headings={['Topic', 'Status', 'Delivers to Settle', 'Last delivery received']} rows={rows} />
      </BlockStack>
    </Card>
  );
}

export function StoreConnectionPage() {
  const [version, setVersion] = useState(0);
  // A new `load` after an action refreshes at once instead of at the next tick.
  const load = useCallback((signal: AbortSignal) => fetchStoreConnection(signal), [version]);
  const [watching, setWatching] = useState(true);
  const { data, error } = useRefreshing(load, 'Something went wrong loading the store connection.', watching ? WATCHING_MS : IDLE_MS);
  const importing = data?.latestImport?.status === 'queued' || data?.latestImport?.status === 'running';
  useEffect(() => setWatching(importing), [importing]);
  const notConnected = error?.code === 'not_connected';

  return (
    <Page title="WooCommerce store" subtitle="The store Settle takes payments for, its orders and its webhooks">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {notConnected ? (
              <Banner tone="info" title="No store connected">
                <p>Install the Settle plugin in WordPress and press "Connect to Settle" in its settings.</p>
              </Banner>
            ) : error ? <LoadError error={error} what="the store connection" /> : null}
            {data ? (
              <>
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">Connection</Text>
                    <Text as="p">
                      Store: <Link url={data.store.siteUrl} target="_blank">{data.store.siteUrl}</Link>
                    </Text>
                    <Text as="p">Connected since {data.store.connectedAt ? formatDate(data.store.connectedAt) : '—'}</Text>
                    <TextField label="Store ID (for the plugin's settings)" value={data.store.storeId} readOnly autoComplete="off" monospaced />
                  </BlockStack>
                </Card>
                <ImportCard run={data.latestImport} onStarted={() => setVersion((v) => v + 1)} />
                <WebhooksCard webhooks={data.webhooks} />
                <ConnectionSecretCard />
              </>
            ) : !error ? (
              <Card>
                <SkeletonBodyText lines={6} />
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
