// The sync log: every document Settle posted to QuickBooks, newest first, with the sale, fee, refund
// or payout it came from and a link to it in QuickBooks. A posted document can be undone (voided, or
// deleted where QuickBooks has no void) after a confirmation; an undone one can be posted again.
import { useCallback, useState } from 'react';
import { Badge, Banner, BlockStack, Button, ButtonGroup, Card, IndexTable, InlineStack, Link, Pagination, Select, SkeletonBodyText, Text } from '@shopify/polaris';
import { ApiError } from '../api';
import { formatDate } from '../format';
import { useRefreshing } from '../useRefreshing';
import { fetchSyncLog, send, type LogDocument } from './review-api';

const PER_PAGE = 20;
const FILTERS = [
  { label: 'All documents', value: '' },
  { label: 'Posted', value: 'posted' },
  { label: 'Undone', value: 'undone' },
];
/** What undo does to each kind of document in QuickBooks. */
const UNDO_VERB: Record<string, string> = { SalesReceipt: 'Void' };

function UndoConfirm({ doc, by, onDone, onCancel }: { doc: LogDocument; by: string; onDone: (text: string) => void; onCancel: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const verb = UNDO_VERB[doc.documentType] ?? 'Delete';
  const confirm = async () => {
    setBusy(true);
    try {
      await send('POST', `/api/books/documents/${encodeURIComponent(doc.id)}/undo`, by ? { by } : {});
      onDone(`${doc.documentType} ${doc.documentId} was ${verb === 'Void' ? 'voided' : 'deleted'} in QuickBooks. Your ledger is unchanged.`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Something went wrong.');
      setBusy(false);
    }
  };
  return (
    <Banner tone="warning" title={`${verb} ${doc.documentType} ${doc.documentId} in QuickBooks?`}>
      <BlockStack gap="200">
        <p>
          {verb === 'Void' ? 'QuickBooks keeps the document with every amount at zero.' : 'QuickBooks removes the document.'} Settle records who undid it and when; the sale
          stays in Settle's ledger, and you can post it again after fixing what was wrong.
        </p>
        {error ? <Text as="p" tone="critical">{error}</Text> : null}
        <ButtonGroup>
          <Button variant="primary" tone="critical" loading={busy} onClick={() => void confirm()}>{`${verb} in QuickBooks`}</Button>
          <Button disabled={busy} onClick={onCancel}>Cancel</Button>
        </ButtonGroup>
      </BlockStack>
    </Banner>
  );
}

export function SyncLogPage({ by }: { by: string }) {
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const [version, setVersion] = useState(0);
  const [confirming, setConfirming] = useState<LogDocument | null>(null);
  const [message, setMessage] = useState<{ tone: 'success' | 'critical'; text: string } | null>(null);
  const load = useCallback(
    (signal: AbortSignal) => fetchSyncLog({ status: (status || undefined) as 'posted' | 'undone' | undefined, page, perPage: PER_PAGE }, signal).then((l) => ({ ...l, version })),
    [status, page, version],
  );
  const { data, error } = useRefreshing(load, 'Something went wrong loading the sync log.');
  const postAgain = async (doc: LogDocument) => {
    try {
      await send('POST', `/api/books/documents/${encodeURIComponent(doc.id)}/post-again`, {});
      setMessage({ tone: 'success', text: `Posting ${doc.entryDescription} to QuickBooks again.` });
      setVersion((v) => v + 1);
    } catch (e) {
      setMessage({ tone: 'critical', text: e instanceof ApiError ? e.message : 'Something went wrong.' });
    }
  };

  return (
    <Card padding="0">
      <BlockStack gap="300">
        <div style={{ padding: 'var(--p-space-400) var(--p-space-400) 0' }}>
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">Sync log</Text>
            <div style={{ width: '12rem' }}>
              <Select label="Show" labelInline options={FILTERS} value={status} onChange={(v) => { setStatus(v); setPage(1); }} />
            </div>
          </InlineStack>
        </div>
        {error ? <Banner tone="critical">{error.message}</Banner> : null}
        {message ? <div style={{ padding: '0 var(--p-space-400)' }}><Banner tone={message.tone} onDismiss={() => setMessage(null)}>{message.text}</Banner></div> : null}
        {confirming ? (
          <div style={{ padding: '0 var(--p-space-400)' }}>
            <UndoConfirm
              doc={confirming} by={by}
              onCancel={() => setConfirming(null)}
              onDone={(text) => { setConfirming(null); setMessage({ tone: 'success', text }); setVersion((v) => v + 1); }}
            />
          </div>
        ) : null}
        {data ? (
          <>
            <IndexTable
              resourceName={{ singular: 'document', plural: 'documents' }}
              itemCount={data.documents.length}
              selectable={false}
              emptyState={<div style={{ padding: 'var(--p-space-400)' }}><Text as="p" tone="subdued">Nothing posted to QuickBooks yet.</Text></div>}
              headings={[{ title: 'Date' }, { title: 'Document' }, { title: 'From' }, { title: 'Amount', alignment: 'end' }, { title: 'Status' }, { title: '' }]}
            >
              {data.documents.map((d, index) => (
                <IndexTable.Row id={d.id} key={d.id} position={index}>
                  <IndexTable.Cell>{formatDate(d.date)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    {d.link ? <Link url={d.link} target="_blank">{`${d.documentType} ${d.documentId}`}</Link> : `${d.documentType} ${d.documentId}`}
                  </IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" truncate>{d.entryDescription}</Text></IndexTable.Cell>
                  <IndexTable.Cell><Text as="span" alignment="end" numeric>{d.amountFormatted}</Text></IndexTable.Cell>
                  <IndexTable.Cell>
                    {d.status === 'posted' ? <Badge tone="success">Posted</Badge> : <Badge tone="warning">{`${d.undone?.operation === 'deleted' ? 'Deleted' : 'Voided'} by ${d.undone?.by ?? 'Settle'}`}</Badge>}
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    {d.status === 'posted'
                      ? <Button size="slim" accessibilityLabel={`Undo ${d.documentType} ${d.documentId}`} onClick={() => setConfirming(d)}>Undo</Button>
                      : d.canPostAgain
                        ? <Button size="slim" variant="plain" accessibilityLabel={`Post ${d.documentType} ${d.documentId} again`} onClick={() => void postAgain(d)}>Post again</Button>
                        : <Text as="span" tone="subdued">Posted again</Text>}
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
            <div style={{ padding: '0 var(--p-space-400) var(--p-space-400)' }}>
              <InlineStack align="space-between" blockAlign="center">
                <Text as="p" tone="subdued">{data.total === 0 ? '' : `${(page - 1) * PER_PAGE + 1}–${(page - 1) * PER_PAGE + data.documents.length} of ${data.total}`}</Text>
                <Pagination hasPrevious={page > 1} onPrevious={() => setPage((p) => p - 1)} hasNext={page * PER_PAGE < data.total} onNext={() => setPage((p) => p + 1)} />
              </InlineStack>
            </div>
          </>
        ) : <div style={{ padding: 'var(--p-space-400)' }}><SkeletonBodyText lines={4} /></div>}
      </BlockStack>
    </Card>
  );
}
