import type { Gid, MoneyBag, ShopifyUserError } from './types';

/** The refunds already on an order, so a refund Settle made is recorded once (its note names Settle's id). */
export const ORDER_REFUNDS = /* GraphQL */ `
  query OrderRefunds($id: ID!) {
    order(id: $id) {
      id
      name
      refunds(first: 50) {
        id
        note
        createdAt
        totalRefundedSet { shopMoney { amount currencyCode } }
      }
    }
  }
`;

export interface OrderRefundsVariables {
  id: Gid;
}

export interface OrderRefundsResult {
  order: { id: Gid; name: string; refunds: { id: Gid; note: string | null; createdAt: string | null; totalRefundedSet: MoneyBag }[] } | null;
}

/**
 * Records on the order a refund the processor already made. refundCreate supports the
 * `@idempotent` directive in 2026-07; the key is Settle's refund id, so a retry returns the first refund.
 */
export const REFUND_CREATE = /* GraphQL */ `
  mutation RefundCreate($input: RefundInput!, $idempotencyKey: String!) {
    refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
      refund {
        id
        note
        totalRefundedSet { shopMoney { amount currencyCode } }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface RefundCreateVariables {
  idempotencyKey: string;
  input: {
    orderId: Gid;
    note: string;
    notify: false;
    currency?: string;
    transactions: { orderId: Gid; parentId?: Gid; kind: 'REFUND'; gateway: string; amount: string }[];
  };
}

export interface RefundCreateResult {
  refundCreate: { refund: { id: Gid; note: string | null; totalRefundedSet: MoneyBag } | null; userErrors: ShopifyUserError[] } | null;
}
