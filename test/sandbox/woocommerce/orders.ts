// Order rules: lines and totals, status transitions, stock, notes. Mirrors WooCommerce core
// (WC_Order::status_transition, wc_maybe_reduce_stock_levels / wc_maybe_increase_stock_levels,
// WC_Order::payment_complete) for the subset Settle relies on.
import { randomBytes } from "node:crypto";
import { WpError } from "./errors";
import { toCents } from "./format";
import { productPrice, syncStockStatus } from "./products";
import type { Order, Store } from "./state";

type Body = Record<string, unknown>;
type Row = Record<string, unknown>;

const LABELS: Record<string, string> = {
  pending: "Pending payment", processing: "Processing", "on-hold": "On hold", completed: "Completed",
  cancelled: "Cancelled", refunded: "Refunded", failed: "Failed", trash: "Trash",
};
/** Statuses that take stock (hooks woocommerce_order_status_{processing,completed,on-hold}). */
const REDUCES_STOCK = new Set(["processing", "completed", "on-hold"]);
/** Statuses that give it back (hooks woocommerce_order_status_{cancelled,pending}). */
const RESTORES_STOCK = new Set(["cancelled", "pending"]);
/** wc_get_is_paid_statuses(): entering one sets date_paid if it is empty. */
const PAID = new Set(["processing", "completed"]);
/** WC_Order::payment_complete() only acts from these (valid_order_statuses_for_payment_complete). */
const PAYABLE = new Set(["on-hold", "pending", "failed", "cancelled"]);

export function addNote(store: Store, orderId: number, note: string, customerNote = false, author = "system") {
  const n = { id: store.nextCommentId(), orderId, note, customerNote, author, created: store.now() };
  store.notes.push(n);
  return n;
}

const taxOf = (store: Store, o: Order, cents: number) =>
  o.taxRate === null ? 0 : Math.round((cents * Number(o.taxRate)) / 100);

/** WC_Order::calculate_totals() with the site's single rate; fees/products with tax_status none are exempt. */
export function calculateTotals(store: Store, o: Order): void {
  o.taxRate = store.taxRate;
  for (const l of o.lines) {
    const p = store.products.get(l.productId);
    l.tax = p && p.extra.tax_status === "none" ? 0 : taxOf(store, o, l.total);
  }
  for (const s of o.shippingLines) s.tax = store.shippingTaxable ? taxOf(store, o, s.total) : 0;
  for (const f of o.feeLines) f.tax = f.taxStatus === "taxable" ? taxOf(store, o, f.total) : 0;
}

function cents(v: unknown, field: string): number | undefined {
  if (v === undefined) return undefined;
  const c = toCents(v);
  if (c === null) throw new WpError(400, "rest_invalid_param", `Invalid parameter(s): ${field}`, { params: { [field]: `${field} is not a decimal.` } });
  return c;
}

/** Line items: new rows need product_id; rows with an id update that item; quantity 0 removes it. */
function applyLineItems(store: Store, o: Order, rows: Row[]): void {
  for (const r of rows) {
    const existing = typeof r.id === "number" ? o.lines.find((l) => l.id === r.id) : undefined;
    if (typeof r.id === "number" && !existing) {
      throw new WpError(400, "woocommerce_rest_invalid_item_id", "Order item ID provided is not associated with order.");
    }
    if (r.quantity === 0) {
      if (existing) o.lines = o.lines.filter((l) => l !== existing);
      continue;
    }
    const productId = (r.product_id as number | undefined) ?? existing?.productId;
    if (!productId) throw new WpError(400, "woocommerce_rest_required_product_reference", "Product ID or SKU is required.");
    const p = store.products.get(productId);
    if (!p) throw new WpError(400, "order_item_product_invalid_product", "Invalid product");
    const quantity = (r.quantity as number | undefined) ?? existing?.quantity ?? 1;
    const unit = toCents(productPrice(p)) ?? 0;
    // Totals default to price x quantity (wc_get_price_excluding_tax); given totals win.
    const subtotal = cents(r.subtotal, "subtotal") ?? (existing && r.quantity === undefined ? existing.subtotal : unit * quantity);
    const total = cents(r.total, "total") ?? (existing && r.quantity === undefined ? existing.total : subtotal);
    const line = existing ?? {
      id: store.nextItemId(), productId, variationId: 0, name: p.name, sku: p.sku, quantity, subtotal, total,
      tax: 0, taxClass: "", meta: [],
    };
    Object.assign(line, { productId, name: (r.name as string) ?? p.name, sku: p.sku, quantity, subtotal, total });
    if (typeof r.variation_id === "number") line.variationId = r.variation_id;
    if (!existing) o.lines.push(line);
  }
}

