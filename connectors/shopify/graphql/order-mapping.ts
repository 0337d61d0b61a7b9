import { fromDecimal, money, toDecimal, type Money } from '../../../core/money';
import { SettleError } from '../../../core/errors';
import type { StoreOrder } from '../../../core/stores/store';
import type { ShopifyOrder } from './documents/order-fields';
import type { MoneyBag, ShopifyMoney } from './documents/types';

/** The gateway name Settle's own transactions carry on orders it creates or records payments on. */
export const SETTLE_GATEWAY = 'Settle';

/** An order id as Settle keeps it: the gid, or the numeric id of a REST-era payload (kept as text, never a number). */
export function orderGid(orderId: string): string {
  if (/^gid:\/\/shopify\/Order\/\d{1,20}$/.test(orderId)) return orderId;
  if (/^\d{1,20}$/.test(orderId)) return `gid://shopify/Order/${orderId}`;
  throw new SettleError('invalid_order_id', 'A Shopify order id is a gid (gid://shopify/Order/…) or its number.');
}

export const moneyOf = (value: ShopifyMoney): Money => fromDecimal(value.amount, value.currencyCode);
const shopMoney = (bag: MoneyBag | null | undefined, currency: string): Money => (bag ? moneyOf(bag.shopMoney) : money(0, currency));

/** Money as Shopify's MoneyInput: a decimal string in the currency's own precision. */
export const moneyInput = (value: Money) => ({ amount: toDecimal(value), currencyCode: value.currency });

/** Statuses in which the shopper has paid (and perhaps been given some or all of it back). */
const PAID = new Set(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);

export function storeOrderFrom(order: ShopifyOrder): StoreOrder {
  const currency = order.totalPriceSet.shopMoney.currencyCode;
  const total = moneyOf(order.totalPriceSet.shopMoney);
  const shippingTotal = shopMoney(order.totalShippingPriceSet, currency);
  const taxTotal = shopMoney(order.totalTaxSet, currency);
  const outstanding = moneyOf(order.totalOutstandingSet.shopMoney);
  const email = order.email ?? order.customer?.email ?? '';
  return {
    id: order.id,
    number: order.name,
    status: order.cancelledAt ? 'cancelled' : (order.displayFinancialStatus ?? 'PENDING').toLowerCase(),
    needsPayment: !order.cancelledAt && outstanding.amount > 0,
    total,
    itemsTotal: money(total.amount - shippingTotal.amount - taxTotal.amount, currency),
    shippingTotal,
    taxTotal,
    lines: order.lineItems.nodes.map((l) => ({ name: l.name, sku: l.sku ?? '', quantity: l.quantity, total: moneyOf(l.discountedTotalSet.shopMoney) })),
    customer: { name: order.customer?.displayName || email || 'Online shopper', email },
    paid: !order.cancelledAt && (order.fullyPaid || PAID.has(order.displayFinancialStatus ?? '')),
    refunded: shopMoney(order.totalRefundedSet, currency),
  };
}
