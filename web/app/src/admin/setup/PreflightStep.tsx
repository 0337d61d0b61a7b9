// Step 5: the preflight checks, run on request (they ask Stripe, the store and QuickBooks), with the
// last results kept. Continue only once every check passes.
import { useState } from 'react';
import { Banner, BlockStack, Button, InlineStack, Text } from '@shopify/polaris';
import { runPreflight, type PreflightRun } from './setup-api';
import { PreflightResults } from './PreflightResults';
import { StepActions } from './StepActions';
import { formatDate } from '../format';

export function PreflightStep({ last, onBack, onNext }: { last: PreflightRun | null; onBack: () => void; onNext: () => Promise<void> }) {
  const [run, setRun] = useState(last);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const check = async () => {
    setBusy(true);
    setError(null);
    try {
      setRun(await runPreflight());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <BlockStack gap="400">
      <Text as="p">Before a single shopper pays, Settle checks that everything is connected the way it must be, and says how to fix what is not.</Text>
      <InlineStack gap="200" blockAlign="center">
        <Button variant="primary" onClick={() => void check()} loading={busy}>{run ? 'Run the checks again' : 'Run the checks'}</Button>
        {run ? <Text as="span" tone="subdued">Last run {formatDate(run.ranAt)}</Text> : null}
      </InlineStack>
      {error ? <Banner tone="critical">{error}</Banner> : null}
      {run ? (
        <>
          {run.passed ? <Banner tone="success" title="Every check passed" /> : <Banner tone="warning" title="Some checks found a problem">Fix them, then run the checks again.</Banner>}
          <PreflightResults run={run} onFixed={() => void check()} />
        </>
      ) : null}
      <StepActions onBack={onBack} onNext={onNext} nextDisabled={!run?.passed} />
    </BlockStack>
  );
}
