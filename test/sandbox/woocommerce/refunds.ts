// /wp-json/wc/v3/orders/<id>/refunds, after wc_create_refund() and WC_REST_Order_Refunds_Controller.
import { Router } from "express";
import { WpError } from "./errors";
import { money, toCents, wpDate } from "./format";
import { need, paginate, send } from "./http";
import { orderTotals, refundedTotal } from "./order-view";
import { addNote, setStatus } from "./orders";
import { syncStockStatus } from "./products";
import { findOrder } from "./lookup";
import type { Site } from "./site";
import type { Order, Refund, RefundLine } from "./state";
import { validateRequest } from "./validate";

/** Gateways the sandbox knows. "settle" stands in for Settle's own gateway plugin, whose
 *  process_refund() is product code: the sandbox cannot run it, so an API refund through it is
 *  recorded as done (refunded_payment true). Core offline gateways do not support refunds. */
const OFFLINE = new Set(["bacs", "cheque", "cod"]);

const WRITE_ARGS = { api_refund: { type: "boolean" }, api_restock: { type: "boolean" } };

function refundView(siteUrl: string, r: Refund): Record<string, unknown> {
  return {
    id: r.id, date_created: wpDate(r.created), date_created_gmt: wpDate(r.created),
    amount: money(r.amount), reason: r.reason, refunded_by: r.refundedBy, refunded_payment: r.refundedPayment,
    meta_data: [],
    line_items: r.lines.map((l) => ({
      id: l.id, name: l.name, product_id: l.productId, variation_id: 0, quantity: -l.quantity, tax_class: "",
      subtotal: money(-l.total), subtotal_tax: "0.00", total: money(-l.total), total_tax: "0.00", taxes: [],
      meta_data: [{ id: 0, key: "_refunded_item_id", value: String(l.id) }], sku: l.sku,
      price: l.quantity ? -l.total / 100 / l.quantity : 0,
    })),
    _links: {
      self: [{ href: `${siteUrl}wp-json/wc/v3/orders/${r.orderId}/refunds/${r.id}` }],
      collection: [{ href: `${siteUrl}wp-json/wc/v3/orders/${r.orderId}/refunds` }],
      up: [{ href: `${siteUrl}wp-json/wc/v3/orders/${r.orderId}` }],
    },
  };
}

interface RefundArgs { amount: number; reason: string; lines: RefundLine[]; apiRefund: boolean; restock: boolean }

function createRefund(site: Site, o: Order, a: RefundArgs): Refund {
  const { store } = site;
  const remaining = orderTotals(o).total - refundedTotal(store, o.id);
  if (a.amount > remaining) throw new WpError(500, "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.");
  let refundedPayment = false;
  if (a.apiRefund) {
    // wc_refund_payment(): fails (and the refund is not kept) unless the gateway can refund.
    if (o.paymentMethod === "settle") refundedPayment = true;
    else if (OFFLINE.has(o.paymentMethod)) throw new WpError(500, "woocommerce_rest_cannot_create_order_refund", "The payment gateway for this order does not support automatic refunds.");
    else throw new WpError(500, "woocommerce_rest_cannot_create_order_refund", "The payment gateway for this order does not exist.");
  }
  const r: Refund = {
    id: store.nextPostId(), orderId: o.id, amount: a.amount, reason: a.reason, refundedBy: 1,
    refundedPayment, created: store.now(), lines: a.lines,
  };
  store.refunds.set(r.id, r);
  if (a.restock) {
    for (const l of a.lines) {
      const p = store.products.get(l.productId);
      if (!p || !p.manageStock || p.stockQuantity === null || !l.quantity) continue;
      const before = p.stockQuantity;
      p.stockQuantity += l.quantity;
      syncStockStatus(p);
      addNote(store, o.id, `Item #${l.id} stock increased from ${before} to ${p.stockQuantity}.`);
    }
  }
  if (refundedPayment) addNote(store, o.id, `Refunded ${money(a.amount)}${a.reason ? ` – ${a.reason}` : ""}`);
  if (remaining - a.amount <= 0 && o.status !== "refunded") setStatus(store, o, "refunded");
  o.modified = store.now();
  site.hooks.emit("order.updated", o.id); // woocommerce_order_refunded is an order.updated hook
  return r;
}

/** wc_order_fully_refunded(): status set to "refunded" by hand records the remainder, no gateway call. */
export function recordRemainderRefund(site: Site, o: Order): void {
  const rest = orderTotals(o).total - refundedTotal(site.store, o.id);
  if (rest <= 0) return;
  createRefund(site, o, {
    amount: rest, lines: [], apiRefund: false, restock: false,
    reason: "Order status set to refunded. To return funds to the customer you will need to issue a refund through your payment gateway.",
  });
}

export function refundRoutes(site: Site): Router {
  const r = Router();
  const { store } = site;
  const parent = (raw: string) => findOrder(site, raw, "woocommerce_rest_invalid_order_id");

  r.get("/orders/:id/refunds", (req, res) => {
    need(res, "list");
    const o = parent(req.params.id);
    const rows = [...store.refunds.values()].filter((x) => x.orderId === o.id);
    send(res, "refund", paginate(req, res, rows, `${site.url()}wp-json/wc/v3/orders/${o.id}/refunds`).map((x) => refundView(site.url(), x)));
  });

  r.get("/orders/:id/refunds/:rid", (req, res) => {
    need(res, "view");
    const o = parent(req.params.id);
    const x = store.refunds.get(Number(req.params.rid));
    if (!x || x.orderId !== o.id) throw new WpError(404, "woocommerce_rest_invalid_id", "Invalid ID.");
    send(res, "refund", refundView(site.url(), x));
  });

  r.post("/orders/:id/refunds", (req, res) => {
    need(res, "create");
    const o = parent(req.params.id);
    const body = validateRequest("refund", req.body, WRITE_ARGS);
    const lines: RefundLine[] = [];
    for (const li of (body.line_items as Record<string, unknown>[] | undefined) ?? []) {
      const item = o.lines.find((l) => l.id === li.id);
      if (!item) continue; // wc_create_refund skips ids that are not items of this order
      const total = typeof li.refund_total === "number" ? Math.round(li.refund_total * 100) : 0;
      lines.push({ id: item.id, productId: item.productId, name: item.name, quantity: Number(li.quantity ?? 0), total, sku: item.sku });
    }
    const amount = body.amount !== undefined ? toCents(body.amount) : lines.reduce((s, l) => s + l.total, 0);
    if (amount === null || amount <= 0) {
      throw new WpError(400, "woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.");
    }
    const refund = createRefund(site, o, {
      amount, reason: typeof body.reason === "string" ? body.reason : "", lines,
      apiRefund: body.api_refund !== false, restock: body.api_restock !== false,
    });
    send(res, "refund", refundView(site.url(), refund), 201);
  });

  r.delete("/orders/:id/refunds/:rid", (req, res) => {
    need(res, "delete");
    const o = parent(req.params.id);
    const x = store.refunds.get(Number(req.params.rid));
    if (!x || x.orderId !== o.id) throw new WpError(404, "woocommerce_rest_invalid_id", "Invalid ID.");
    if (String(req.query.force) !== "true") throw new WpError(501, "woocommerce_rest_trash_not_supported", "Refunds do not support trashing.");
    const v = refundView(site.url(), x);
    store.refunds.delete(x.id);
    send(res, "refund", v);
  });
  return r;
}
