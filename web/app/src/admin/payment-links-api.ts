// Typed client for the merchant's payment links: GET /api/payment-links, POST one (store products
// or an amount), POST …/deactivate. Amounts go to the server in minor units.
import type { Money } from '../money';
import { getJson } from './api';
import { postJson } from './actions-api';

export interface PaymentLinkRow {
  id: string;
  /** The address to share: /pay/link/<id>. */
  url: string;
  description: string;
  currency: string;
  /** A link for an amount; null for a link to products (the store's prices when the shopper opens it). */
  amount: Money | null;
  amountFormatted?: string | null;
  products: { productId: string; name: string; quantity: number }[];
  active: boolean;
  paidCount: number;
  paidTotal: Money;
  paidTotalFormatted?: string | null;
  createdAt: string;
  deactivatedAt: string | null;
}

export type NewPaymentLink =
  | { currency: string; products: { productId: string; quantity: number }[]; description?: string }
  | { currency: string; amount: number; description: string };

export function fetchPaymentLinks(signal?: AbortSignal): Promise<{ paymentLinks: PaymentLinkRow[] }> {
  return getJson('/api/payment-links', (b) => Array.isArray((b as { paymentLinks?: unknown }).paymentLinks), signal);
}

export async function createPaymentLink(link: NewPaymentLink): Promise<PaymentLinkRow> {
  return (await postJson<{ paymentLink: PaymentLinkRow }>('/api/payment-links', link)).paymentLink;
}

export async function deactivatePaymentLink(id: string): Promise<PaymentLinkRow> {
  return (await postJson<{ paymentLink: PaymentLinkRow }>(`/api/payment-links/${encodeURIComponent(id)}/deactivate`, {})).paymentLink;
}

/** A store product the merchant may put on a link, at the store's price now. */
export interface StoreProductRow {
  id: string;
  name: string;
  sku: string;
  unitPrice: Money;
  unitPriceFormatted?: string | null;
  purchasable: boolean;
  /** How many are left; null when the store does not count them. */
  available: number | null;
}

export function findStoreProducts(search: string, currency: string, signal?: AbortSignal): Promise<{ products: StoreProductRow[] }> {
  const query = new URLSearchParams({ search, currency });
  return getJson(`/api/payment-links/products?${query}`, (b) => Array.isArray((b as { products?: unknown }).products), signal);
}
