// Step 6: the dry run. A test order is paid with a test card and recorded in the store, a payout
// worked out, and the QuickBooks documents both would become are shown, not posted. Its steps are
// watched while it runs (a progress bar and a list), and the last run is kept.
import { useEffect, useState } from 'react';
import { Badge, Banner, BlockStack, Button, Card, DataTable, ProgressBar, Text } from '@shopify/polaris';
import { formatMinor, type Money } from '../../money';
import { fetchDryRun, startDryRun, type DryRunView } from './setup-api';
import { StepActions } from './StepActions';

const WATCH_MS = 500;
const STEP_BADGES: Record<string, { tone?: 'success' | 'critical' | 'info' | 'attention'; label: string }> = {
  waiting: { label: 'Waiting' }, running: { tone: 'info', label: 'Running' }, done: { tone: 'success', label: 'Done' },
  failed: { tone: 'critical', label: 'Failed' }, skipped: { label: 'Not needed' },
};
const money = (m: Money | null) => (m ? formatMinor(m.amount, m.currency) : '');

function Documents({ run }: { run: DryRunView }) {
  return (
    <BlockStack gap="300">
      <Text as="h3" variant="headingSm">What would be posted to QuickBooks</Text>
      <Banner tone="info">Nothing was posted: these are the documents a sale like this one and its payout become in your books.</Banner>
      {run.documents.map((d, i) => (
        <Card key={i}>
          <BlockStack gap="200">
            <Text as="h4" variant="headingSm">{`${d.entity} (${d.what.replace(/^the /, '')}), ${d.date}`}</Text>
            <Text as="p" tone="subdued">{d.memo}</Text>
            <DataTable columnContentTypes={['text', 'numeric', 'numeric']} headings={['Account', 'Debit', 'Credit']}
              rows={d.lines.map((l) => [l.account, money(l.debit), money(l.credit)])} />
          </BlockStack>
        </Card>
      ))}
    </BlockStack>
  );
}

export function DryRunStep({ last, onBack, onNext }: { last: DryRunView | null; onBack: () => void; onNext: () => Promise<void> }) {
  const [run, setRun] = useState(last);
  const [error, setError] = useState<string | null>(null);
  const running = run?.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void fetchDryRun().then((r) => r && setRun(r), () => undefined), WATCH_MS);
    return () => clearInterval(timer);
  }, [running]);
  const start = async () => {
    setError(null);
    try {
      setRun(await startDryRun());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const finished = run ? run.steps.filter((s) => s.status === 'done' || s.status === 'skipped' || s.status === 'failed').length : 0;
  return (
    <BlockStack gap="400">
      <Text as="p">A test order is paid with a test card in Stripe test mode and recorded in your store as a paid order; no money moves and nothing is posted to QuickBooks.</Text>
      <Button variant="primary" onClick={() => void start()} loading={running}>{run ? 'Run the dry run again' : 'Run the dry run'}</Button>
      {error ? <Banner tone="critical">{error}</Banner> : null}
      {run ? (
        <Card>
          <BlockStack gap="300">
            <ProgressBar progress={Math.round((100 * finished) / run.steps.length)} size="small" tone={run.status === 'failed' ? 'critical' : run.status === 'done' ? 'success' : 'highlight'} />
            <DataTable columnContentTypes={['text', 'text', 'text']} headings={['Step', 'Status', 'What happened']}
              rows={run.steps.map((s) => [s.label, <Badge key={s.id} tone={STEP_BADGES[s.status]?.tone}>{STEP_BADGES[s.status]?.label ?? s.status}</Badge>, s.detail ?? ''])} />
            {run.status === 'failed' && run.error ? <Banner tone="critical" title="The dry run stopped">{run.error}</Banner> : null}
            {run.status === 'done' ? <Banner tone="success" title="The dry run worked">Test order {run.order?.number ?? ''} was paid{run.payment ? ` (${money(run.payment.amount)})` : ''}.</Banner> : null}
          </BlockStack>
        </Card>
      ) : null}
      {run && run.documents.length > 0 ? <Documents run={run} /> : null}
      <StepActions onBack={onBack} onNext={onNext} nextDisabled={run?.status !== 'done'} />
    </BlockStack>
  );
}
