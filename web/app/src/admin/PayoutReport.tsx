// One payout explained, as a bookkeeper reads it: the proof (payout = its lines' net, to the cent,
// or the named exceptions), the totals by group, every line, and the lines as CSV.
import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Text } from '@shopify/polaris';
import type { GroupTotals, PayoutDetail } from './payouts-api';
import { displayMoney, type Money } from '../money';
import { formatDate, formatDay, locale } from './format';
import { categoryLabel, groupLabel } from './payout-labels';

const show = (m: Money, formatted?: string | null) => displayMoney(m, formatted, locale);
const figures = (t: GroupTotals) => [t.count, show(t.gross, t.grossFormatted), show(t.fee, t.feeFormatted), show(t.net, t.netFormatted)];

function Proof({ report }: { report: PayoutDetail }) {
  const { proof, exceptions, payout } = report;
  if (report.reconciliation === 'explained') {
    return (
      <Banner tone="success" title="Explained to the cent">
        <p>
          The payout of {show(proof.payoutAmount, proof.payoutAmountFormatted)} equals the net of the {payout.lineCount}{' '}
          {payout.lineCount === 1 ? 'line' : 'lines'} it carried ({show(proof.linesNet, proof.linesNetFormatted)}) and what Stripe took from
          the balance for it.
        </p>
      </Banner>
    );
  }
  return (
    <Banner tone="critical" title="This payout is not explained">
      <BlockStack gap="100">
        {exceptions.map((e) => (
          <p key={e.code} data-testid="payout-exception" data-code={e.code}>
            {e.message}
          </p>
        ))}
      </BlockStack>
    </Banner>
  );
}

export function PayoutReport({ report }: { report: PayoutDetail }) {
  const { payout, summary, lines } = report;
  const summaryRows = summary.groups.map((g) => [groupLabel(g.group), ...figures(g)]);
  const lineRows = lines.map((l) => [
    formatDate(l.occurredAt),
    categoryLabel(l.category),
    l.orderNumber ? `#${l.orderNumber}` : '—',
    l.sourceId ?? '—',
    show(l.gross, l.grossFormatted),
    show(l.fee, l.feeFormatted),
    show(l.net, l.netFormatted),
  ]);

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Payout of {show(payout.amount, payout.amountFormatted)} arriving {formatDay(payout.arrivalDate)}
            </Text>
            <Text as="p" tone="subdued">
              Stripe payout {payout.id}
            </Text>
          </BlockStack>
          <Button url={report.csvUrl} download>
            Download CSV
          </Button>
        </InlineStack>
        <Proof report={report} />
        <Text as="h3" variant="headingSm">
          Summary
        </Text>
        <DataTable
          columnContentTypes={['text', 'numeric', 'numeric', 'numeric', 'numeric']}
          headings={['Group', 'Lines', 'Gross', 'Fees', 'Net']}
          rows={summaryRows}
          totals={['', ...figures(summary.total)]}
          totalsName={{ singular: 'Total', plural: 'Total' }}
          showTotalsInFooter
        />
        <Text as="h3" variant="headingSm">
          Lines
        </Text>
        <DataTable
          columnContentTypes={['text', 'text', 'text', 'text', 'numeric', 'numeric', 'numeric']}
          headings={['Date', 'Type', 'Order', 'Source', 'Gross', 'Fee', 'Net']}
          rows={lineRows}
        />
      </BlockStack>
    </Card>
  );
}
