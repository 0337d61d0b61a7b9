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

/** What a payment link needs of a variant: its price now, whether Shopify would sell it, and how many are left. */
const VARIANT_FOR_SALE_FIELDS = `
  id
  sku
  title
  price
  availableForSale
  inventoryQuantity
  inventoryPolicy
  inventoryItem {
    tracked
  }
  product {
    title
    status
  }
`;

/** One variant by id: a payment link's line is priced from it each time a shopper opens the link. */
export const VARIANT_FOR_SALE = /* GraphQL */ `
  query VariantForSale($id: ID!) {
    productVariant(id: $id) {
      ${VARIANT_FOR_SALE_FIELDS}
    }
  }
`;

/** Variants matching the merchant's words (Shopify's search: title, SKU…), for the payment-link picker. */
export const VARIANTS_FOR_SALE = /* GraphQL */ `
  query VariantsForSale($query: String!) {
    productVariants(first: 20, query: $query) {
      nodes {
        ${VARIANT_FOR_SALE_FIELDS}
      }
    }
  }
`;

export interface VariantForSale {
  id: Gid;
  sku: string | null;
  title: string;
  price: string;
  availableForSale: boolean;
  inventoryQuantity: number | null;
  inventoryPolicy: 'DENY' | 'CONTINUE';
  inventoryItem: { tracked: boolean };
  product: { title: string; status: 'ACTIVE' | 'ARCHIVED' | 'DRAFT' | 'UNLISTED' };
}

export interface VariantForSaleVariables {
  id: Gid;
}

export interface VariantForSaleResult {
  productVariant: VariantForSale | null;
}

export interface VariantsForSaleVariables {
  query: string;
}

export interface VariantsForSaleResult {
  productVariants: { nodes: VariantForSale[] };
}
