import { ORDER_FIELDS, type ShopifyOrder } from './order-fields';
import type { Gid, ShopifyUserError } from './types';

/**
 * Marks an order with an outstanding balance paid (Shopify records a manual payment for what is
 * owed and the order becomes Paid). Shopify refuses it for an order already paid, so a retry is safe.
 */
export const ORDER_MARK_AS_PAID = /* GraphQL */ `
  mutation OrderMarkAsPaid($input: OrderMarkAsPaidInput!) {
    orderMarkAsPaid(input: $input) {
      order {
        ...SettleOrderFields
      }
      userErrors {
        field
        message
      }
    }
  }
  ${ORDER_FIELDS}
`;

export interface OrderMarkAsPaidVariables {
  input: { id: Gid };
}

export interface OrderMarkAsPaidResult {
  orderMarkAsPaid: { order: ShopifyOrder | null; userErrors: ShopifyUserError[] } | null;
}

/** Replaces the order's note (Shopify keeps one note per order: Settle appends its lines to it). */
export const ORDER_NOTE_UPDATE = /* GraphQL */ `
  mutation OrderNoteUpdate($input: OrderInput!) {
    orderUpdate(input: $input) {
      order {
        id
        note
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface OrderNoteUpdateVariables {
  input: { id: Gid; note: string };
}

export interface OrderNoteUpdateResult {
  orderUpdate: { order: { id: Gid; note: string | null } | null; userErrors: ShopifyUserError[] } | null;
}
