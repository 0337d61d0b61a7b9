// One payment, opened from the payments table: what the merchant can do with it now — capture all
// or part of an authorization, release it, refund all or part of a paid payment (as many times as
// there is money left) — and the refunds it already has, wherever they were started.
import { useCallback, useState } from 'react';
import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Text, TextField } from '@shopify/polaris';
import { displayMoney } from '../money';
import type { PaymentRow } from './api';
import { HelpPanel } from './help/HelpPanel';
import { REFUND_HELP } from './help/help-text';
import { capturePayment, fetchRefunds, refundPayment, releasePayment, toDecimalText, toMinorUnits, type RefundRow } from './actions-api';
import { formatDate, locale } from './format';
import { useRefreshing } from './useRefreshing';

type Outcome = { tone: 'success' | 'critical'; message: string } | null;

const ORIGIN: Record<string, string> = { settle: 'Settle', store: 'Store admin', processor: 'Stripe dashboard' };
const REFUND_STATUS: Record<string, string> = {
  requested: 'Sending', pending: 'Pending', succeeded: 'Refunded', failed: 'Failed', canceled: 'Canceled',
};
const STILL_TAKEN = new Set(['requested', 'pending', 'succeeded']);

function RefundHistory({ refunds }: { refunds: RefundRow[] }) {
  if (refunds.length === 0) return <Text as="p" tone="subdued">No refunds yet.</Text>;
  return (
    <div data-testid="refund-history">
      <DataTable
        columnContentTypes={['text', 'numeric', 'text', 'text', 'text']}
        headings={['Date', 'Amount', 'Status', 'Started from', 'Reason']}
        rows={refunds.map((r) => [
          formatDate(r.createdAt), displayMoney(r.amount, r.amountFormatted, locale),
          r.failureMessage ? `${REFUND_STATUS[r.status] ?? r.status}: ${r.failureMessage}` : (REFUND_STATUS[r.status] ?? r.status),
          ORIGIN[r.origin] ?? r.origin, r.reason ?? '',
        ])}
      />
    </div>
  );
}

export function PaymentActions({ payment }: { payment: PaymentRow }) {
  const currency = payment.amount.currency;
  const [nonce, setNonce] = useState(0);
  // Re-read at once after an action (nonce), then every few seconds like the table.
  const load = useCallback((signal: AbortSignal) => fetchRefunds(payment.id, signal), [payment.id, nonce]);
  const { data } = useRefreshing(load, 'Something went wrong loading the refunds.');
  const refunds = data?.refunds ?? [];
  const taken = (payment.capturedAmount ?? payment.amount).amount;
  const left = taken - refunds.filter((r) => STILL_TAKEN.has(r.status)).reduce((sum, r) => sum + r.amount.amount, 0);

  const [captureText, setCaptureText] = useState(toDecimalText(payment.amount.amount, currency));
  const [refundText, setRefundText] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const act = async (run: () => Promise<string>) => {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome({ tone: 'success', message: await run() });
      setNonce((n) => n + 1);
    } catch (error) {
      setOutcome({ tone: 'critical', message: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };
  const amountOrThrow = (text: string) => {
    const minor = toMinorUnits(text, currency);
    if (minor === null) throw new Error(`Enter an amount in ${currency}, like ${toDecimalText(payment.amount.amount, currency)}.`);
    return minor;
  };

  const capture = () => act(async () => {
    const { payment: p } = await capturePayment(payment.id, amountOrThrow(captureText));
    return `Captured ${p.capturedAmountFormatted ?? ''}. The order is marked paid in the store within seconds.`;
  });
  const release = () => act(async () => {
    await releasePayment(payment.id);
    return 'Authorization released: nothing was taken from the shopper’s card.';
  });
  const refund = () => act(async () => {
    const { refund: r } = await refundPayment(payment.id, refundText.trim() ? amountOrThrow(refundText) : left, reason);
    setRefundText('');
    setReason('');
    return r.status === 'failed' ? `The refund failed: ${r.failureMessage ?? ''}` : `Refunded ${r.amountFormatted ?? ''}.`;
  });

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Order #{payment.orderNumber}: {displayMoney(payment.amount, payment.amountFormatted, locale)}
        </Text>
        {outcome ? (
          <div data-testid="action-outcome">
            <Banner tone={outcome.tone} onDismiss={() => setOutcome(null)}>
              <p>{outcome.message}</p>
            </Banner>
          </div>
        ) : null}
        {payment.status === 'authorized' ? (
          <BlockStack gap="200">
            <Text as="p">The shopper’s card is authorized, not charged. Capture all or part of it; the rest is released.</Text>
            <InlineStack gap="200" blockAlign="end">
              <TextField label="Amount to capture" value={captureText} onChange={setCaptureText} autoComplete="off" suffix={currency} />
              <Button variant="primary" onClick={() => void capture()} loading={busy}>Capture</Button>
              <Button tone="critical" onClick={() => void release()} disabled={busy}>Release authorization</Button>
            </InlineStack>
          </BlockStack>
        ) : null}
        {payment.status === 'succeeded' ? (
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">Refunds</Text>
            <HelpPanel topic={REFUND_HELP} />
            <RefundHistory refunds={refunds} />
            {left > 0 ? (
              <InlineStack gap="200" blockAlign="end">
                <TextField
                  label="Amount to refund" value={refundText} onChange={setRefundText} autoComplete="off" suffix={currency}
                  placeholder={toDecimalText(left, currency)} helpText={`Up to ${toDecimalText(left, currency)} ${currency}; empty refunds all of it.`}
                />
                <TextField label="Reason" value={reason} onChange={setReason} autoComplete="off" />
                <Button variant="primary" onClick={() => void refund()} loading={busy}>Refund</Button>
              </InlineStack>
            ) : (
              <Text as="p" tone="subdued">Fully refunded.</Text>
            )}
          </BlockStack>
        ) : null}
        {payment.status !== 'authorized' && payment.status !== 'succeeded' ? (
          <Text as="p" tone="subdued">Nothing to capture or refund: no money was taken.</Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
