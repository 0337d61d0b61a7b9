// The merchant's answer to a dispute: the facts a bank looks for first and the merchant's own account.
// Submitting sends it to Stripe for the bank's review; after that it shows what was sent.
import { useState } from 'react';
import { Banner, BlockStack, Button, Card, FormLayout, Text, TextField } from '@shopify/polaris';
import { displayMoney } from '../money';
import { submitEvidence, type DisputeEvidence, type DisputeRow } from './actions-api';
import { formatDate, locale } from './format';

const FIELDS: { key: keyof DisputeEvidence; label: string; multiline?: number; help?: string }[] = [
  { key: 'customerName', label: 'Customer name' },
  { key: 'customerEmailAddress', label: 'Customer email' },
  { key: 'productDescription', label: 'What was sold', multiline: 2 },
  { key: 'shippingCarrier', label: 'Shipping carrier' },
  { key: 'shippingTrackingNumber', label: 'Tracking number' },
  { key: 'shippingDate', label: 'Shipping date' },
  { key: 'explanation', label: 'Your explanation', multiline: 4, help: 'In your own words: why the payment is genuine (delivery, signatures, messages from the shopper).' },
];
const OPEN = new Set(['warning_needs_response', 'needs_response']);

export function DisputeEvidenceForm({ dispute }: { dispute: DisputeRow }) {
  const [evidence, setEvidence] = useState<DisputeEvidence>(dispute.evidence ?? {});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'critical'; message: string } | null>(null);
  const [submitted, setSubmitted] = useState<DisputeRow | null>(null);
  const open = OPEN.has(dispute.status) && !submitted;

  const submit = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const { dispute: d } = await submitEvidence(dispute.paymentId, evidence);
      setSubmitted(d);
      setOutcome({ tone: 'success', message: 'Evidence submitted. The bank is reviewing it; the outcome shows here when it decides.' });
    } catch (error) {
      setOutcome({ tone: 'critical', message: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Dispute on order #{dispute.orderNumber}: {displayMoney(dispute.amount, dispute.amountFormatted, locale)}
        </Text>
        {outcome ? (
          <div data-testid="evidence-outcome">
            <Banner tone={outcome.tone}>
              <p>{outcome.message}</p>
            </Banner>
          </div>
        ) : null}
        {open && dispute.evidenceDueBy ? <Text as="p">Send your evidence by {formatDate(dispute.evidenceDueBy)}.</Text> : null}
        {!open && (submitted ?? dispute).evidenceSubmittedAt ? (
          <Text as="p" tone="subdued">Evidence sent {formatDate((submitted ?? dispute).evidenceSubmittedAt!)}.</Text>
        ) : null}
        <FormLayout>
          {FIELDS.map((f) => (
            <TextField
              key={f.key} label={f.label} value={evidence[f.key] ?? ''} multiline={f.multiline} helpText={f.help} autoComplete="off" disabled={!open}
              onChange={(value) => setEvidence((e) => ({ ...e, [f.key]: value }))}
            />
          ))}
        </FormLayout>
        {open ? (
          <div>
            <Button variant="primary" onClick={() => void submit()} loading={busy}>Submit evidence</Button>
          </div>
        ) : null}
      </BlockStack>
    </Card>
  );
}