function applyShipping(store: Store, o: Order, rows: Row[]): void {
  for (const r of rows) {
    const existing = typeof r.id === "number" ? o.shippingLines.find((l) => l.id === r.id) : undefined;
    if (existing && r.method_id === null) { o.shippingLines = o.shippingLines.filter((l) => l !== existing); continue; }
    const line = existing ?? { id: store.nextItemId(), methodId: "", methodTitle: "", total: 0, tax: 0, meta: [] };
    if (typeof r.method_id === "string") line.methodId = r.method_id;
    if (typeof r.method_title === "string") line.methodTitle = r.method_title;
    line.total = cents(r.total, "shipping_lines") ?? line.total;
    if (!existing) o.shippingLines.push(line);
  }
}

function applyFees(store: Store, o: Order, rows: Row[]): void {
  for (const r of rows) {
    const existing = typeof r.id === "number" ? o.feeLines.find((l) => l.id === r.id) : undefined;
    const line = existing ?? { id: store.nextItemId(), name: "", taxStatus: "taxable", taxClass: "", total: 0, tax: 0, meta: [] };
    if (typeof r.name === "string") line.name = r.name;
    if (typeof r.tax_status === "string") line.taxStatus = r.tax_status;
    if (typeof r.tax_class === "string") line.taxClass = r.tax_class;
    line.total = cents(r.total, "fee_lines") ?? line.total;
    if (!existing) o.feeLines.push(line);
  }
}

/**
 * wc_reduce_stock_levels(): once per order (`_order_stock_reduced`), for items whose product
 * manages stock. WooCommerce does NOT refuse when stock is short: the quantity goes negative, the
 * status becomes outofstock (or onbackorder), and the order gets a note. Refusing to sell
 * out-of-stock goods is the checkout's job (cart validation), which REST orders bypass.
 */
