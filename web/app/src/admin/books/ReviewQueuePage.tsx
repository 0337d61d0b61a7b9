// The bookkeeper's review queue: documents waiting for approval (each with a preview of exactly what
// QuickBooks will receive), documents QuickBooks refused (fix the mapping, retry, or dismiss with a
// note), the rules that approve by themselves, and the sync log of everything posted, with undo.
import { useCallback, useEffect, useState } from 'react';
import {
  Badge, Banner, BlockStack, Box, Button, ButtonGroup, Card, Collapsible, InlineStack, Layout, Page, Select, SkeletonBodyText, Text, TextField,
} from '@shopify/polaris';
import { ApiError } from '../api';
import { formatDate, formatDay } from '../format';
import { useRefreshing } from '../useRefreshing';
import { RulesCard } from './RulesCard';
import { SyncLogPage } from './SyncLogPage';
import { fetchChoices, fetchPreview, fetchReviewQueue, send, type Preview, type RefusedItem, type WaitingItem } from './review-api';

type Notify = (tone: 'success' | 'critical', text: string) => void;
const failure = (e: unknown) => (e instanceof ApiError ? e.message : 'Something went wrong.');

/** Every `…Ref` in the body with the name QuickBooks shows for it, where it sits in the document. */
function namedReferences(value: unknown, path = ''): { where: string; name: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => namedReferences(v, `${path} Line ${i + 1} ·`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const ref = inner as { name?: unknown };
    if (key.endsWith('Ref') && ref && typeof ref.name === 'string') return [{ where: `${path} ${key.replace(/Ref$/, '')}`.trim(), name: ref.name }];
    return namedReferences(inner, key === 'Line' ? '' : path);
  });
}

function PreviewView({ id }: { id: string }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    fetchPreview(id, controller.signal).then(setPreview, (e: unknown) => !controller.signal.aborted && setError(failure(e)));
    return () => controller.abort();
  }, [id]);
  if (error) return <Banner tone="critical">{error}</Banner>;
  if (!preview) return <SkeletonBodyText lines={3} />;
  return (
    <BlockStack gap="200">
      <Text as="p" fontWeight="semibold">{`QuickBooks will receive this ${preview.documentType}:`}</Text>
      {namedReferences(preview.body).map((r) => (
        <Text as="p" key={`${r.where}:${r.name}`}>{`${r.where}: ${r.name}`}</Text>
      ))}
      {preview.wouldCreate.length > 0 ? (
        <Text as="p" tone="caution">{`Posting also creates in QuickBooks: ${preview.wouldCreate.map((n) => n.replace(/^\(new\) /, '')).join(', ')}.`}</Text>
      ) : null}
      <Box background="bg-surface-secondary" padding="200" borderRadius="200">
        <pre aria-label="QuickBooks document" style={{ margin: 0, whiteSpace: 'pre-wrap', fontSize: '12px' }}>{JSON.stringify(preview.body, null, 2)}</pre>
      </Box>
    </BlockStack>
  );
}

function WaitingRow({ item, by, notify }: { item: WaitingItem; by: string; notify: Notify }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    try {
      await send('POST', `/api/books/review/${item.id}/${decision}`, { ...(by ? { by } : {}), ...(note.trim() ? { note: note.trim() } : {}) });
      notify('success', decision === 'approve' ? `Approved: ${item.entryDescription} is being posted to QuickBooks.` : `Rejected: ${item.entryDescription} will not be posted.`);
    } catch (e) {
      notify('critical', failure(e));
      setBusy(false);
    }
  };
  return (
    <Box padding="400" borderBlockEndWidth="025" borderColor="border">
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center" gap="300">
          <BlockStack gap="100">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h3" fontWeight="semibold">{item.entryDescription}</Text>
              <Badge>{item.kindLabel}</Badge>
              <Text as="span" numeric>{item.amountFormatted}</Text>
            </InlineStack>
            <Text as="p" tone="subdued">{`${formatDay(item.date)} · ${item.reason}`}</Text>
          </BlockStack>
          <ButtonGroup>
            <Button disclosure={open ? 'up' : 'down'} onClick={() => setOpen((o) => !o)} accessibilityLabel={`Preview ${item.entryDescription}`}>Preview</Button>
            <Button variant="primary" loading={busy} onClick={() => void decide('approve')} accessibilityLabel={`Approve ${item.entryDescription}`}>Approve</Button>
            <Button tone="critical" disabled={busy} onClick={() => void decide('reject')} accessibilityLabel={`Reject ${item.entryDescription}`}>Reject</Button>
          </ButtonGroup>
        </InlineStack>
        <TextField label="Note" labelHidden value={note} onChange={setNote} autoComplete="off" placeholder="Note with your decision (optional)" />
        <Collapsible id={`preview-${item.id}`} open={open}>
          {open ? <PreviewView id={item.id} /> : null}
        </Collapsible>
      </BlockStack>
    </Box>
  );
}

