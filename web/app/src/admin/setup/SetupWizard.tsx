// Guided setup, the same whichever app store the merchant came from: the steps down the side, the
// current one in the middle. Where the merchant is lives on the server (GET/PUT /api/setup), so they
// can leave (to the admin, to Stripe's or Intuit's consent page) and come back to the same step.
import { useCallback, useEffect, useState } from 'react';
import { Badge, BlockStack, Box, Card, InlineGrid, Layout, Page, SkeletonBodyText, Text } from '@shopify/polaris';
import { LoadError } from '../LoadError';
import { ApiError } from '../api';
import { fetchSetup, saveSetup, STEPS, type SetupChoices, type SetupView, type StepId } from './setup-api';
import { ChooseStep } from './ChooseStep';
import { ConnectStep } from './ConnectStep';
import { BooksStep } from './BooksStep';
import { PaymentsStep } from './PaymentsStep';
import { PreflightStep } from './PreflightStep';
import { DryRunStep } from './DryRunStep';
import { GoLiveStep } from './GoLiveStep';

const ARRIVALS: Record<string, string> = { shopify: 'from the Shopify App Store', woocommerce: 'from the WooCommerce plugin', quickbooks: 'from QuickBooks' };

function StepList({ current, mode }: { current: StepId; mode: string }) {
  const at = STEPS.findIndex((s) => s.id === current);
  return (
    <Card>
      <ol aria-label="Setup steps" style={{ margin: 0, paddingLeft: '1.25rem', display: 'grid', gap: '0.5rem' }}>
        {STEPS.map((s, i) => (
          <li key={s.id} aria-current={s.id === current ? 'step' : undefined}>
            <Text as="span" fontWeight={s.id === current ? 'bold' : 'regular'} tone={i > at ? 'subdued' : undefined}>{s.title}</Text>
            {i < at || (s.id === 'go_live' && mode === 'live') ? <> <Badge tone="success">Done</Badge></> : null}
          </li>
        ))}
      </ol>
    </Card>
  );
}

export function SetupWizard({ onLeave }: { onLeave?: () => void }) {
  const [view, setView] = useState<SetupView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(async () => {
    try {
      setView(await fetchSetup());
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'unknown', String(e)));
    }
  }, []);
  useEffect(() => void load(), [load]);

  if (!view) return <Page title="Set up Settle">{error ? <LoadError error={error} what="your setup" /> : <Card><SkeletonBodyText lines={6} /></Card>}</Page>;
  const { setup } = view;
  const index = STEPS.findIndex((s) => s.id === setup.step);
  const go = async (step: StepId, choices?: SetupChoices) => setView(await saveSetup({ step, ...(choices ? { choices } : {}) }));
  const back = () => go(STEPS[Math.max(0, index - 1)]!.id);
  const next = () => go(STEPS[Math.min(STEPS.length - 1, index + 1)]!.id);
  const title = STEPS[index]?.title ?? 'Setup';

  let body;
  switch (setup.step) {
    case 'choose': body = <ChooseStep choices={setup.choices} onSave={(c) => go('connect', c)} />; break;
    case 'connect': body = <ConnectStep choices={setup.choices} connections={view.connections} onChanged={() => void load()} onBack={back} onNext={next} />; break;
    case 'books': body = <BooksStep quickbooks={setup.choices.connect.quickbooks} onBack={back} onNext={next} />; break;
    case 'payments': body = <PaymentsStep choices={setup.choices} onBack={back} onSave={(c) => go('preflight', c)} />; break;
    case 'preflight': body = <PreflightStep last={setup.preflight} onBack={back} onNext={next} />; break;
    case 'dry_run': body = <DryRunStep last={setup.dryRun} onBack={back} onNext={next} />; break;
    default: body = <GoLiveStep setup={setup} onBack={back} onLive={() => void load()} onLeave={onLeave} />;
  }
  return (
    <Page
      title="Set up Settle"
      subtitle={`${setup.mode === 'live' ? 'Live payments' : 'Test mode: no real money moves'}${ARRIVALS[setup.arrivedFrom] ? ` · You came ${ARRIVALS[setup.arrivedFrom]}` : ''}`}
      secondaryActions={onLeave && setup.mode !== 'live' ? [{ content: 'Leave setup for now', onAction: onLeave }] : []}
    >
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: '1fr 3fr' }} gap="400">
            <StepList current={setup.step} mode={setup.mode} />
            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingLg">{`Step ${index + 1} of ${STEPS.length}: ${title}`}</Text>
                <Box>{body}</Box>
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
