// Disputes: each payment a shopper's bank pulled back, what it was for, where it stands and the day
// evidence is due by; opening one shows the evidence form (or what was sent).
import { useState } from 'react';
import { BlockStack, Card, IndexTable, Layout, Page, SkeletonBodyText, Text } from '@shopify/polaris';
import { LoadError } from './LoadError';
import { displayMoney } from '../money';
import { fetchDisputes, type DisputeRow } from './actions-api';
import { formatDate, locale } from './format';
import { useRefreshing } from './useRefreshing';
import { StatusBadge } from './StatusBadge';
import { disputeBadge, disputeReason } from './dispute-labels';
import { DisputeEvidenceForm } from './DisputeEvidenceForm';
import { HelpPanel } from './help/HelpPanel';
import { DISPUTE_HELP } from './help/help-text';

function DisputesTable({ disputes, selectedId, onSelect }: { disputes: DisputeRow[]; selectedId: string | null; onSelect: (id: string) => void }) {
  const rows = disputes.map((d, index) => (
    <IndexTable.Row id={d.id} key={d.id} position={index} selected={d.id === selectedId} onClick={() => onSelect(d.id)}>
      <IndexTable.Cell>
        <Text as="span" variant="bodyMd" fontWeight="semibold">#{d.orderNumber}</Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="p" alignment="end" numeric>{displayMoney(d.amount, d.amountFormatted, locale)}</Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{disputeReason(d.reason)}</IndexTable.Cell>
      <IndexTable.Cell>
        <StatusBadge spec={disputeBadge(d.status)} status={d.status} testId="dispute-status" />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" tone="subdued">{d.evidenceDueBy ? formatDate(d.evidenceDueBy) : '—'}</Text>
      </IndexTable.Cell>
    </IndexTable.Row>
  ));
  return (
    <IndexTable
      resourceName={{ singular: 'dispute', plural: 'disputes' }}
      itemCount={disputes.length}
      selectable={false}
      emptyState={
        <div style={{ padding: 'var(--p-space-400)' }}>
          <Text as="p" tone="subdued">No disputes. If a shopper’s bank disputes a payment, it shows up here with the day evidence is due.</Text>
        </div>
      }
      headings={[{ title: 'Payment' }, { title: 'Amount', alignment: 'end' }, { title: 'Reason' }, { title: 'Status' }, { title: 'Evidence due by' }]}
    >
      {rows}
    </IndexTable>
  );
}

export function DisputesPage() {
  const { data, error, loading } = useRefreshing(fetchDisputes, 'Something went wrong loading disputes.');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = data?.disputes.find((d) => d.id === selectedId) ?? null;

  return (
    <Page title="Disputes" subtitle="Payments a shopper’s bank pulled back, and your answer">
      <Layout>
        {error ? (
          <Layout.Section>
            <LoadError error={error} what="disputes" />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <HelpPanel topic={DISPUTE_HELP} />
            {data ? (
              <Card padding="0">
                <DisputesTable disputes={data.disputes} selectedId={selectedId} onSelect={setSelectedId} />
              </Card>
            ) : loading ? (
              <Card>
                <SkeletonBodyText lines={4} />
              </Card>
            ) : null}
            {selected ? <DisputeEvidenceForm key={selected.id} dispute={selected} /> : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