function RefusedRow({ item, by, notify }: { item: RefusedItem; by: string; notify: Notify }) {
  const fixable = item.fix && item.fix.keys.length > 0 && item.fix.kind !== 'customer' ? item.fix : null;
  const [choices, setChoices] = useState<{ label: string; value: string }[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!fixable) return;
    const controller = new AbortController();
    fetchChoices(fixable.kind as 'account' | 'item', controller.signal).then(
      (list) => setChoices(list.filter((c) => c.id !== fixable.refusedId).map((c) => ({ label: c.name, value: c.id }))),
      (e: unknown) => !controller.signal.aborted && notify('critical', failure(e)),
    );
    return () => controller.abort();
  }, [fixable?.kind, fixable?.refusedId]);
  const act = async (path: string, method: 'POST' | 'PUT', body: Record<string, unknown>, done: string) => {
    setBusy(true);
    try {
      await send(method, `/api/books/review/${item.id}/${path}`, { ...(by ? { by } : {}), ...body });
      notify('success', done);
    } catch (e) {
      notify('critical', failure(e));
      setBusy(false);
    }
  };
  return (
    <Box padding="400" borderBlockEndWidth="025" borderColor="border">
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" fontWeight="semibold">{item.entryDescription}</Text>
          <Badge tone="critical">{`Refused (${item.faultCode})`}</Badge>
          <Text as="span" tone="subdued">{formatDate(item.foundAt)}</Text>
        </InlineStack>
        <Text as="p">{item.explanation}</Text>
        <InlineStack gap="300" blockAlign="end">
          {fixable ? (
            <>
              <div style={{ minWidth: '16rem' }}>
                <Select
                  label={`Use this ${fixable.kind} instead`}
                  options={[{ label: choices ? `Choose an ${fixable.kind}…` : 'Loading…', value: '' }, ...(choices ?? [])]}
                  value={chosen}
                  onChange={setChosen}
                />
              </div>
              <Button variant="primary" disabled={!chosen} loading={busy}
                onClick={() => void act('mapping', 'PUT', { externalId: chosen }, `Mapping fixed: ${item.entryDescription} is being posted again.`)}>
                Fix mapping and retry
              </Button>
            </>
          ) : null}
          <Button disabled={busy} onClick={() => void act('retry', 'POST', {}, `Retrying ${item.entryDescription}.`)}>Retry</Button>
        </InlineStack>
        <InlineStack gap="200" blockAlign="end">
          <TextField label="Note" labelHidden value={note} onChange={setNote} autoComplete="off" placeholder="Why Settle should not post it, e.g. entered by hand" />
          <Button disabled={busy || note.trim() === ''} onClick={() => void act('reject', 'POST', { note: note.trim() }, 'Dismissed.')}>Dismiss with note</Button>
        </InlineStack>
      </BlockStack>
    </Box>
  );
}

export function ReviewQueuePage() {
  const [version, setVersion] = useState(0);
  const load = useCallback((signal: AbortSignal) => fetchReviewQueue(signal).then((q) => ({ ...q, version })), [version]);
  const { data, error, loading } = useRefreshing(load, 'Something went wrong loading the review queue.');
  const [by, setBy] = useState(() => window.localStorage.getItem('settle.bookkeeper') ?? '');
  const [message, setMessage] = useState<{ tone: 'success' | 'critical'; text: string } | null>(null);
  const notify: Notify = (tone, text) => {
    setMessage({ tone, text });
    if (tone === 'success') setVersion((v) => v + 1);
  };
  const rememberName = (name: string) => {
    setBy(name);
    window.localStorage.setItem('settle.bookkeeper', name);
  };

  return (
    <Page title="Books review" subtitle="What Settle posts to QuickBooks, before and after">
      <Layout>
        {error ? <Layout.Section><Banner tone="critical" title="Couldn't load the review queue"><p>{error.message}</p></Banner></Layout.Section> : null}
        {message ? <Layout.Section><Banner tone={message.tone} onDismiss={() => setMessage(null)}>{message.text}</Banner></Layout.Section> : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <TextField label="Your name" value={by} onChange={rememberName} autoComplete="name" helpText="Recorded with each approval, rejection and undo." />
            </Card>
            <Card padding="0">
              <Box padding="400" paddingBlockEnd="0">
                <Text as="h2" variant="headingMd">{`Waiting for approval${data ? ` (${data.waiting.length})` : ''}`}</Text>
              </Box>
              {data ? (
                data.waiting.length === 0
                  ? <Box padding="400"><Text as="p" tone="subdued">Nothing is waiting. {data.rules.everything ? 'Every document posts automatically.' : ''}</Text></Box>
                  : data.waiting.map((w) => <WaitingRow key={w.id} item={w} by={by} notify={notify} />)
              ) : loading ? <Box padding="400"><SkeletonBodyText lines={3} /></Box> : null}
            </Card>
            {data && data.refused.length > 0 ? (
              <Card padding="0">
                <Box padding="400" paddingBlockEnd="0">
                  <Text as="h2" variant="headingMd">{`Refused by QuickBooks (${data.refused.length})`}</Text>
                </Box>
                {data.refused.map((r) => <RefusedRow key={r.id} item={r} by={by} notify={notify} />)}
              </Card>
            ) : null}
            {data ? <RulesCard rules={data.rules} onSaved={() => setVersion((v) => v + 1)} /> : null}
            <SyncLogPage by={by} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
