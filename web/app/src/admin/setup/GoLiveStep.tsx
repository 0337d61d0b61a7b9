// Step 7: test → live. The merchant enters their live keys; Settle runs every check again for live
// mode and switches only if all pass (otherwise it stays in test mode and shows what to fix).
import { useState } from 'react';
import { Banner, BlockStack, Button, InlineStack, Text, TextField } from '@shopify/polaris';
import { goLive, type PreflightRun, type SetupProgress } from './setup-api';
import { PreflightResults } from './PreflightResults';
import { StepActions } from './StepActions';

export function GoLiveStep({ setup, onBack, onLive, onLeave }: { setup: SetupProgress; onBack: () => void; onLive: () => void; onLeave?: () => void }) {
  const [secretKey, setSecretKey] = useState('');
  const [publishableKey, setPublishableKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<{ message: string; preflight?: PreflightRun } | null>(null);
  if (setup.mode === 'live') {
    return (
      <BlockStack gap="400">
        <Banner tone="success" title="Settle takes live payments">Every check passed with your live keys. Shoppers' cards are charged from now on.</Banner>
        {onLeave ? <InlineStack><Button variant="primary" onClick={onLeave}>Go to Payments</Button></InlineStack> : null}
      </BlockStack>
    );
  }
  const switchToLive = async () => {
    setBusy(true);
    setRefused(null);
    try {
      const r = await goLive({ secretKey: secretKey.trim(), publishableKey: publishableKey.trim() });
      if (r.ok) {
        setSecretKey('');
        onLive();
      } else setRefused({ message: r.body.error?.message ?? `Settle could not switch (HTTP ${r.status}).`, preflight: r.body.preflight });
    } catch (e) {
      setRefused({ message: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <BlockStack gap="400">
      <Text as="p">Enter your live keys from Stripe Dashboard → Developers → API keys (test mode off). Settle runs every check again with them and switches only if all pass.</Text>
      <TextField label="Live secret key" value={secretKey} onChange={setSecretKey} autoComplete="off" type="password" placeholder="sk_live_…" />
      <TextField label="Live publishable key" value={publishableKey} onChange={setPublishableKey} autoComplete="off" placeholder="pk_live_…" />
      <InlineStack><Button variant="primary" tone="critical" onClick={() => void switchToLive()} loading={busy} disabled={!secretKey || !publishableKey}>Switch to live payments</Button></InlineStack>
      {refused ? <Banner tone="critical" title="Settle stays in test mode">{refused.message}</Banner> : null}
      {refused?.preflight ? <PreflightResults run={refused.preflight} /> : null}
      <StepActions onBack={onBack} />
    </BlockStack>
  );
}
