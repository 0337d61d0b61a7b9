// /wp-json/wc/v3/webhooks
import { Router, type Request, type Response } from "express";
import { WpError } from "./errors";
import { need, paginate, send } from "./http";
import type { Site } from "./site";
import type { Webhook } from "./state";
import { validateRequest } from "./validate";
import { applyWebhook, webhookView } from "./webhooks";

export function webhookRoutes(site: Site): Router {
  const r = Router();
  const { store } = site;
  const find = (raw: string) => {
    const w = /^\d+$/.test(raw) ? store.webhooks.get(Number(raw)) : undefined;
    if (!w) throw new WpError(404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.");
    return w;
  };
  const view = (w: Webhook) => webhookView(site.url(), w);

  r.get("/webhooks", (req, res) => {
    need(res, "list");
    const status = String(req.query.status ?? "all");
    if (!["all", "active", "paused", "disabled"].includes(status)) {
      throw new WpError(400, "rest_invalid_param", "Invalid parameter(s): status", { params: { status: "status is not one of all, active, paused, and disabled." } });
    }
    const rows = [...store.webhooks.values()].filter((w) => status === "all" || w.status === status);
    send(res, "webhook", paginate(req, res, rows, `${site.url()}wp-json/wc/v3/webhooks`).map(view));
  });

  r.post("/webhooks", (req, res) => {
    need(res, "create");
    if (req.body && typeof req.body === "object" && req.body.id) {
      throw new WpError(400, "woocommerce_rest_webhook_exists", "Cannot create existing webhook.");
    }
    const body = validateRequest("webhook", req.body);
    const now = store.now();
    const w: Webhook = {
      id: 0, name: "", status: "active", topic: "", deliveryUrl: "", secret: "", created: now, modified: now, failureCount: 0,
    };
    applyWebhook(store, w, body, true);
    if (!w.name) w.name = `Webhook created on ${new Date(now).toUTCString()}`;
    w.id = store.nextWebhookId();
    store.webhooks.set(w.id, w);
    site.hooks.ping(w);
    send(res, "webhook", view(w), 201);
  });

  r.get("/webhooks/:id", (req, res) => {
    need(res, "view");
    send(res, "webhook", view(find(req.params.id)));
  });

  const update = (req: Request, res: Response) => {
    need(res, "edit");
    const w = find(String(req.params.id));
    applyWebhook(store, w, validateRequest("webhook", req.body), false);
    send(res, "webhook", view(w));
  };
  r.put("/webhooks/:id", update);
  r.post("/webhooks/:id", update);
  r.patch("/webhooks/:id", update);

  r.delete("/webhooks/:id", (req, res) => {
    need(res, "delete");
    const w = find(req.params.id);
    if (String(req.query.force) !== "true") throw new WpError(501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.");
    store.webhooks.delete(w.id);
    send(res, "webhook", view(w));
  });
  return r;
}
