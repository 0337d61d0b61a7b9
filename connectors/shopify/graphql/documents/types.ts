/**
 * Shapes shared by the Admin API documents. Ids are GraphQL gid strings and amounts are decimal
 * strings, as Shopify sends them: neither is ever turned into a JS number here (ids pass 2^53).
 */

/** `gid://shopify/Order/820982911946154508`. */
export type Gid = string;

/** Shopify's `MoneyV2`: a decimal string ("10.0", "1250") and an ISO currency code. */
export interface ShopifyMoney {
  amount: string;
  currencyCode: string;
}

/** Shopify's `MoneyBag`: the shop's currency and the shopper's. Settle reads the shop's. */
export interface MoneyBag {
  shopMoney: ShopifyMoney;
}

/** A mutation's `userErrors` entry (UserError and its coded variants). */
export interface ShopifyUserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

/** One page of a connection, as the documents ask for it. */
export interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
