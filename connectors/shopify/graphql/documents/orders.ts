import { ORDER_FIELDS, type ShopifyOrder } from './order-fields';
import type { Gid, Page } from './types';

/** One order, for marking it paid, recording a refund on it and the reconciliation's read-back. */
export const ORDER_BY_ID = /* GraphQL */ `
  query OrderById($id: ID!) {
    order(id: $id) {
      ...SettleOrderFields
    }
  }
  ${ORDER_FIELDS}
`;

export interface OrderByIdVariables {
  id: Gid;
}

export interface OrderByIdResult {
  order: ShopifyOrder | null;
}

/**
 * Orders matching a search (Shopify's search syntax): `updated_at:>=…` for the reconciliation's
 * changes since its last sweep, `tag:…` for the order already made for a Settle sale. Only what
 * tells them apart: a page of whole orders (lines, transactions) would pass Shopify's 1000-point
 * limit for one query, so each is read by id when needed.
 */
export const ORDERS_MATCHING = /* GraphQL */ `
  query OrdersMatching($query: String!, $first: Int!, $after: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        id
        name
        updatedAt
        tags
        sourceIdentifier
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface OrdersMatchingVariables {
  query: string;
  first: number;
  after?: string | null;
}

/** An order as a search lists it. */
export interface OrderSummary {
  id: Gid;
  name: string;
  updatedAt: string;
  tags: string[];
  sourceIdentifier: string | null;
}

export interface OrdersMatchingResult {
  orders: Page<OrderSummary>;
}

/** Orders changed since a moment, for reconciliation (`updated_at` is compared to the second). */
export function updatedSinceQuery(since: Date): string {
  return `updated_at:>='${since.toISOString()}'`;
}
