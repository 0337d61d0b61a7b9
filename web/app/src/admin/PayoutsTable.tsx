// The merchant's payouts, one row per payout to the bank, each with whether Settle can explain it
// to the cent. Clicking a row opens its report below the table.
import { BlockStack, EmptyState, IndexTable, Text } from '@shopify/polaris';
import type { PayoutRow } from './payouts-api';
import { displayMoney } from '../money';
import { formatDay, locale } from './format';
import { payoutBadge, reconciliationBadge } from './payout-labels';
import { StatusBadge } from './StatusBadge';

// Inline, tiny illustration: EmptyState requires an image and we don't want a CDN request.
const EMPTY_IMAGE =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="226" height="160" viewBox="0 0 226 160"><rect x="48" y="40" width="130" height="80" rx="10" fill="#f1f1f1" stroke="#c9cccf" stroke-width="3"/><circle cx="113" cy="80" r="18" fill="#c9cccf"/></svg>',
  );

interface Props {
  payouts: PayoutRow[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

export function PayoutsTable({ payouts, selectedId, onSelect }: Props) {
  const rows = payouts.map((p, index) => (
    <IndexTable.Row id={p.id} key={p.id} position={index} selected={p.id === selectedId} onClick={() => onSelect(p.id)}>
      <IndexTable.Cell>
        <Text as="span" variant="bodyMd" fontWeight="semibold">
          {formatDay(p.arrivalDate)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="p" alignment="end" numeric>
          {displayMoney(p.amount, p.amountFormatted, locale)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="100" inlineAlign="start">
          <StatusBadge spec={payoutBadge(p.status)} status={p.status} testId="payout-status" />
          {p.failureMessage ? (
            <Text as="span" variant="bodySm" tone="critical">
              {p.failureMessage}
            </Text>
          ) : null}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <StatusBadge spec={reconciliationBadge(p.reconciliation)} status={p.reconciliation} testId="payout-reconciliation" />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="p" alignment="end" numeric>
          {p.lineCount}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" tone="subdued">
          {p.id}
        </Text>
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <IndexTable
      resourceName={{ singular: 'payout', plural: 'payouts' }}
      itemCount={payouts.length}
      selectable={false}
      emptyState={
        <EmptyState heading="No payouts yet" image={EMPTY_IMAGE}>
          <p>When Stripe pays your balance out to your bank, the payout and every line it carried show up here.</p>
        </EmptyState>
      }
      headings={[
        { title: 'Arrives' },
        { title: 'Amount', alignment: 'end' },
        { title: 'Status' },
        { title: 'Reconciliation' },
        { title: 'Lines', alignment: 'end' },
        { title: 'Stripe payout' },
      ]}
    >
      {rows}
    </IndexTable>
  );
}
