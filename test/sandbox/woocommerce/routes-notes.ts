// /wp-json/wc/v3/orders/<id>/notes
import { Router } from "express";
import { missingParams, WpError } from "./errors";
import { wpDate } from "./format";
import { need, send } from "./http";
import { addNote } from "./orders";
import { findOrder } from "./lookup";
import type { Site } from "./site";
import type { Note } from "./state";
import { validateRequest } from "./validate";

function noteView(siteUrl: string, n: Note): Record<string, unknown> {
  return {
    id: n.id, author: n.author, date_created: wpDate(n.created), date_created_gmt: wpDate(n.created),
    note: n.note, customer_note: n.customerNote,
    _links: {
      self: [{ href: `${siteUrl}wp-json/wc/v3/orders/${n.orderId}/notes/${n.id}` }],
      collection: [{ href: `${siteUrl}wp-json/wc/v3/orders/${n.orderId}/notes` }],
      up: [{ href: `${siteUrl}wp-json/wc/v3/orders/${n.orderId}` }],
    },
  };
}

export function noteRoutes(site: Site): Router {
  const r = Router();
  const { store } = site;
  const parent = (raw: string) => findOrder(site, raw, "woocommerce_rest_order_invalid_id");
  const one = (orderId: number, raw: string) => {
    const n = store.notes.find((x) => x.orderId === orderId && String(x.id) === raw);
    if (!n) throw new WpError(404, "woocommerce_rest_invalid_id", "Invalid resource ID.");
    return n;
  };

  r.get("/orders/:id/notes", (req, res) => {
    need(res, "list");
    const o = parent(req.params.id);
    const type = String(req.query.type ?? "any");
    if (!["any", "customer", "internal"].includes(type)) {
      throw new WpError(400, "rest_invalid_param", "Invalid parameter(s): type", { params: { type: "type is not one of any, customer, and internal." } });
    }
    // Notes are not paged: the controller returns them all, newest first.
    const rows = store.notes
      .filter((n) => n.orderId === o.id && (type === "any" || (type === "customer") === n.customerNote))
      .sort((a, b) => b.created - a.created || b.id - a.id);
    send(res, "note", rows.map((n) => noteView(site.url(), n)));
  });

  r.post("/orders/:id/notes", (req, res) => {
    need(res, "create");
    const body = validateRequest("note", req.body);
    if (typeof body.note !== "string" || body.note === "") {
      if (body.note === undefined) throw missingParams(["note"]);
      throw new WpError(400, "woocommerce_rest_invalid_order_note", "Cannot create order note, please try again.");
    }
    const o = parent(req.params.id);
    // added_by_user attributes the note to the API user ("admin"); otherwise it is a system note.
    const n = addNote(store, o.id, body.note, body.customer_note === true, body.added_by_user === true ? "admin" : "system");
    send(res, "note", noteView(site.url(), n), 201);
  });

  r.get("/orders/:id/notes/:nid", (req, res) => {
    need(res, "view");
    const o = parent(req.params.id);
    send(res, "note", noteView(site.url(), one(o.id, req.params.nid)));
  });

  r.delete("/orders/:id/notes/:nid", (req, res) => {
    need(res, "delete");
    const o = parent(req.params.id);
    const n = one(o.id, req.params.nid);
    if (String(req.query.force) !== "true") throw new WpError(501, "woocommerce_rest_trash_not_supported", "Order notes do not support trashing.");
    store.notes.splice(store.notes.indexOf(n), 1);
    send(res, "note", noteView(site.url(), n));
  });
  return r;
}
