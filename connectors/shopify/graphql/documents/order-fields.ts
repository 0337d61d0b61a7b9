import type { Gid, MoneyBag, Page } from './types';

/**
 * What Settle reads of an order, everywhere it reads one (by id, after creating or paying it, in
 * the reconciliation listing): totals, what is outstanding and refunded, its lines and payments.
 */
export const ORDER_FIELDS = /* GraphQL */ `
  fragment SettleOrderFields on Order {
    id
    name
    number
    createdAt
    updatedAt
    cancelledAt
    closed
    test
    tags
    note
    email
    sourceIdentifier
    displayFinancialStatus
    fullyPaid
    currencyCode
    totalPriceSet { shopMoney { amount currencyCode } }
    subtotalPriceSet { shopMoney { amount currencyCode } }
    totalShippingPriceSet { shopMoney { amount currencyCode } }
    totalTaxSet { shopMoney { amount currencyCode } }
    totalOutstandingSet { shopMoney { amount currencyCode } }
    totalRefundedSet { shopMoney { amount currencyCode } }
    customer { id displayName email }
    lineItems(first: 50) {
      nodes {
        id
        name
        sku
        quantity
        discountedTotalSet { shopMoney { amount currencyCode } }
        variant { id }
      }
      pageInfo { hasNextPage endCursor }
    }
    transactions(first: 50) {
      id
      kind
      status
      gateway
      manualPaymentGateway
      amountSet { shopMoney { amount currencyCode } }
    }
  }
`;

/** Shopify's financial status of an order, as the admin shows it. */
export type FinancialStatus = 'AUTHORIZED' | 'EXPIRED' | 'PAID' | 'PARTIALLY_PAID' | 'PARTIALLY_REFUNDED' | 'PENDING' | 'REFUNDED' | 'VOIDED';

export interface OrderTransaction {
  id: Gid;
  kind: 'AUTHORIZATION' | 'CAPTURE' | 'CHANGE' | 'EMV_AUTHORIZATION' | 'REFUND' | 'SALE' | 'SUGGESTED_REFUND' | 'VOID';
  status: 'AWAITING_RESPONSE' | 'ERROR' | 'FAILURE' | 'PENDING' | 'SUCCESS' | 'UNKNOWN';
  gateway: string | null;
  manualPaymentGateway: boolean;
  amountSet: MoneyBag;
}

/** The order as the SettleOrderFields fragment reads it. */
export interface ShopifyOrder {
  id: Gid;
  /** "#1001": the number the merchant and shopper see. */
  name: string;
  number: number;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  closed: boolean;
  test: boolean;
  tags: string[];
  note: string | null;
  email: string | null;
  sourceIdentifier: string | null;
  displayFinancialStatus: FinancialStatus | null;
  fullyPaid: boolean;
  currencyCode: string;
  totalPriceSet: MoneyBag;
  subtotalPriceSet: MoneyBag | null;
  totalShippingPriceSet: MoneyBag;
  totalTaxSet: MoneyBag | null;
  totalOutstandingSet: MoneyBag;
  totalRefundedSet: MoneyBag;
  customer: { id: Gid; displayName: string; email: string | null } | null;
  lineItems: Page<{ id: Gid; name: string; sku: string | null; quantity: number; discountedTotalSet: MoneyBag; variant: { id: Gid } | null }>;
  transactions: OrderTransaction[];
}
