import { money, type Money } from '../../../core/money';
import type { SaleMadeElsewhere } from '../../../core/stores/store';
import type { ShopifyGraphql } from './client';
import { ORDER_CREATE, type OrderCreateResult, type OrderCreateVariables } from './documents/order-create';
import { ORDERS_MATCHING, type OrderSummary, type OrdersMatchingResult, type OrdersMatchingVariables } from './documents/orders';
import { VARIANTS_BY_SKU, skuQuery, type VariantsBySkuResult, type VariantsBySkuVariables } from './documents/products';
import { moneyInput, SETTLE_GATEWAY } from './order-mapping';

/** The tag that names Settle's payment on the order made for it (Shopify's search finds orders by tag). */
export const saleTag = (paymentId: string): string => `settle-${paymentId}`;

type OrderLine = OrderCreateVariables['order']['lineItems'][number];

/**
 * Creates the shop's paid order for a sale made elsewhere (a counter sale, a payment link): lines
 * matched to variants by SKU so Shopify lowers their stock (ignoring the "stop selling when out of
 * stock" policy: the goods have already left), a line matching no variant becomes a custom line so
 * the order's total is still the sale's, the shopper matched to the shop's customer by email, and
 * Settle's payment as a successful transaction of the Settle gateway.
 *
 * orderCreate takes no idempotency key in 2026-07, so the order carries a tag with Settle's payment
 * id and is looked for before one is created: a retry after a crash finds it instead of making a
 * second. (Shopify's order search lags creation by a few seconds; the queue's retry backoff is longer.)
 */
export async function recordSaleAsOrder(client: ShopifyGraphql, sale: SaleMadeElsewhere): Promise<{ orderId: string; number: string }> {
  const existing = await findSaleOrder(client, sale.paymentId);
  if (existing) return { orderId: existing.id, number: existing.name };

  const lineItems: OrderLine[] = [];
  for (const line of sale.lines) lineItems.push(...(await orderLines(client, line)));
  const total = money(sale.lines.reduce((sum, l) => sum + l.total.amount, 0), sale.lines[0]?.total.currency ?? 'USD');
  const [firstName, ...rest] = (sale.customer?.name ?? '').trim().split(/\s+/);
  const variables: OrderCreateVariables = {
    order: {
      currency: total.currency,
      ...(sale.customer
        ? { email: sale.customer.email, customer: { toUpsert: { email: sale.customer.email, ...(firstName ? { firstName, lastName: rest.join(' ') } : {}) } } }
        : {}),
      lineItems,
      transactions: [{ kind: 'SALE', status: 'SUCCESS', gateway: SETTLE_GATEWAY, amountSet: { shopMoney: moneyInput(total) }, processedAt: sale.startedAt.toISOString() }],
      note: sale.note,
      tags: ['settle', saleTag(sale.paymentId)],
      sourceIdentifier: sale.paymentId,
      processedAt: sale.startedAt.toISOString(),
    },
    options: { inventoryBehaviour: 'DECREMENT_IGNORING_POLICY', sendReceipt: false, sendFulfillmentReceipt: false },
  };
  const { order } = await client.mutate<NonNullable<OrderCreateResult['orderCreate']>, OrderCreateVariables>(ORDER_CREATE, variables, 'orderCreate');
  if (!order) throw new Error(`Shopify created no order for payment ${sale.paymentId}`);
  return { orderId: order.id, number: order.name };
}

/** The order already made for this payment, if any: tagged with it and carrying it as its source identifier. */
async function findSaleOrder(client: ShopifyGraphql, paymentId: string): Promise<OrderSummary | undefined> {
  const tag = saleTag(paymentId);
  const { orders } = await client.request<OrdersMatchingResult, OrdersMatchingVariables>(ORDERS_MATCHING, { query: `tag:'${tag}'`, first: 5 });
  return orders.nodes.find((o) => o.tags.includes(tag) && (o.sourceIdentifier === null || o.sourceIdentifier === paymentId));
}

/**
 * A sale line as order lines. Shopify prices a line per unit: when the line's total does not divide
 * evenly by its quantity, the last unit carries the remainder on a second line of the same variant,
 * so the order's total is the sale's to the cent and stock still falls by the whole quantity.
 */
async function orderLines(client: ShopifyGraphql, line: SaleMadeElsewhere['lines'][number]): Promise<OrderLine[]> {
  const variant = isVariantGid(line.productId) ? { id: line.productId } : await variantWithSku(client, line.name);
  if (!variant || line.quantity < 1) {
    const title = line.quantity === 1 ? line.name : `${line.name} × ${line.quantity}`;
    return [{ title, quantity: 1, priceSet: { shopMoney: moneyInput(line.total) }, requiresShipping: false, taxable: false }];
  }
  const unit = Math.floor(line.total.amount / line.quantity);
  const last = line.total.amount - unit * (line.quantity - 1);
  const priced = (quantity: number, amount: number): OrderLine => ({ variantId: variant.id, quantity, priceSet: { shopMoney: moneyInput(minor(amount, line.total)) } });
  if (last === unit) return [priced(line.quantity, unit)];
  return [...(line.quantity > 1 ? [priced(line.quantity - 1, unit)] : []), priced(1, last)];
}

/** A payment link's line names its variant (gid); a counter sale's line is matched by SKU. */
const isVariantGid = (id: string | null | undefined): id is string => Boolean(id?.startsWith('gid://shopify/ProductVariant/'));

async function variantWithSku(client: ShopifyGraphql, sku: string): Promise<{ id: string } | undefined> {
  const { productVariants } = await client.request<VariantsBySkuResult, VariantsBySkuVariables>(VARIANTS_BY_SKU, { query: skuQuery(sku) });
  const matches = productVariants.nodes.filter((v) => v.sku === sku);
  return matches.length === 1 ? matches[0] : undefined;
}

const minor = (amount: number, like: Money): Money => money(amount, like.currency);
