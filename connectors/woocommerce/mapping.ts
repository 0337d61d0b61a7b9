import { fromDecimal, money, type Money } from '../../core/money';
import type { ProductForSale, StoreOrder } from '../../core/stores/store';

/** The fields of a WooCommerce REST v3 order that Settle reads (docs-v3 _orders.md). */
export interface WooOrder {
  id: number;
  number: string;
  status: string;
  currency: string;
  total: string;
  total_tax: string;
  shipping_total: string;
  date_paid: string | null;
  transaction_id: string;
  /** The gateway that takes (or took) the payment: 'settle' for Settle's, e.g. 'cod' or 'paypal' otherwise; '' when none yet. */
  payment_method?: string;
  billing: { first_name: string; last_name: string; email: string };
  line_items: { name: string; sku: string; quantity: number; total: string }[];
  /** Refunds on the order; each total is negative ("-10.00"). */
  refunds?: { id: number; total: string }[];
}

/** Statuses of an order that was paid (wc_get_is_paid_statuses, and refunded: paid, then given back). */
const PAID = new Set(['processing', 'completed', 'refunded']);

/** Statuses in which WooCommerce itself offers the shopper to pay (WC_Order::needs_payment). */
const PAYABLE = new Set(['pending', 'failed']);

export function storeOrderFrom(order: WooOrder): StoreOrder {
  const currency = order.currency;
  const total = fromDecimal(order.total, currency);
  const shippingTotal = fromDecimal(order.shipping_total || '0', currency);
  const taxTotal = fromDecimal(order.total_tax || '0', currency);
  const name = `${order.billing.first_name} ${order.billing.last_name}`.trim();
  return {
    id: String(order.id),
    number: order.number,
    status: order.status,
    needsPayment: PAYABLE.has(order.status) && !order.date_paid,
    total,
    itemsTotal: money(total.amount - shippingTotal.amount - taxTotal.amount, currency),
    shippingTotal,
    taxTotal,
    lines: order.line_items.map((l) => ({ name: l.name, sku: l.sku, quantity: l.quantity, total: fromDecimal(l.total, currency) as Money })),
    customer: { name: name || order.billing.email || 'Online shopper', email: order.billing.email },
    paid: PAID.has(order.status) || (order.date_paid !== null && order.status !== 'cancelled'),
    refunded: money(-(order.refunds ?? []).reduce((sum, r) => sum + fromDecimal(r.total, currency).amount, 0), currency),
  };
}

/** The fields of a REST v3 product that say what it sells for and whether it can be sold (docs-v3 _products.md). */
export interface WooProduct {
  id: number;
  name: string;
  sku: string;
  /** The current price (the sale price while on sale); "" when none is set. */
  price: string;
  purchasable: boolean;
  manage_stock: boolean;
  stock_quantity: number | null;
  stock_status: string;
  backorders_allowed: boolean;
}

export function productForSaleFrom(product: WooProduct, currency: string): ProductForSale {
  const counted = product.manage_stock && !product.backorders_allowed;
  return {
    id: String(product.id), name: product.name, sku: product.sku,
    unitPrice: fromDecimal(product.price || '0', currency),
    purchasable: product.purchasable && product.price !== '',
    // Without managed stock WooCommerce only knows in stock or out of stock.
    available: counted ? Math.max(0, product.stock_quantity ?? 0) : product.stock_status === 'outofstock' && !product.backorders_allowed ? 0 : null,
  };
}
