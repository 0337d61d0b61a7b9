// Above every screen of the admin: what is wrong right now (a platform disconnected, webhooks
// failing, the books falling behind, a payout that does not add up), one banner each. Dismissing
// hides a banner; the alert stays on the Status tab and clears by itself once fixed.
import { useState } from 'react';
import { Banner, BlockStack } from '@shopify/polaris';
import { useRefreshing } from '../useRefreshing';
import { dismissAlert, fetchAlerts } from './alerts-api';

export function AlertsBanner() {
  const { data } = useRefreshing(fetchAlerts, 'Something went wrong loading alerts.', 15_000);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const shown = (data?.alerts ?? []).filter((a) => !a.dismissedAt && !hidden.has(a.id));
  if (shown.length === 0) return null;
  const dismiss = (id: number) => {
    setHidden((h) => new Set([...h, id]));
    void dismissAlert(id).catch(() => undefined); // Shown again at the next refresh if it did not stick.
  };
  return (
    <div data-testid="alerts" style={{ maxWidth: '62.375rem', margin: '0 auto', padding: 'var(--p-space-400) var(--p-space-400) 0' }}>
      <BlockStack gap="200">
        {shown.map((a) => (
          <Banner key={a.id} tone={a.kind === 'platform_disconnected' ? 'critical' : 'warning'} title={a.title} onDismiss={() => dismiss(a.id)}>
            <p>{a.message}</p>
          </Banner>
        ))}
      </BlockStack>
    </div>
  );
}
