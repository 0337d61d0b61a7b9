// REST representation of an order (GET /wc/v3/orders/<id>), shaped like examples/orders/*.json.
import { money, wpDate } from "./format";
import type { Meta, Order, Store } from "./state";

/** The single sandbox tax rate: id 1, as WooCommerce would number the first rate created. */
export const TAX_RATE_ID = 1;

const metaView = (m: Meta[]) => m.map((x) => ({ id: x.id, key: x.key, value: x.value }));
const taxes = (tax: number, withSubtotal: boolean, rate: string | null) =>
  rate === null ? [] : [{ id: TAX_RATE_ID, total: money(tax), ...(withSubtotal ? { subtotal: money(tax) } : {}) }];

export function orderTotals(o: Order) {
  const items = o.lines.reduce((s, l) => s + l.total, 0);
  const itemTax = o.lines.reduce((s, l) => s + l.tax, 0);
  const fees = o.feeLines.reduce((s, l) => s + l.total, 0);
  const feeTax = o.feeLines.reduce((s, l) => s + l.tax, 0);
  const shipping = o.shippingLines.reduce((s, l) => s + l.total, 0);
  const shippingTax = o.shippingLines.reduce((s, l) => s + l.tax, 0);
  const cartTax = itemTax + feeTax;
  const totalTax = cartTax + shippingTax;
  return { items, fees, shipping, shippingTax, cartTax, totalTax, total: items + fees + shipping + totalTax };
}

export function refundedTotal(store: Store, orderId: number): number {
  let s = 0;
  for (const r of store.refunds.values()) if (r.orderId === orderId) s += r.amount;
  return s;
}

export function orderView(store: Store, siteUrl: string, o: Order): Record<string, unknown> {
  const t = orderTotals(o);
  const refunds = [...store.refunds.values()]
    .filter((r) => r.orderId === o.id)
    .sort((a, b) => b.id - a.id)
    .map((r) => ({ id: r.id, reason: r.reason, total: money(-r.amount) }));
  return {
    id: o.id, parent_id: o.parentId, number: String(o.id), order_key: o.orderKey, created_via: "rest-api",
    version: "9.8.0", status: o.status, currency: o.currency,
    date_created: wpDate(o.created), date_created_gmt: wpDate(o.created),
    date_modified: wpDate(o.modified), date_modified_gmt: wpDate(o.modified),
    discount_total: "0.00", discount_tax: "0.00",
    shipping_total: money(t.shipping), shipping_tax: money(t.shippingTax),
    cart_tax: money(t.cartTax), total: money(t.total), total_tax: money(t.totalTax),
    prices_include_tax: false, customer_id: o.customerId, customer_ip_address: "", customer_user_agent: "",
    customer_note: o.customerNote, billing: { ...o.billing }, shipping: { ...o.shipping },
    payment_method: o.paymentMethod, payment_method_title: o.paymentMethodTitle, transaction_id: o.transactionId,
    date_paid: wpDate(o.paid), date_paid_gmt: wpDate(o.paid),
    date_completed: wpDate(o.completed), date_completed_gmt: wpDate(o.completed),
    cart_hash: "", meta_data: metaView(o.meta),
    line_items: o.lines.map((l) => ({
      id: l.id, name: l.name, product_id: l.productId, variation_id: l.variationId, quantity: l.quantity,
      tax_class: l.taxClass, subtotal: money(l.subtotal), subtotal_tax: money(l.tax), total: money(l.total),
      total_tax: money(l.tax), taxes: taxes(l.tax, true, o.taxRate), meta_data: metaView(l.meta), sku: l.sku,
      // A float (total / quantity), as in the docs' examples.
      price: l.quantity ? l.total / 100 / l.quantity : 0,
    })),
    tax_lines:
      o.taxRate === null
        ? []
        : [{
            id: o.taxLineId, rate_code: "SANDBOX-TAX-1", rate_id: TAX_RATE_ID, label: "Tax", compound: false,
            tax_total: money(t.cartTax), shipping_tax_total: money(t.shippingTax),
            rate_percent: Number(o.taxRate), meta_data: [],
          }],
    shipping_lines: o.shippingLines.map((l) => ({
      id: l.id, method_title: l.methodTitle, method_id: l.methodId, total: money(l.total), total_tax: money(l.tax),
      taxes: taxes(l.tax, false, o.taxRate), meta_data: metaView(l.meta),
    })),
    fee_lines: o.feeLines.map((l) => ({
      id: l.id, name: l.name, tax_class: l.taxClass, tax_status: l.taxStatus, total: money(l.total),
      total_tax: money(l.tax), taxes: taxes(l.tax, true, o.taxRate), meta_data: metaView(l.meta),
    })),
    coupon_lines: [],
    refunds,
    _links: {
      self: [{ href: `${siteUrl}wp-json/wc/v3/orders/${o.id}` }],
      collection: [{ href: `${siteUrl}wp-json/wc/v3/orders` }],
    },
  };
}
