// The merchant's payments, one row per Stripe payment, showing how far each
// has travelled: paid at Stripe → order marked paid in the store → posted to the books.
import { useLayoutEffect, useRef } from 'react';
import { BlockStack, EmptyState, IndexTable, Text } from '@shopify/polaris';
import type { PaymentRow } from './api';
import { displayMoney } from '../money';
import { formatDate, locale } from './format';
import { booksBadge, orderBadge, paymentBadge } from './status';
import { StatusBadge } from './StatusBadge';
import { disputeBadge } from './dispute-labels';

// Inline, tiny illustration: EmptyState requires an image and we don't want a CDN request.
const EMPTY_IMAGE =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="226" height="160" viewBox="0 0 226 160"><rect x="38" y="30" width="150" height="100" rx="12" fill="#f1f1f1" stroke="#c9cccf" stroke-width="3"/><rect x="38" y="52" width="150" height="16" fill="#c9cccf"/><rect x="56" y="96" width="50" height="10" rx="5" fill="#c9cccf"/></svg>',
  );

export function PaymentsTable({ payments, loading, selectedId = null, onSelect }: {
  payments: PaymentRow[]; loading: boolean; selectedId?: string | null; onSelect?: (id: string) => void;
}) {
  const wrapper = useRef<HTMLDivElement>(null);

  // IndexTable.Row doesn't forward data-* attributes to its <tr>, but it does
  // set id={payment.id}; tag those rows after render for browser tests.
  useLayoutEffect(() => {
    const root = wrapper.current;
    if (!root) return;
    for (const p of payments) {
      const tr = root.querySelector<HTMLElement>(`tr[id="${CSS.escape(p.id)}"]`);
      tr?.setAttribute('data-testid', 'payment-row');
    }
  }, [payments]);

  const rows = payments.map((p, index) => (
    <IndexTable.Row id={p.id} key={p.id} position={index} selected={p.id === selectedId} onClick={onSelect ? () => onSelect(p.id) : undefined}>
      <IndexTable.Cell>
        <Text as="span" variant="bodyMd" fontWeight="semibold">
          #{p.orderNumber}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="p" alignment="end" numeric>
          {displayMoney(p.amount, p.amountFormatted, locale)}
        </Text>
        {p.settlement && p.settlement.amount.currency !== p.amount.currency ? (
          <span data-testid="payment-settlement">
            <Text as="p" alignment="end" variant="bodySm" tone="subdued" numeric>
              {`${displayMoney(p.settlement.amount, p.settlement.amountFormatted, locale)}${p.settlement.exchangeRate ? ` at ${p.settlement.exchangeRate}` : ''}`}
            </Text>
          </span>
        ) : null}
      </IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="100" inlineAlign="start">
          <StatusBadge spec={paymentBadge(p.status)} status={p.status} testId="payment-status" />
          {p.paymentMethodName ? (
            <Text as="span" variant="bodySm" tone="subdued">
              <span data-testid="payment-method">{p.paymentMethodName}</span>
            </Text>
          ) : null}
          {p.disputeStatus ? <StatusBadge spec={disputeBadge(p.disputeStatus)} status={p.disputeStatus} testId="payment-dispute" /> : null}
          {p.refunded && p.refunded.amount > 0 ? (
            <Text as="span" variant="bodySm" tone="subdued">
              Refunded {displayMoney(p.refunded, p.refundedFormatted, locale)}
            </Text>
          ) : null}
          {p.failureMessage ? (
            <Text as="span" variant="bodySm" tone="critical">
              {p.failureMessage}
            </Text>
          ) : null}
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <StatusBadge spec={orderBadge(p.orderStatus)} status={p.orderStatus} testId="order-status" />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <StatusBadge spec={booksBadge(p.booksStatus, p.booksDocuments)} status={p.booksStatus} testId="books-status" />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" tone="subdued">
          {formatDate(p.createdAt)}
        </Text>
      </IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <div ref={wrapper}>
      <IndexTable
        resourceName={{ singular: 'payment', plural: 'payments' }}
        itemCount={payments.length}
        selectable={false}
        loading={loading}
        emptyState={
          <EmptyState heading="No payments yet" image={EMPTY_IMAGE}>
            <p>When a shopper pays for an order, it shows up here within seconds.</p>
          </EmptyState>
        }
        headings={[
          { title: 'Order' },
          { title: 'Amount', alignment: 'end' },
          { title: 'Payment' },
          { title: 'Store order' },
          { title: 'Books' },
          { title: 'Date' },
        ]}
      >
        {rows}
      </IndexTable>
    </div>
  );
}
