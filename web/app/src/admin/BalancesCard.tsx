// Ledger balances per account, so a merchant can see the books add up.
import { BlockStack, Card, DataTable, Text } from '@shopify/polaris';
import type { LedgerBalance } from './api';
import { displayMoney } from '../money';
import { locale } from './format';

export function BalancesCard({ balances }: { balances: LedgerBalance[] }) {
  const rows = balances.map((b) => [
    b.name,
    displayMoney({ amount: b.balance, currency: b.currency }, b.balanceFormatted, locale),
  ]);
  return (
    <Card padding="0">
      <BlockStack>
        <div style={{ padding: 'var(--p-space-400) var(--p-space-400) 0' }}>
          <Text as="h2" variant="headingMd">
            Ledger balances
          </Text>
        </div>
        {rows.length > 0 ? (
          <DataTable columnContentTypes={['text', 'numeric']} headings={['Account', 'Balance']} rows={rows} />
        ) : (
          <div style={{ padding: 'var(--p-space-400)' }}>
            <Text as="p" tone="subdued">
              No ledger entries yet.
            </Text>
          </div>
        )}
      </BlockStack>
    </Card>
  );
}
