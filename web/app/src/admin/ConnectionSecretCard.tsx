// The connection secret the Settle plugin in WordPress signs its calls and sign-in links with.
// Hidden until the merchant asks for it; a rotation replaces it (the old one is refused from then
// on) and shows the new one once, to paste into the plugin's settings.
import { useState } from 'react';
import { Banner, BlockStack, Button, ButtonGroup, Card, InlineStack, Text, TextField } from '@shopify/polaris';
import { ApiError } from './api';
import { readConnectionSecret, rotateConnectionSecret } from './store-connection-api';

type Shown = { secret: string; rotated: boolean } | null;

export function ConnectionSecretCard() {
  const [shown, setShown] = useState<Shown>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const act = async (work: () => Promise<Shown>) => {
    setBusy(true);
    setError(null);
    try {
      setShown(await work());
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Something went wrong; nothing was changed.');
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const show = () => act(async () => ({ secret: await readConnectionSecret(), rotated: false }));
  const rotate = () => act(async () => ({ secret: await rotateConnectionSecret(), rotated: true }));

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Connection secret</Text>
        <Text as="p" tone="subdued">
          The Settle plugin signs what it sends Settle with this secret. Keep it private: anyone holding it can act as your store.
        </Text>
        {shown?.rotated ? (
          <Banner tone="success" title="New connection secret">
            <p>Paste it into the Settle plugin's settings in WordPress now: the old secret no longer works, so the plugin cannot reach Settle until you do.</p>
          </Banner>
        ) : null}
        <TextField
          label="Connection secret"
          value={shown ? shown.secret : '•'.repeat(24)}
          readOnly
          autoComplete="off"
          monospaced
          selectTextOnFocus={Boolean(shown)}
        />
        {confirming ? (
          <Banner
            tone="warning"
            title="Replace the connection secret?"
            action={{ content: 'Rotate now', onAction: () => void rotate(), loading: busy }}
            secondaryAction={{ content: 'Cancel', onAction: () => setConfirming(false) }}
          >
            <p>The plugin stops working with Settle until you paste the new secret into its settings.</p>
          </Banner>
        ) : (
          <InlineStack>
            <ButtonGroup>
              {shown ? <Button onClick={() => setShown(null)}>Hide secret</Button> : <Button onClick={() => void show()} loading={busy}>Show secret</Button>}
              <Button tone="critical" onClick={() => setConfirming(true)} disabled={busy}>Rotate secret</Button>
            </ButtonGroup>
          </InlineStack>
        )}
        {error ? <Banner tone="critical">{error}</Banner> : null}
      </BlockStack>
    </Card>
  );
}
