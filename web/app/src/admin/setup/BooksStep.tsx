// Step 3: how sales reach QuickBooks (one document per transaction, or one summary per payout) and
// which accounts Settle posts to. Both are served by the books' own endpoints; where this Settle
// does not have them yet, the step says so and Settle's defaults apply.
import { useEffect, useState } from 'react';
import { Banner, BlockStack, Button, Card, ChoiceList, Text } from '@shopify/polaris';
import { call } from './setup-api';
import { StepActions } from './StepActions';
import { MappingStep } from '../books/MappingStep';

type Mode = 'per_transaction' | 'per_payout';
type Loaded<T> = { state: 'loading' } | { state: 'missing' } | { state: 'error'; message: string } | { state: 'ready'; value: T };

function useBooksEndpoint<T>(url: string): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    call<T>(url, 'GET').then(
      (r) => live && setLoaded(r.status === 404 ? { state: 'missing' } : r.ok ? { state: 'ready', value: r.body } : { state: 'error', message: r.body.error?.message ?? `HTTP ${r.status}` }),
      (e: Error) => live && setLoaded({ state: 'error', message: e.message }),
    );
    return () => { live = false; };
  }, [url, version]);
  return [loaded, () => setVersion((v) => v + 1)];
}

export function BooksStep({ quickbooks, onBack, onNext }: { quickbooks: boolean; onBack: () => void; onNext: () => Promise<void> }) {
  const [settings, reloadSettings] = useBooksEndpoint<{ postingMode: Mode }>('/api/books/settings');
  const [mapping, reloadMapping] = useBooksEndpoint<Record<string, unknown>>('/api/books/mapping');
  const [mappingVersion, setMappingVersion] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  if (!quickbooks) return <BlockStack gap="400"><Text as="p">QuickBooks is not part of this setup: nothing to map.</Text><StepActions onBack={onBack} onNext={onNext} /></BlockStack>;

  const setMode = async (postingMode: Mode) => {
    const r = await call('/api/books/settings', 'PUT', { postingMode });
    setProblem(r.ok ? null : r.body.error?.message ?? 'Settle could not save the posting mode.');
    reloadSettings();
  };
  const applySuggestions = async () => {
    const r = await call('/api/books/mapping/apply-suggestions', 'POST', {});
    setProblem(r.ok ? null : r.body.error?.message ?? 'Settle could not apply the suggested accounts.');
    reloadMapping();
    setMappingVersion((v) => v + 1);
  };
  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">Posting mode</Text>
          {settings.state === 'ready' ? (
            <ChoiceList
              title="How sales reach QuickBooks"
              choices={[
                { label: 'One document per sale, refund and payout', value: 'per_transaction' },
                { label: 'One summary per payout (fewer documents)', value: 'per_payout' },
              ]}
              selected={[settings.value.postingMode]}
              onChange={(v) => void setMode(v[0] as Mode)}
            />
          ) : settings.state === 'missing' ? (
            <Text as="p" tone="subdued">Choosing the posting mode is not available yet on this Settle: each sale, refund and payout is posted as its own document.</Text>
          ) : settings.state === 'error' ? <Banner tone="warning">{settings.message}</Banner> : <Text as="p" tone="subdued">Loading…</Text>}
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">Accounts</Text>
          {mapping.state === 'ready' ? (
            <BlockStack gap="200">
              <Text as="p">Settle suggests an account of your chart for each thing it posts: take them all, or choose below.</Text>
              <Button onClick={() => void applySuggestions()}>Use the suggested accounts</Button>
              {/* Remounted after the suggestions are applied, so it shows what is now mapped. */}
              <MappingStep key={mappingVersion} />
            </BlockStack>
          ) : mapping.state === 'missing' ? (
            <Text as="p" tone="subdued">Mapping accounts is not available yet on this Settle: it posts to accounts of its default names (Stripe clearing, Sales income, Payment processing fees…), creating them when they are missing.</Text>
          ) : mapping.state === 'error' ? <Banner tone="warning">{mapping.message}</Banner> : <Text as="p" tone="subdued">Loading…</Text>}
        </BlockStack>
      </Card>
      {problem ? <Banner tone="critical">{problem}</Banner> : null}
      <StepActions onBack={onBack} onNext={onNext} />
    </BlockStack>
  );
}
