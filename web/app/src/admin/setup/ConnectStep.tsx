// Step 2: connect each platform chosen, with the connect flows the admin already has: Stripe
// through Stripe Connect (or its API keys, pasted), "Connect to QuickBooks", and the store from its
// own side (the WooCommerce plugin's "Connect to Settle", or installing Settle from the Shopify App Store).
import { useState } from 'react';
import { Badge, Banner, BlockStack, Box, Button, Card, InlineStack, Text, TextField } from '@shopify/polaris';
import { ConnectToQuickBooksButton } from '../ConnectToQuickBooksButton';
import { stripeConsentLink } from '../connections-api';
import { connectStripeKeys, type SetupChoices } from './setup-api';
import { StepActions } from './StepActions';

function Status({ connection }: { connection?: { status: string } }) {
  if (!connection) return <Badge tone="attention">Not connected</Badge>;
  return connection.status === 'active' ? <Badge tone="success">Connected</Badge> : <Badge tone="critical">{`Connection ${connection.status}`}</Badge>;
}

function StripeKeysForm({ onConnected }: { onConnected: () => void }) {
  const [secretKey, setSecretKey] = useState('');
  const [publishableKey, setPublishableKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const connect = async () => {
    setBusy(true);
    setError(null);
    try {
      await connectStripeKeys(secretKey.trim(), publishableKey.trim());
      setSecretKey('');
      onConnected();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const oauth = async () => {
    setError(null);
    try {
      window.location.assign(await stripeConsentLink());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <BlockStack gap="200">
      <InlineStack gap="200"><Button onClick={() => void oauth()}>Connect with Stripe</Button></InlineStack>
      <Text as="p" tone="subdued">Or paste your test keys from Stripe Dashboard → Developers → API keys (test mode on). Live keys come at the end, when you go live.</Text>
      <TextField label="Secret key" value={secretKey} onChange={setSecretKey} autoComplete="off" type="password" placeholder="sk_test_…" />
      <TextField label="Publishable key" value={publishableKey} onChange={setPublishableKey} autoComplete="off" placeholder="pk_test_…" />
      {error ? <Banner tone="critical">{error}</Banner> : null}
      <InlineStack><Button variant="primary" onClick={() => void connect()} loading={busy} disabled={!secretKey || !publishableKey}>Connect Stripe</Button></InlineStack>
    </BlockStack>
  );
}

export function ConnectStep({ choices, connections, onChanged, onBack, onNext }: {
  choices: SetupChoices; connections: { platform: string; status: string }[]; onChanged: () => void; onBack: () => void; onNext: () => Promise<void>;
}) {
  const find = (platform: string) => connections.find((c) => c.platform === platform);
  const store = choices.connect.store;
  const rows = [
    store ? { id: store, name: store === 'shopify' ? 'Shopify store' : 'WooCommerce store' } : null,
    choices.connect.stripe ? { id: 'stripe', name: 'Stripe' } : null,
    choices.connect.quickbooks ? { id: 'quickbooks', name: 'QuickBooks Online' } : null,
  ].filter((r): r is { id: string; name: string } => r !== null);
  const missing = rows.filter((r) => find(r.id)?.status !== 'active');
  return (
    <BlockStack gap="400">
      {rows.map((r) => (
        <Card key={r.id}>
          <BlockStack gap="300">
            <InlineStack align="space-between" blockAlign="center">
              <Text as="h3" variant="headingSm">{r.name}</Text>
              <Status connection={find(r.id)} />
            </InlineStack>
            {find(r.id)?.status === 'active' ? null : r.id === 'stripe' ? (
              <StripeKeysForm onConnected={onChanged} />
            ) : r.id === 'quickbooks' ? (
              <Box><ConnectToQuickBooksButton /></Box>
            ) : r.id === 'woocommerce' ? (
              <Text as="p">In WordPress, install the Settle plugin and press "Connect to Settle" in its settings. This page shows the store once it is connected.</Text>
            ) : (
              <Text as="p">Install Settle from the Shopify App Store (or open it from your Shopify admin): the shop connects as Settle opens.</Text>
            )}
          </BlockStack>
        </Card>
      ))}
      {missing.length > 0 ? <Banner tone="info">Still to connect: {missing.map((m) => m.name).join(', ')}. You can leave and come back: Settle keeps your place.</Banner> : null}
      <StepActions onBack={onBack} onNext={onNext} nextDisabled={missing.length > 0} />
    </BlockStack>
  );
}
