import type { Settle } from '../ports';
import type { Queryable } from '../storage/database';
import type { ProductForSale, Store } from '../stores/store';
import { NotFoundError, SettleError } from '../errors';
import { connectedStore } from '../stores/connected-store';
import { newId } from '../ids';
import { add, currencyCode, money, type Money } from '../money';

/**
 * Payment links: the merchant makes a link (/pay/link/<id>) for some of their store's products, or
 * for an amount with a description, and shares it anywhere (an email, a social post, an invoice).
 * Every shopper who opens it pays on Settle's page with their own payment (link-sales.ts), which
 * becomes a paid order in the merchant's store, reaching the ledger and the books like any sale.
 */

/** A product the link sells, as the merchant chose it: the store's product id and how many. */
export interface PaymentLinkProduct {
  productId: string;
  /** The product's name in the store when the link was made (the store's name is read again at each sale). */
  name: string;
  quantity: number;
}

export interface PaymentLink {
  id: string;
  merchantId: string;
  description: string;
  currency: string;
  /** A custom-amount link: what every shopper pays. Null for a link to products. */
  customAmount: Money | null;
  products: PaymentLinkProduct[];
  active: boolean;
  createdAt: Date;
  deactivatedAt: Date | null;
}

/** A link as the merchant's list shows it: how many shoppers paid through it, and how much. */
export type PaymentLinkListing = PaymentLink & { paidCount: number; paidTotal: Money };

/** A line of what a shopper pays for, priced when they open the link. `productId` null: a custom amount. */
export interface LinkLine {
  productId: string | null;
  name: string;
  quantity: number;
  /** The line's total, in minor units of the link's currency. */
  amount: number;
}

/** The merchant's store, for links to its products; a link for an amount needs none. */
export async function storeForLinks(settle: Settle, merchantId: string): Promise<Store> {
  const store = await connectedStore(settle, merchantId);
  if (!store) throw new SettleError('store_not_connected', 'Connect your store to Settle to sell its products through a link, or make a link for an amount.', 409);
  return store;
}

/**
 * The lines of the link's products at the store's prices now. A product the store no longer sells,
 * or has too few of, is refused in words the reader can act on (`forShopper`: the shopper, else the merchant).
 */
export async function priceProducts(store: Store, products: { productId: string; quantity: number }[], currency: string, forShopper: boolean): Promise<LinkLine[]> {
  const lines: LinkLine[] = [];
  for (const { productId, quantity } of products) {
    const product = await store.productForSale(productId, currency);
    if (!product) {
      throw forShopper
        ? new SettleError('product_unavailable', 'Something on this link is no longer sold. Ask the seller for a new link.', 409)
        : new SettleError('product_not_found', `Your store has no product with id ${productId}.`, 400);
    }
    if (!product.purchasable) {
      throw forShopper
        ? new SettleError('product_unavailable', `${product.name} is no longer sold. Ask the seller for a new link.`, 409)
        : new SettleError('product_not_for_sale', `${product.name} (product ${productId}) cannot be bought in your store: publish it and give it a price.`, 400);
    }
    if (forShopper && product.available !== null && product.available < quantity) {
      throw new SettleError('out_of_stock', `${product.name} is out of stock${product.available > 0 ? ` (${product.available} left)` : ''}. Nothing was charged.`, 409);
    }
    lines.push({ productId: product.id, name: product.name, quantity, amount: product.unitPrice.amount * quantity });
  }
  return lines;
}

/** The store's products a merchant may put on a link, found by name or SKU, at the store's prices. */
export async function findProductsForLinks(settle: Settle, merchantId: string, search: string, currency: string): Promise<ProductForSale[]> {
  return (await storeForLinks(settle, merchantId)).findProducts(search, currencyCode(currency));
}

export const linesTotal = (lines: LinkLine[], currency: string): Money =>
  lines.reduce((sum, l) => add(sum, money(l.amount, currency)), money(0, currency));