function reduceStock(store: Store, o: Order): void {
  if (o.stockReduced) return;
  const changes: string[] = [];
  for (const l of o.lines) {
    const p = store.products.get(l.productId);
    if (!p || !p.manageStock || p.stockQuantity === null) continue;
    const before = p.stockQuantity;
    p.stockQuantity = before - l.quantity;
    syncStockStatus(p);
    changes.push(`${p.name} (${p.sku || `#${p.id}`}) ${before}&rarr;${p.stockQuantity}`);
  }
  o.stockReduced = true;
  if (changes.length) addNote(store, o.id, `Stock levels reduced: ${changes.join(", ")}`);
  if (!o.salesRecorded) {
    for (const l of o.lines) {
      const p = store.products.get(l.productId);
      if (p) p.totalSales += l.quantity;
    }
    o.salesRecorded = true;
  }
}

/** wc_increase_stock_levels(): only if stock was reduced; clears the flag so paying again reduces again. */
function restoreStock(store: Store, o: Order): void {
  if (!o.stockReduced) return;
  const changes: string[] = [];
  for (const l of o.lines) {
    const p = store.products.get(l.productId);
    if (!p || !p.manageStock || p.stockQuantity === null) continue;
    const before = p.stockQuantity;
    p.stockQuantity = before + l.quantity;
    syncStockStatus(p);
    changes.push(`${p.name} (${p.sku || `#${p.id}`}) ${before}&rarr;${p.stockQuantity}`);
  }
  o.stockReduced = false;
  if (changes.length) addNote(store, o.id, `Stock levels increased: ${changes.join(", ")}`);
}

export function setStatus(store: Store, o: Order, to: string, onRefundedRemainder?: (o: Order) => void): void {
  const from = o.status;
  if (from === to) return;
  o.status = to;
  if (PAID.has(to) && o.paid === null) o.paid = store.now();
  if (to === "completed" && o.completed === null) o.completed = store.now();
  addNote(store, o.id, `Order status changed from ${LABELS[from] ?? from} to ${LABELS[to] ?? to}.`);
  if (REDUCES_STOCK.has(to)) reduceStock(store, o);
  if (RESTORES_STOCK.has(to)) restoreStock(store, o);
  // wc_order_fully_refunded(): setting "refunded" by hand records a refund for what is left.
  if (to === "refunded") onRefundedRemainder?.(o);
}

/** WC_Order::payment_complete(): no-op unless the order is still awaiting payment. */
function paymentComplete(store: Store, o: Order, transactionId: unknown): void {
  if (!PAYABLE.has(o.status)) return;
  if (typeof transactionId === "string" && transactionId) o.transactionId = transactionId;
  if (o.paid === null) o.paid = store.now();
  setStatus(store, o, "processing");
}

export function newOrder(store: Store): Order {
  const now = store.now();
  return {
    id: 0, parentId: 0, status: "pending", currency: store.currency, orderKey: `wc_order_${randomBytes(7).toString("hex").slice(0, 13)}`,
    created: now, modified: now, paid: null, completed: null, customerId: 0, customerNote: "",
    billing: { first_name: "", last_name: "", company: "", address_1: "", address_2: "", city: "", state: "", postcode: "", country: "", email: "", phone: "" },
    shipping: { first_name: "", last_name: "", company: "", address_1: "", address_2: "", city: "", state: "", postcode: "", country: "" },
    paymentMethod: "", paymentMethodTitle: "", transactionId: "", lines: [], shippingLines: [], feeLines: [],
    taxRate: null, taxLineId: 0, meta: [], stockReduced: false, salesRecorded: false,
  };
}

/**
 * WC_REST_Orders_Controller::save_object(): props first, then totals (when lines changed), then
 * the status, then set_paid → payment_complete(). `creating` allows set_paid regardless of status.
 */
export function applyOrder(store: Store, o: Order, body: Body, creating: boolean, onRefundedRemainder: (o: Order) => void): void {
  if (typeof body.parent_id === "number") o.parentId = body.parent_id;
  if (typeof body.currency === "string") o.currency = body.currency;
  if (typeof body.customer_id === "number") o.customerId = body.customer_id;
  if (typeof body.customer_note === "string") o.customerNote = body.customer_note;
  if (typeof body.payment_method === "string") o.paymentMethod = body.payment_method;
  if (typeof body.payment_method_title === "string") o.paymentMethodTitle = body.payment_method_title;
  if (typeof body.transaction_id === "string") o.transactionId = body.transaction_id;
  if (body.billing) Object.assign(o.billing, body.billing);
  if (body.shipping) Object.assign(o.shipping, body.shipping);
  for (const m of (body.meta_data as Row[] | undefined) ?? []) {
    if (typeof m.key !== "string") continue;
    const cur = o.meta.find((x) => x.key === m.key);
    if (cur) cur.value = m.value;
    else o.meta.push({ id: store.nextMetaId(), key: m.key, value: m.value });
  }
  const lines = body.line_items as Row[] | undefined, ship = body.shipping_lines as Row[] | undefined, fees = body.fee_lines as Row[] | undefined;
  if (lines) applyLineItems(store, o, lines);
  if (ship) applyShipping(store, o, ship);
  if (fees) applyFees(store, o, fees);
  if (creating || lines || ship || fees) {
    calculateTotals(store, o);
    if (o.taxRate !== null && !o.taxLineId) o.taxLineId = store.nextItemId();
  }
  if (creating && !o.id) { o.id = store.nextPostId(); store.orders.set(o.id, o); }
  if (typeof body.status === "string") setStatus(store, o, body.status, onRefundedRemainder);
  if (body.set_paid === true) paymentComplete(store, o, body.transaction_id);
  o.modified = store.now();
}
