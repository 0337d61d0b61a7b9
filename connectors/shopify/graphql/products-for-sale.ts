import { fromDecimal } from '../../../core/money';
import type { ProductForSale } from '../../../core/stores/store';
import type { ShopifyGraphql } from './client';
import {
  VARIANT_FOR_SALE, VARIANTS_FOR_SALE,
  type VariantForSale, type VariantForSaleResult, type VariantForSaleVariables, type VariantsForSaleResult, type VariantsForSaleVariables,
} from './documents/products';

const VARIANT_GID = /^gid:\/\/shopify\/ProductVariant\/\d{1,20}$/;

/**
 * A Shopify variant as a payment link sells it. The link's "product" is the variant (the thing with a
 * price and a stock count); its name is the product's title, with the variant's unless it is Shopify's
 * "Default Title". Shopify prices are decimal strings in the shop's currency.
 */
export function productForSaleFrom(v: VariantForSale, currency: string): ProductForSale {
  const counted = v.inventoryItem.tracked && v.inventoryPolicy === 'DENY';
  return {
    id: v.id,
    name: v.title && v.title !== 'Default Title' && v.title !== v.product.title ? `${v.product.title} – ${v.title}` : v.product.title,
    sku: v.sku ?? '',
    unitPrice: fromDecimal(v.price, currency),
    purchasable: v.product.status === 'ACTIVE' && v.availableForSale,
    available: counted ? Math.max(0, v.inventoryQuantity ?? 0) : null,
  };
}

export async function variantForSale(client: ShopifyGraphql, id: string, currency: string): Promise<ProductForSale | undefined> {
  // Shopify's ids are gid strings; anything else (a WooCommerce number) names nothing here.
  if (!VARIANT_GID.test(id)) return undefined;
  const { productVariant } = await client.request<VariantForSaleResult, VariantForSaleVariables>(VARIANT_FOR_SALE, { id });
  return productVariant ? productForSaleFrom(productVariant, currency) : undefined;
}

export async function variantsForSale(client: ShopifyGraphql, search: string, currency: string): Promise<ProductForSale[]> {
  // The merchant's words as one quoted term of Shopify's search syntax (quotes and backslashes escaped);
  // no words, no filter (a quoted empty term would match nothing).
  const query = search.trim() ? `"${search.trim().replace(/[\\"]/g, (c) => `\\${c}`)}"` : '';
  const { productVariants } = await client.request<VariantsForSaleResult, VariantsForSaleVariables>(VARIANTS_FOR_SALE, { query });
  return productVariants.nodes.map((v) => productForSaleFrom(v, currency)).filter((p) => p.purchasable);
}
