// The preflight's answer as a list a merchant reads top to bottom: each check passed, not needed,
// or a problem with what to do about it (and a button when Settle can fix it itself).
import { useState } from 'react';
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Text } from '@shopify/polaris';
import { fixAction, type PreflightRun } from './setup-api';

const ACTION_LABELS: Record<string, string> = { repair_store_webhooks: 'Turn webhooks back on', renew_stripe_webhook: 'Register the webhook again' };

export function PreflightResults({ run, onFixed }: { run: PreflightRun; onFixed?: () => void }) {
  const [fixing, setFixing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fix = async (action: string) => {
    setFixing(action);
    setError(null);
    try {
      await fixAction(action);
      onFixed?.();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setFixing(null);
    }
  };
  return (
    <BlockStack gap="300">
      {run.results.map((r) => (
        <Card key={r.id}>
          <BlockStack gap="200">
            <InlineStack gap="200" blockAlign="center">
              {r.outcome.status === 'ok' ? <Badge tone="success">Passed</Badge> : r.outcome.status === 'problem' ? <Badge tone="critical">Problem</Badge> : <Badge>Not needed</Badge>}
              <Text as="h3" variant="headingSm">{r.title}</Text>
            </InlineStack>
            {r.outcome.status === 'problem' ? (
              <BlockStack gap="100">
                <Text as="p">{r.outcome.problem}</Text>
                <Text as="p" fontWeight="semibold">How to fix it: {r.outcome.fix}</Text>
                {r.outcome.action ? (
                  <InlineStack><Button onClick={() => void fix(r.outcome.status === 'problem' ? r.outcome.action! : '')} loading={fixing === r.outcome.action}>{ACTION_LABELS[r.outcome.action] ?? 'Fix it'}</Button></InlineStack>
                ) : null}
              </BlockStack>
            ) : r.outcome.detail ? <Text as="p" tone="subdued">{r.outcome.detail}</Text> : null}
          </BlockStack>
        </Card>
      ))}
      {error ? <Banner tone="critical">{error}</Banner> : null}
    </BlockStack>
  );
}
