// Webhook payloads in Shopify's REST shapes. Each starts from the example Shopify documents for the
// topic (shared/contracts/shopify/webhooks/2026-07/*.metadata.json) with every value the store knows
// written over it, so fields the sandbox does not model still have Shopify's names and types.
// Numeric ids are written into the JSON text as digits (`raw`), never through a JS number.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gid, type Order, type Refund, type Shop, type Transaction } from "./store";
import { toRestAmount } from "./money";

const DIR = fileURLToPath(new URL("../../../../shared/contracts/shopify/webhooks/2026-07/", import.meta.url));
const RAW = "\u00a7raw\u00a7";

/** A numeric id to be written as a JSON number with all its digits. */
export const raw = (id: string | null) => (id === null ? null : `${RAW}${id}`);

/** JSON text of a payload, with `raw` ids turned into bare integers. */
export const payloadJson = (payload: unknown) => JSON.stringify(payload).replace(new RegExp(`"${RAW}(\\d+)"`, "g"), "$1");

export const fileTopic = (topic: string) => topic.replace("/", "__");

function example(topic: string): Record<string, unknown> {
  const meta = JSON.parse(readFileSync(`${DIR}${fileTopic(topic)}.metadata.json`, "utf8")) as { response: Record<string, unknown> };
  return structuredClone(meta.response);
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z"));
const set = (minor: number, currency: string) => {
  const m = { amount: toRestAmount(minor, currency), currency_code: currency };
  return { shop_money: m, presentment_money: m };
};

export function orderTotals(o: Order) {
  const subtotal = o.lineItems.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const total = subtotal + o.shipping + o.tax;
  const ok = (t: Transaction) => t.status === "SUCCESS";
  const received = o.transactions.filter((t) => ok(t) && (t.kind === "SALE" || t.kind === "CAPTURE")).reduce((s, t) => s + t.amount, 0);
  const authorized = o.transactions.filter((t) => ok(t) && t.kind === "AUTHORIZATION").reduce((s, t) => s + t.amount, 0);
  const voided = o.transactions.some((t) => ok(t) && t.kind === "VOID");
  const refunded = o.refunds.reduce((s, r) => s + r.amount, 0);
  return { subtotal, total, received, authorized: voided ? 0 : authorized, refunded, voided, outstanding: Math.max(0, total - received) };
}

/** displayFinancialStatus (GraphQL enum); webhook payloads use the lower-case form. */
export function financialStatus(o: Order): string {
  const t = orderTotals(o);
  if (t.refunded > 0) return t.refunded >= t.received ? "REFUNDED" : "PARTIALLY_REFUNDED";
  if (t.received >= t.total && t.total > 0) return "PAID";
  if (t.received > 0) return "PARTIALLY_PAID";
  if (t.voided) return "VOIDED";
  if (t.authorized > 0) return "AUTHORIZED";
  return t.total === 0 ? "PAID" : "PENDING";
}

function restTransaction(o: Order, t: Transaction) {
  return {
    id: raw(t.id), admin_graphql_api_id: gid("OrderTransaction", t.id), order_id: raw(o.id), kind: t.kind.toLowerCase(),
    gateway: t.gateway, status: t.status.toLowerCase(), message: null, created_at: iso(t.createdAt), test: t.test,
    authorization: t.paymentId ?? t.id, location_id: null, user_id: null, parent_id: raw(t.parentId), processed_at: iso(t.createdAt),
    device_id: null, error_code: null, source_name: "web", receipt: {}, amount: toRestAmount(t.amount, o.currency),
    currency: o.currency, payment_id: t.paymentId ?? `${o.name}.${t.id}`,
    total_unsettled_set: { presentment_money: { amount: "0.0", currency: "XXX" }, shop_money: { amount: "0.0", currency: "XXX" } },
    manual_payment_gateway: false, amount_rounding: null,
  };
}

export function orderPayload(shop: Shop, o: Order, topic = "orders/updated"): Record<string, unknown> {
  const ex = example(topic);
  const c = o.currency;
  const t = orderTotals(o);
  const cust = o.customerId ? shop.customers.get(o.customerId) : undefined;
  const exLine = ((ex.line_items as Record<string, unknown>[])[0] ?? {}) as Record<string, unknown>;
  const exCustomer = (ex.customer ?? {}) as Record<string, unknown>;
  const gateways = [...new Set(o.transactions.map((x) => x.gateway))];
  return {
    ...ex,
    id: raw(o.id), admin_graphql_api_id: gid("Order", o.id), app_id: null, cancel_reason: o.cancelledAt ? "other" : null,
    cancelled_at: iso(o.cancelledAt), closed_at: null, confirmed: true, contact_email: o.email, created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt), processed_at: iso(o.processedAt), currency: c, presentment_currency: c, email: o.email ?? "",
    financial_status: financialStatus(o).toLowerCase(), fulfillment_status: null, name: o.name, number: o.number - 1000, order_number: o.number,
    note: o.note, source_name: o.sourceName, source_identifier: o.sourceIdentifier, tags: o.tags.join(", "), test: o.test,
    token: o.id, payment_gateway_names: gateways, buyer_accepts_marketing: false, customer_locale: "en",
    order_status_url: `https://${shop.domain}/${shop.id}/orders/${o.id}/authenticate?key=${o.id}`,
    subtotal_price: toRestAmount(t.subtotal, c), subtotal_price_set: set(t.subtotal, c),
    current_subtotal_price: toRestAmount(t.subtotal, c), current_subtotal_price_set: set(t.subtotal, c),
    total_price: toRestAmount(t.total, c), total_price_set: set(t.total, c),
    current_total_price: toRestAmount(t.total - t.refunded, c), current_total_price_set: set(t.total - t.refunded, c),
    total_tax: toRestAmount(o.tax, c), total_tax_set: set(o.tax, c), current_total_tax: toRestAmount(o.tax, c), current_total_tax_set: set(o.tax, c),
    total_discounts: toRestAmount(0, c), total_discounts_set: set(0, c), current_total_discounts: toRestAmount(0, c), current_total_discounts_set: set(0, c),
    total_line_items_price: toRestAmount(t.subtotal, c), total_line_items_price_set: set(t.subtotal, c),
    total_shipping_price_set: set(o.shipping, c), current_shipping_price_set: set(o.shipping, c),
    total_outstanding: toRestAmount(t.outstanding, c), total_tip_received: toRestAmount(0, c),
    tax_lines: [], discount_codes: [], discount_applications: [], fulfillments: [], shipping_lines: [], refunds: [],
    customer: cust ? {
      ...exCustomer, id: raw(cust.id), admin_graphql_api_id: gid("Customer", cust.id), email: cust.email, phone: cust.phone,
      first_name: cust.firstName, last_name: cust.lastName, created_at: iso(cust.createdAt), updated_at: iso(cust.createdAt), currency: c,
    } : ex.customer,
    line_items: o.lineItems.map((l) => ({
      ...exLine, id: raw(l.id), admin_graphql_api_id: gid("LineItem", l.id), attributed_staffs: [], current_quantity: l.quantity,
      fulfillable_quantity: l.quantity, name: l.title, title: l.title, price: toRestAmount(l.unitPrice, c), price_set: set(l.unitPrice, c),
      product_exists: l.productId !== null, product_id: raw(l.productId), variant_id: raw(l.variantId), quantity: l.quantity,
      sku: l.sku ?? "", variant_title: null, vendor: null, total_discount: toRestAmount(0, c), total_discount_set: set(0, c),
      tax_lines: [], duties: [], discount_allocations: [],
    })),
  };
}

