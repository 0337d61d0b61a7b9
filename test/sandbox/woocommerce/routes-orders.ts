// /wp-json/wc/v3/orders
import { Router, type Request, type Response } from "express";
import { invalidParams, WpError } from "./errors";
import { findOrder } from "./lookup";
import { dateParam, listParam, need, paginate, send } from "./http";
import { orderView } from "./order-view";
import { applyOrder, newOrder } from "./orders";
import { recordRemainderRefund } from "./refunds";
import type { Site } from "./site";
import type { Order } from "./state";
import { validateRequest } from "./validate";

const STATUSES = ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash", "checkout-draft"];
const WRITE_ARGS = { set_paid: { type: "boolean" } };

export function orderRoutes(site: Site): Router {
  const r = Router();
  const { store } = site;
  const view = (o: Order) => orderView(store, site.url(), o);
  const remainder = (o: Order) => recordRemainderRefund(site, o);

  r.get("/orders", (req, res) => {
    need(res, "list");
    const status = listParam(req, "status") ?? ["any"];
    const bad = status.filter((s) => s !== "any" && !STATUSES.includes(s));
    if (bad.length) throw invalidParams({ status: `status[0] is not one of any, ${STATUSES.join(", ")}.` });
    const after = dateParam(req, "after"), before = dateParam(req, "before");
    const mAfter = dateParam(req, "modified_after"), mBefore = dateParam(req, "modified_before");
    const include = listParam(req, "include")?.map(Number);
    const customer = req.query.customer === undefined ? undefined : Number(req.query.customer);
    const product = req.query.product === undefined ? undefined : Number(req.query.product);
    // WordPress stores dates in whole seconds and date queries are exclusive ("after" means >).
    const sec = (ms: number) => Math.floor(ms / 1000) * 1000;
    const rows = [...store.orders.values()].filter(
      (o) =>
        // "any" excludes trash, as WordPress's post_status=any does.
        (status.includes("any") ? o.status !== "trash" : status.includes(o.status)) &&
        (after === undefined || sec(o.created) > after) && (before === undefined || sec(o.created) < before) &&
        (mAfter === undefined || sec(o.modified) > mAfter) && (mBefore === undefined || sec(o.modified) < mBefore) &&
        (!include || include.includes(o.id)) && (customer === undefined || o.customerId === customer) &&
        (product === undefined || o.lines.some((l) => l.productId === product)),
    );
    const page = paginate(req, res, rows, `${site.url()}wp-json/wc/v3/orders`);
    send(res, "order", page.map(view));
  });

  r.post("/orders", (req, res) => {
    need(res, "create");
    if (req.body && typeof req.body === "object" && req.body.id) {
      throw new WpError(400, "woocommerce_rest_shop_order_exists", "Cannot create existing shop_order.");
    }
    const body = validateRequest("order", req.body, WRITE_ARGS);
    const o = newOrder(store);
    applyOrder(store, o, body, true, remainder);
    site.hooks.emit("order.created", o.id);
    send(res, "order", view(o), 201);
  });

  r.get("/orders/:id", (req, res) => {
    need(res, "view");
    send(res, "order", view(findOrder(site, req.params.id)));
  });

  const update = (req: Request, res: Response) => {
    need(res, "edit");
    const o = findOrder(site, String(req.params.id));
    const body = validateRequest("order", req.body, WRITE_ARGS);
    applyOrder(store, o, body, false, remainder);
    site.hooks.emit("order.updated", o.id);
    send(res, "order", view(o));
  };
  r.put("/orders/:id", update);
  r.post("/orders/:id", update);
  r.patch("/orders/:id", update);

  r.delete("/orders/:id", (req, res) => {
    need(res, "delete");
    const o = findOrder(site, req.params.id);
    const before = view(o);
    if (String(req.query.force) === "true") store.orders.delete(o.id);
    else { o.status = "trash"; o.modified = store.now(); }
    site.hooks.emit("order.deleted", o.id);
    send(res, "order", String(req.query.force) === "true" ? before : view(o));
  });

  return r;
}
