// /wp-json/wc/v3/products
import { Router } from "express";
import { WpError } from "./errors";
import { need, paginate, send, listParam, dateParam } from "./http";
import { applyProduct, createProduct, productView } from "./products";
import type { Site } from "./site";
import { validateRequest } from "./validate";

export function productRoutes(site: Site): Router {
  const r = Router();
  const { store } = site;
  const find = (raw: string) => {
    const p = store.products.get(Number(raw));
    if (!p || !/^\d+$/.test(raw)) throw new WpError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
    return p;
  };

  r.get("/products", (req, res) => {
    need(res, "list");
    const status = String(req.query.status ?? "any");
    const sku = req.query.sku === undefined ? undefined : String(req.query.sku).split(",");
    const include = listParam(req, "include")?.map(Number);
    const after = dateParam(req, "modified_after");
    const search = req.query.search === undefined ? undefined : String(req.query.search).toLowerCase();
    const rows = [...store.products.values()].filter(
      (p) =>
        (status === "any" || p.status === status) &&
        (!sku || sku.includes(p.sku)) &&
        (!include || include.includes(p.id)) &&
        (after === undefined || Math.floor(p.modified / 1000) * 1000 > after) &&
        (!search || p.name.toLowerCase().includes(search)),
    );
    const page = paginate(req, res, rows, `${site.url()}wp-json/wc/v3/products`);
    send(res, "product", page.map((p) => productView(site.url(), p)));
  });

  r.post("/products", (req, res) => {
    need(res, "create");
    if (req.body && typeof req.body === "object" && "id" in req.body && req.body.id) {
      throw new WpError(400, "woocommerce_rest_product_exists", "Cannot create existing product.");
    }
    const body = validateRequest("product", req.body);
    const p = createProduct(store, body);
    site.hooks.emit("product.created", p.id);
    send(res, "product", productView(site.url(), p), 201);
  });

  r.get("/products/:id", (req, res) => {
    need(res, "view");
    send(res, "product", productView(site.url(), find(req.params.id)));
  });

  const update = (req: import("express").Request, res: import("express").Response) => {
    need(res, "edit");
    const p = find(String(req.params.id));
    const body = validateRequest("product", req.body);
    applyProduct(store, p, body);
    site.hooks.emit("product.updated", p.id);
    send(res, "product", productView(site.url(), p));
  };
  r.put("/products/:id", update);
  r.post("/products/:id", update);
  r.patch("/products/:id", update);

  r.delete("/products/:id", (req, res) => {
    need(res, "delete");
    const p = find(req.params.id);
    const view = productView(site.url(), p);
    if (String(req.query.force) === "true") store.products.delete(p.id);
    else p.status = "trash";
    site.hooks.emit("product.deleted", p.id);
    send(res, "product", { ...view, status: String(req.query.force) === "true" ? view.status : "trash" });
  });

  return r;
}