/** A refund made by the shop owner in Shopify admin (the sandbox has no other staff). */
export function refundPayload(shop: Shop, o: Order, r: Refund): Record<string, unknown> {
  const ex = example("refunds/create");
  return {
    ...ex, id: raw(r.id), admin_graphql_api_id: gid("Refund", r.id), order_id: raw(o.id), created_at: iso(r.createdAt),
    processed_at: iso(r.createdAt), note: r.note ?? "", user_id: raw(shop.ownerId), restock: false, refund_line_items: [], order_adjustments: [],
    refund_shipping_lines: [], duties: [], return: null,
    transactions: o.transactions.filter((t) => r.transactionIds.includes(t.id)).map((t) => restTransaction(o, t)),
  };
}

export function transactionPayload(o: Order, t: Transaction): Record<string, unknown> {
  return { ...example("order_transactions/create"), ...restTransaction(o, t) };
}

export function shopPayload(shop: Shop): Record<string, unknown> {
  return {
    ...example("app/uninstalled"), id: raw(shop.id), name: shop.name, email: shop.email, customer_email: shop.email,
    domain: shop.domain, myshopify_domain: shop.domain, currency: shop.currency, enabled_presentment_currencies: [shop.currency],
    created_at: iso(shop.createdAt), updated_at: iso(shop.createdAt), primary_location_id: raw(shop.locationId),
    plan_name: shop.plan.toLowerCase(), plan_display_name: shop.plan,
  };
}

export function dataRequestPayload(shop: Shop, customerId: string, requestId: string): Record<string, unknown> {
  const c = shop.customers.get(customerId);
  const orders = [...shop.orders.values()].filter((o) => o.customerId === customerId).map((o) => raw(o.id));
  return {
    shop_id: raw(shop.id), shop_domain: shop.domain,
    customer: { id: raw(customerId), email: c?.email ?? "", phone: c?.phone ?? "" },
    orders_requested: orders, data_request: { id: raw(requestId) },
  };
}

export function customerRedactPayload(shop: Shop, customerId: string): Record<string, unknown> {
  const c = shop.customers.get(customerId);
  const orders = [...shop.orders.values()].filter((o) => o.customerId === customerId).map((o) => raw(o.id));
  return { shop_id: raw(shop.id), shop_domain: shop.domain, customer: { id: raw(customerId), email: c?.email ?? "", phone: c?.phone ?? "" }, orders_to_redact: orders };
}

export const shopRedactPayload = (shop: Shop) => ({ shop_id: raw(shop.id), shop_domain: shop.domain });

export const inventoryLevelPayload = (shop: Shop, inventoryItemId: string, available: number, at: number) => ({
  inventory_item_id: raw(inventoryItemId), location_id: raw(shop.locationId), available, updated_at: iso(at),
  admin_graphql_api_id: gid("InventoryLevel", `${shop.locationId}?inventory_item_id=${inventoryItemId}`),
});
