// What the range's fees were for, as Stripe itemised them: one row per fee type and the kind of
// balance transaction that carried it (a sale's processing fee, a dispute fee, a fee billed alone).
import { useCallback } from 'react';
import { Card, DataTable, Text } from '@shopify/polaris';
import { displayMoney } from '../money';
import { locale } from './format';
import { fetchFeesByType, type Range } from './reports-api';
import { useRefreshing } from './useRefreshing';

const FEE_TYPES: Record<string, string> = {
  stripe_fee: 'Stripe fee', application_fee: 'Platform fee', tax: 'Tax on fees', payment_method_passthrough_fee: 'Card network fee', unitemized: 'Not itemised by Stripe',
};
const CARRIED_BY: Record<string, string> = { charge: 'Sales', refund: 'Refunds', dispute: 'Disputes', dispute_reversal: 'Disputes won', fee: 'Billed separately' };

// Fees of a finished day do not change; a minute is often enough for today's.
const REFRESH_MS = 60_000;

export function FeesCard({ range, currency }: { range: Range; currency: string }) {
  const { from, to } = range;
  const load = useCallback((signal: AbortSignal) => fetchFeesByType({ from, to }, signal), [from, to]);
  const { data } = useRefreshing(load, 'Something went wrong loading the fees.', REFRESH_MS);
  const rows = (data?.rows ?? []).filter((r) => r.currency === currency);
  return (
    <Card padding="0">
      <div style={{ padding: 'var(--p-space-400) var(--p-space-400) 0' }}>
        <Text as="h2" variant="headingMd">
          Fees by type ({currency})
        </Text>
      </div>
      <DataTable
        columnContentTypes={['text', 'text', 'numeric', 'numeric']}
        headings={['Fee', 'On', 'Transactions', 'Amount']}
        rows={rows.map((r) => [FEE_TYPES[r.feeType] ?? r.feeType, CARRIED_BY[r.category] ?? r.category, r.count, displayMoney(r.amount, r.amountFormatted, locale)])}
      />
    </Card>
  );
}
