import { ORDER_FIELDS, type ShopifyOrder } from './order-fields';
import type { Gid, ShopifyUserError } from './types';

/**
 * A sale made outside Shopify (a counter sale, a payment link) recorded as a paid order: lines by
 * variant so Shopify lowers their stock, the shopper matched by email, the payment as a transaction.
 * orderCreate has no idempotency argument in 2026-07 (the `@idempotent` directive's description
 * limits it to mutations documenting support, and orderCreate's does not): the order carries a tag
 * with Settle's payment id and is looked up by it before one is created.
 */
export const ORDER_CREATE = /* GraphQL */ `
  mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
    orderCreate(order: $order, options: $options) {
      order {
        ...SettleOrderFields
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${ORDER_FIELDS}
`;

/** Decimal amount and currency, the shape of Shopify's MoneyInput. */
interface MoneyInput {
  amount: string;
  currencyCode: string;
}

export interface OrderCreateVariables {
  order: {
    currency?: string;
    email?: string;
    customer?: { toAssociate: { email: string } } | { toUpsert: { email: string; firstName?: string; lastName?: string } };
    lineItems: (
      | { variantId: Gid; quantity: number; priceSet: { shopMoney: MoneyInput } }
      | { title: string; quantity: number; priceSet: { shopMoney: MoneyInput }; requiresShipping: false; taxable: false }
    )[];
    transactions: { kind: 'SALE'; status: 'SUCCESS'; gateway: string; amountSet: { shopMoney: MoneyInput }; processedAt?: string }[];
    financialStatus?: 'PAID';
    note?: string;
    tags?: string[];
    sourceIdentifier?: string;
    sourceName?: string;
    processedAt?: string;
    test?: boolean;
  };
  options: { inventoryBehaviour: 'DECREMENT_OBEYING_POLICY' | 'DECREMENT_IGNORING_POLICY' | 'BYPASS'; sendReceipt?: boolean; sendFulfillmentReceipt?: boolean };
}

export interface OrderCreateResult {
  orderCreate: { order: ShopifyOrder | null; userErrors: ShopifyUserError[] } | null;
}
