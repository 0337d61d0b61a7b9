// The rules that approve documents by themselves. "Everything" is on by default: every sale, fee,
// refund and payout then posts to QuickBooks with no manual entry, and the review queue only holds
// what QuickBooks refused. Turning it off lets the bookkeeper choose what still posts by itself.
import { useEffect, useState } from 'react';
import { Banner, BlockStack, Button, Card, Checkbox, ChoiceList, InlineStack, Text, TextField } from '@shopify/polaris';
import { ApiError } from '../api';
import { currencyExponent, toDecimalString } from '../../money';
import { KIND_LABELS, parseAmount, send, type DocumentKind, type Rules } from './review-api';

const KIND_CHOICES = (Object.keys(KIND_LABELS) as DocumentKind[]).map((value) => ({ value, label: KIND_LABELS[value] }));

export function RulesCard({ rules, onSaved }: { rules: Rules; onSaved: () => void }) {
  const [everything, setEverything] = useState(rules.everything);
  const [useUnder, setUseUnder] = useState(rules.under !== null);
  const [currency, setCurrency] = useState(rules.under?.currency ?? 'USD');
  const [under, setUnder] = useState(rules.under ? toDecimalString(rules.under.amount, currencyExponent(rules.under.currency)) : '');
  const [knownCustomers, setKnownCustomers] = useState(rules.knownCustomers);
  const [kinds, setKinds] = useState<string[]>(rules.kinds);
  const [message, setMessage] = useState<{ tone: 'success' | 'critical'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  // The server's rules are the truth after a save (or another person's change); a refresh that brings
  // the same rules leaves what the bookkeeper is typing alone.
  const saved = JSON.stringify(rules);
  useEffect(() => {
    setEverything(rules.everything);
    setKnownCustomers(rules.knownCustomers);
    setKinds(rules.kinds);
    setUseUnder(rules.under !== null);
    if (rules.under) {
      setCurrency(rules.under.currency);
      setUnder(toDecimalString(rules.under.amount, currencyExponent(rules.under.currency)));
    }
  }, [saved]);

  const code = currency.trim().toUpperCase();
  const validCurrency = /^[A-Z]{3}$/.test(code);
  const amount = validCurrency ? parseAmount(under, currencyExponent(code)) : undefined;
  const underError = useUnder && !everything && under !== '' && amount === undefined ? 'Enter an amount, e.g. 50.00' : undefined;

  const save = async () => {
    setBusy(true);
    setMessage(null);
    try {
      await send('PUT', '/api/books/rules', {
        everything, knownCustomers, kinds,
        under: useUnder && amount !== undefined ? { amount, currency: code } : null,
      });
      setMessage({ tone: 'success', text: 'Rules saved. They apply to documents Settle posts from now on.' });
      onSaved();
    } catch (error) {
      setMessage({ tone: 'critical', text: error instanceof ApiError ? error.message : 'Something went wrong.' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Approve automatically</Text>
        <Checkbox
          label="Post everything automatically"
          helpText="On by default: every sale, fee, refund and payout goes to QuickBooks with no manual entry. Turn it off to review documents first."
          checked={everything}
          onChange={setEverything}
        />
        {everything ? null : (
          <BlockStack gap="300">
            <Text as="p" tone="subdued">A document posts by itself when any of these says so; the others wait here for you.</Text>
            <InlineStack gap="300" blockAlign="end">
              <Checkbox label="Amounts under" checked={useUnder} onChange={setUseUnder} />
              <div style={{ width: '8rem' }}>
                <TextField label="Amount" labelHidden value={under} onChange={(v) => { setUnder(v); setUseUnder(true); }} autoComplete="off" placeholder="50.00" error={underError} disabled={!useUnder} />
              </div>
              <div style={{ width: '5rem' }}>
                <TextField label="Currency" labelHidden value={currency} onChange={setCurrency} autoComplete="off" maxLength={3} disabled={!useUnder} error={useUnder && !validCurrency ? 'e.g. USD' : undefined} />
              </div>
            </InlineStack>
            <Checkbox label="Known customers" helpText="Sales and refunds for customers already in your books." checked={knownCustomers} onChange={setKnownCustomers} />
            <ChoiceList title="Kinds of document" allowMultiple choices={KIND_CHOICES} selected={kinds} onChange={setKinds} />
          </BlockStack>
        )}
        {message ? <Banner tone={message.tone}>{message.text}</Banner> : null}
        <InlineStack>
          <Button variant="primary" loading={busy} disabled={Boolean(underError) || (useUnder && !everything && amount === undefined)} onClick={() => void save()}>
            Save rules
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
