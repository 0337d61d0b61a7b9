// Where alerts are emailed: one address, or none (alerts then show in the admin only).
import { useEffect, useState } from 'react';
import { Banner, BlockStack, Button, Card, InlineStack, Text, TextField } from '@shopify/polaris';
import { ApiError } from '../api';
import { fetchAlertSettings, saveAlertEmail, type AlertSettings } from '../alerts/alerts-api';

export function AlertEmailCard() {
  const [settings, setSettings] = useState<AlertSettings | null>(null);
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState<{ tone: 'success' | 'critical'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    fetchAlertSettings(controller.signal).then((s) => {
      setSettings(s);
      setEmail(s.email ?? '');
    }, () => undefined);
    return () => controller.abort();
  }, []);

  const save = async () => {
    setBusy(true);
    try {
      const saved = await saveAlertEmail(email);
      setSettings(saved);
      setMessage({ tone: 'success', text: saved.email ? `Alerts will be emailed to ${saved.email}.` : 'Alerts will show here only, not by email.' });
    } catch (error) {
      setMessage({ tone: 'critical', text: error instanceof ApiError ? error.message : 'Settle could not save the address.' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">Alert emails</Text>
        <Text as="p" tone="subdued">
          Settle emails you when something needs you: once when it starts, then at most once a day while it lasts.
          {settings && !settings.emailEnabled ? ' Email is not set up on this Settle yet; alerts show here meanwhile.' : ''}
        </Text>
        <InlineStack gap="200" blockAlign="end">
          <div style={{ minWidth: '20rem' }}>
            <TextField label="Email alerts to" type="email" value={email} onChange={setEmail} autoComplete="email" placeholder="you@yourshop.com" />
          </div>
          <Button onClick={() => void save()} loading={busy}>Save</Button>
        </InlineStack>
        {message ? <Banner tone={message.tone} onDismiss={() => setMessage(null)}><p>{message.text}</p></Banner> : null}
      </BlockStack>
    </Card>
  );
}