/** Makes a link for store products (priced from the store) or for an amount with a description. */
export async function createPaymentLink(
  settle: Settle, merchantId: string,
  input: { description?: string; currency: string; amount?: number; products?: { productId: string; quantity: number }[] },
): Promise<PaymentLinkListing> {
  const currency = currencyCode(input.currency);
  let products: PaymentLinkProduct[] = [];
  if (input.products?.length) {
    const lines = await priceProducts(await storeForLinks(settle, merchantId), input.products, currency, false);
    if (linesTotal(lines, currency).amount <= 0) throw new SettleError('nothing_to_pay', 'These products cost nothing in your store: a link needs something to pay.', 400);
    products = lines.map((l) => ({ productId: l.productId!, name: l.name, quantity: l.quantity }));
  }
  const customAmount = input.amount === undefined ? null : money(input.amount, currency);
  if (customAmount) (await settle.platforms.processorFor(merchantId)).assertChargeable(customAmount);
  const description = input.description ?? products.map((p) => (p.quantity === 1 ? p.name : `${p.quantity} × ${p.name}`)).join(', ');
  const id = newId('pl');
  await settle.db.query(
    'INSERT INTO payment_links (id, merchant_id, description, currency, custom_amount, products) VALUES ($1, $2, $3, $4, $5, $6)',
    [id, merchantId, description.slice(0, 500), currency, customAmount?.amount ?? null, JSON.stringify(products)],
  );
  return (await listPaymentLinks(settle.db, merchantId, id))[0]!;
}

type LinkRow = {
  id: string; merchant_id: string; description: string; currency: string; custom_amount: number | string | null; products: PaymentLinkProduct[];
  active: boolean; created_at: Date | string; deactivated_at: Date | string | null;
};
const COLUMNS = 'l.id, l.merchant_id, l.description, l.currency, l.custom_amount, l.products, l.active, l.created_at, l.deactivated_at';

const linkFromRow = (r: LinkRow): PaymentLink => ({
  id: r.id, merchantId: r.merchant_id, description: r.description, currency: r.currency,
  customAmount: r.custom_amount === null ? null : money(Number(r.custom_amount), r.currency), products: r.products, active: r.active,
  createdAt: new Date(r.created_at), deactivatedAt: r.deactivated_at === null ? null : new Date(r.deactivated_at),
});

/** The merchant's links, newest first (or the one with `onlyId`), with what was paid through each. */
export async function listPaymentLinks(db: Queryable, merchantId: string, onlyId?: string): Promise<PaymentLinkListing[]> {
  const rows = await db.query<LinkRow & { paid_count: number; paid_total: string }>(
    `SELECT ${COLUMNS},
            count(p.id)::int AS paid_count, coalesce(sum(p.amount), 0)::bigint AS paid_total
       FROM payment_links l
       LEFT JOIN payment_link_sales s ON s.merchant_id = l.merchant_id AND s.link_id = l.id
       LEFT JOIN payments p ON p.id = s.payment_id AND p.status = 'succeeded'
      WHERE l.merchant_id = $1 AND ($2::text IS NULL OR l.id = $2)
      GROUP BY l.id ORDER BY l.created_at DESC LIMIT 500`,
    [merchantId, onlyId ?? null],
  );
  return rows.map((r) => ({ ...linkFromRow(r), paidCount: r.paid_count, paidTotal: money(Number(r.paid_total), r.currency) }));
}

/** The shopper's page knows only the (unguessable) link id, not the merchant. */
export async function findPaymentLinkById(db: Queryable, id: string): Promise<PaymentLink | undefined> {
  const rows = await db.query<LinkRow>(`SELECT ${COLUMNS} FROM payment_links l WHERE l.id = $1`, [id]);
  return rows[0] && linkFromRow(rows[0]);
}

/** Shoppers who open the link from now on are told it is no longer active; nothing is charged. Payments already made stand. */
export async function deactivatePaymentLink(db: Queryable, merchantId: string, id: string): Promise<PaymentLinkListing> {
  await db.query('UPDATE payment_links SET active = false, deactivated_at = coalesce(deactivated_at, now()) WHERE merchant_id = $1 AND id = $2', [merchantId, id]);
  const [link] = await listPaymentLinks(db, merchantId, id);
  if (!link) throw new NotFoundError('This payment link');
  return link;
}
