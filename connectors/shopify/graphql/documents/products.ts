import type { Gid, Page } from './types';

/**
 * The variants whose SKU is the one a sale line names (Shopify's search syntax: `sku:"…"`), with
 * what a counter sale needs to become an order line and lower the right stock.
 */
export const VARIANTS_BY_SKU = /* GraphQL */ `
  query VariantsBySku($query: String!) {
    productVariants(first: 5, query: $query) {
      nodes {
        id
        sku
        title
        price
        inventoryQuantity
        product {
          id
          title
        }
        inventoryItem {
          id
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface VariantsBySkuVariables {
  query: string;
}

export interface FoundVariant {
  id: Gid;
  sku: string | null;
  title: string;
  price: string;
  inventoryQuantity: number | null;
  product: { id: Gid; title: string };
  inventoryItem: { id: Gid };
}

export interface VariantsBySkuResult {
  productVariants: Page<FoundVariant>;
}

/** Shopify's search syntax for one exact SKU (quotes and backslashes escaped). */
export function skuQuery(sku: string): string {
  return `sku:"${sku.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
