import { fromDecimal, money, type Money } from '../../core/money';
import type { StoreOrder } from '../../core/stores/store';

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
