// The exceptions queue: every place where the store, Stripe and the books disagree, explained in
// plain words, with what can be done (retry Settle's step, re-fetch, accept with a note) and, for
// the chosen one, its audit trail. The sweep's progress shows while it runs.
import { useCallback, useState } from 'react';
import { Badge, Banner, BlockStack, Button, ButtonGroup, Card, EmptyState, IndexTable, InlineStack, Layout, Page, ProgressBar, SkeletonBodyText, Text, TextField } from '@shopify/polaris';
import { HelpPanel } from './help/HelpPanel';
import { EXCEPTIONS_HELP } from './help/help-text';
import { fetchAudit, fetchExceptions, KIND_LABELS, post, type ExceptionRow } from './exceptions-api';
import { useRefreshing } from './useRefreshing';
import { formatDate } from './format';
import { ApiError } from './api';

const EMPTY_IMAGE = 'data:image/svg+xml,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="226" height="160"><circle cx="113" cy="80" r="40" fill="#e3f1df"/></svg>');

function SelectedException({ row, onDone }: { row: ExceptionRow; onDone: () => void }) {
  const load = useCallback((signal: AbortSignal) => fetchAudit(row.id, signal), [row.id]);
  const { data } = useRefreshing(load, 'Something went wrong loading the audit trail.');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'success' | 'critical'; text: string } | null>(null);
  const act = async (action: 'retry' | 'refetch' | 'accept') => {
    setBusy(true);
    try {
      await post(`/api/reconciliation/exceptions/${row.id}/${action}`, action === 'accept' ? { note } : undefined);
      setMessage({ tone: 'success', text: action === 'retry' ? 'Queued: Settle is running its step again.' : action === 'refetch' ? 'Read again from the store.' : 'Accepted.' });
      onDone();
    } catch (error) {
      setMessage({ tone: 'critical', text: error instanceof ApiError ? error.message : 'Something went wrong.' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">{KIND_LABELS[row.kind] ?? row.kind}{row.orderNumber ? ` · order #${row.orderNumber}` : ''}</Text>
        <Text as="p">{row.explanation}</Text>
        {message ? <Banner tone={message.tone}>{message.text}</Banner> : null}
        <InlineStack gap="300" blockAlign="end">
          <ButtonGroup>
            {row.actions.includes('retry') ? <Button disabled={busy} onClick={() => void act('retry')}>Retry</Button> : null}
            {row.actions.includes('refetch') ? <Button disabled={busy} onClick={() => void act('refetch')}>Re-fetch</Button> : null}
          </ButtonGroup>
          {row.actions.includes('accept') ? (
            <InlineStack gap="200" blockAlign="end">
              <TextField label="Note" value={note} onChange={setNote} autoComplete="off" placeholder="Why this is fine, e.g. paid in cash" />
              <Button disabled={busy || note.trim() === ''} onClick={() => void act('accept')}>Accept with note</Button>
            </InlineStack>
          ) : null}
        </InlineStack>
        <Text as="h3" variant="headingSm">Audit trail</Text>
        {data ? (
          <BlockStack gap="100">
            {data.audit.map((a) => (
              <Text as="p" key={a.id} tone="subdued">{formatDate(a.at)} · {a.actor === 'sweep' ? 'Settle' : 'You'} {a.action}: {a.detail}</Text>
            ))}
          </BlockStack>
        ) : <SkeletonBodyText lines={2} />}
      </BlockStack>
    </Card>
  );
}

export function ExceptionsPage() {
  const [version, setVersion] = useState(0);
  // A new version (after an action or "Check now") reloads at once instead of at the next tick.
  const load = useCallback((signal: AbortSignal) => fetchExceptions(signal).then((v) => ({ ...v, version })), [version]);
  const { data, error, loading } = useRefreshing(load, 'Something went wrong loading exceptions.');
  const [selected, setSelected] = useState<number | null>(null);
  const sweep = data?.sweep;
  const running = sweep && !sweep.finishedAt;
  const chosen = data?.exceptions.find((e) => e.id === selected);

  return (
    <Page
      title="Exceptions"
      subtitle="Where your store, Stripe and your books disagree"
      primaryAction={{ content: 'Check now', disabled: Boolean(running), onAction: () => void post('/api/reconciliation/sweep').then(() => setVersion((v) => v + 1)) }}
    >
      <Layout>
        {error ? (
          <Layout.Section>
            <Banner tone="critical" title="Couldn't load exceptions"><p>{error.message}</p></Banner>
          </Layout.Section>
        ) : null}
        {sweep ? (
          <Layout.Section>
            <Card>
              {running ? (
                <BlockStack gap="200">
                  <Text as="p">Checking ({sweep.stage.replaceAll('_', ' ')}): {sweep.done} of {sweep.total}</Text>
                  <ProgressBar progress={sweep.total > 0 ? Math.round((100 * sweep.done) / sweep.total) : 0} size="small" />
                </BlockStack>
              ) : (
                <Text as="p" tone="subdued">Last checked {formatDate(sweep.finishedAt ?? sweep.startedAt)}{sweep.stage === 'failed' ? ' (the check failed; it runs again soon)' : ''}</Text>
              )}
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <HelpPanel topic={EXCEPTIONS_HELP} />
            {data ? (
              data.exceptions.length === 0 ? (
                <Card><EmptyState heading="Everything agrees" image={EMPTY_IMAGE}><p>Your store, Stripe and your books match.</p></EmptyState></Card>
              ) : (
                <Card padding="0">
                  <IndexTable
                    resourceName={{ singular: 'exception', plural: 'exceptions' }}
                    itemCount={data.exceptions.length}
                    selectable={false}
                    headings={[{ title: 'Order' }, { title: 'What' }, { title: 'Explanation' }, { title: 'First seen' }]}
                  >
                    {data.exceptions.map((e, index) => (
                      <IndexTable.Row id={String(e.id)} key={e.id} position={index} selected={e.id === selected} onClick={() => setSelected(e.id)}>
                        <IndexTable.Cell>{e.orderNumber ? `#${e.orderNumber}` : '—'}</IndexTable.Cell>
                        <IndexTable.Cell><Badge tone="attention">{KIND_LABELS[e.kind] ?? e.kind}</Badge></IndexTable.Cell>
                        <IndexTable.Cell><Text as="span" truncate>{e.explanation}</Text></IndexTable.Cell>
                        <IndexTable.Cell>{formatDate(e.firstSeenAt)}</IndexTable.Cell>
                      </IndexTable.Row>
                    ))}
                  </IndexTable>
                </Card>
              )
            ) : loading ? <Card><SkeletonBodyText lines={4} /></Card> : null}
            {chosen ? <SelectedException row={chosen} onDone={() => setVersion((v) => v + 1)} /> : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
