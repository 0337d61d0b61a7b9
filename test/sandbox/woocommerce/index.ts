// WooCommerce sandbox: one WordPress + WooCommerce site on loopback, speaking REST API v3
// (/wp-json/wc/v3/...) to the official @woocommerce/woocommerce-rest-api client.
// Control endpoints under /_sandbox/ stand in for the WordPress admin UI (loopback only).
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import { authenticate, createKey } from "./auth";
import { noRoute, WpError } from "./errors";
import { sendJson } from "./http";
import { orderView } from "./order-view";
import { createProduct, productView } from "./products";
import { refundRoutes } from "./refunds";
import { noteRoutes } from "./routes-notes";
import { orderRoutes } from "./routes-orders";
import { customerRoutes } from "./routes-customers";
import { productRoutes } from "./routes-products";
import { webhookRoutes } from "./routes-webhooks";
import { wcAuthRoutes } from "./routes-wc-auth";
import { settingsRoutes } from "./routes-settings";
import type { Site } from "./site";
import { Store, type ApiKey, type Delivery } from "./state";
import { validateRequest } from "./validate";
import { WebhookDispatcher } from "./webhooks";

export { validateResponse, validateRequest } from "./validate";
export type { Delivery } from "./state";

export interface WooSandboxOptions { port?: number; host?: string; webhookRetry?: boolean }

export interface ApiKeyPair { key_id: number; consumer_key: string; consumer_secret: string; key_permissions: ApiKey["permissions"] }

export interface WooSandbox {
  /** Site (home) URL with trailing slash, e.g. http://127.0.0.1:5123/ */
  url: string;
  port: number;
  close(): Promise<void>;
  /** POST /_sandbox/api-keys */
  createApiKeys(permissions?: ApiKey["permissions"]): ApiKeyPair;
  /** POST /_sandbox/products: same body as REST create; returns the REST representation. */
  createProduct(body: Record<string, unknown>): Record<string, unknown>;
  /** POST /_sandbox/tax-rate: percent string like "9.0000", or null for no tax; shipping taxed unless `shippingTaxable` is false. */
  setTaxRate(rate: string | null, shippingTaxable?: boolean): void;
  /** GET /_sandbox/webhook-deliveries (waits for queued deliveries first). */
  webhookDeliveries(): Promise<Delivery[]>;
  /** Resolves when no webhook delivery is queued or in flight. */
  waitForWebhooks(): Promise<void>;
  /**
   * POST /_sandbox/storefront-pages: a page of the store's own site (what WordPress would render, e.g.
   * a checkout page where a plugin embeds a payment form), served as HTML at `path` on the store's origin.
   */
  setStorefrontPage(path: string, html: string): void;
  /**
   * POST /_sandbox/faults {path, status} / DELETE /_sandbox/faults: the site answers GET requests
   * under /wp-json/wc/v3/<path> with a WordPress error of `status` (a crashed PHP, a proxy in
   * trouble) until the fault is cleared (null).
   */
  setFault(fault: SiteFault | null): void;
}

export interface SiteFault { path: string; status: number }

const SKIPPED_ORDER_STATUSES = new Set(["draft", "auto-draft", "new", "checkout-draft"]);
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function loopbackOnly(req: Request, _res: Response, next: NextFunction): void {
  if (!LOOPBACK.test(req.socket.remoteAddress ?? "")) throw new WpError(403, "sandbox_forbidden", "Control endpoints answer loopback clients only.");
  next();
}

/**
 * PHP's $_GET: a repeated key keeps its last value; "key[]" collects an array. This matters: the
 * official JS client over HTTP sends every query parameter twice (oauth-1.0a's mergeObject mutates
 * the returned oauth data, which axios then appends), and WordPress simply sees one value.
 */
function phpQuery(qs: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(qs)) {
    if (k.endsWith("[]")) {
      const name = k.slice(0, -2);
      const cur = out[name];
      out[name] = Array.isArray(cur) ? [...cur, v] : [v];
    } else out[k] = v;
  }
  return out;
}

function taxRateOf(v: unknown): string | null {
  if (v === null || v === undefined || v === "") return null;
  const s = String(v);
  if (!/^\d+(\.\d+)?$/.test(s)) throw new WpError(400, "rest_invalid_param", "Invalid parameter(s): rate", { params: { rate: "rate must be a decimal string like 9.0000." } });
  return Number(s).toFixed(4);
}

export async function startWooSandbox(opts: WooSandboxOptions = {}): Promise<WooSandbox> {
  const host = opts.host ?? "127.0.0.1";
  const store = new Store();
  let siteUrl = "";
  const site: Site = {
    store,
    url: () => siteUrl,
    hooks: new WebhookDispatcher(
      store,
      () => siteUrl,
      (resource, id) => {
        if (resource === "order") {
          const o = store.orders.get(id);
          return o && !SKIPPED_ORDER_STATUSES.has(o.status) ? orderView(store, siteUrl, o) : null;
        }
        if (resource === "product") {
          const p = store.products.get(id);
          return p && p.status !== "auto-draft" ? productView(siteUrl, p) : null;
        }
        return null;
      },
      opts.webhookRetry ?? false,
    ),
  };

  const helpers = {
    createApiKeys(permissions: ApiKey["permissions"] = "read_write"): ApiKeyPair {
      const k = createKey(store, permissions);
      return { key_id: k.keyId, consumer_key: k.consumerKey, consumer_secret: k.consumerSecret, key_permissions: k.permissions };
    },
    createProduct(body: Record<string, unknown>) {
      const p = createProduct(store, validateRequest("product", body));
      return productView(siteUrl, p);
    },
    setTaxRate(rate: string | null, shippingTaxable = true) { store.taxRate = taxRateOf(rate); store.shippingTaxable = shippingTaxable; },
    async webhookDeliveries() { await site.hooks.idle(); return store.deliveries.map((d) => ({ ...d })); },
    waitForWebhooks: () => site.hooks.idle(),
    setStorefrontPage(path: string, html: string) {
      if (!/^\/[\w\-/.]*$/.test(path) || path.startsWith("/wp-json") || path.startsWith("/_sandbox")) throw new WpError(400, "sandbox_invalid_path", "path must be a plain site path outside /wp-json and /_sandbox");
      storefront.set(path, html);
    },
    setFault(f: SiteFault | null) {
      if (f && (!/^[a-z_/]+$/.test(f.path) || !Number.isInteger(f.status) || f.status < 400 || f.status > 599)) throw new WpError(400, "sandbox_invalid_fault", "A fault needs a REST path like \"orders\" and an error status 400-599.");
      fault = f;
    },
  };
  const storefront = new Map<string, string>();
  let fault: SiteFault | null = null;

  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", phpQuery);
  app.use(express.json({ type: ["application/json", "application/*+json"], limit: "5mb" }));
  app.use(express.urlencoded({ extended: true }));

  const control = express.Router();
  control.use(loopbackOnly);
  control.post("/api-keys", (req, res) => {
    const perm = (req.body?.permissions ?? "read_write") as string;
    if (!["read", "write", "read_write"].includes(perm)) throw new WpError(400, "rest_invalid_param", "Invalid parameter(s): permissions", { params: { permissions: "permissions is not one of read, write, and read_write." } });
    sendJson(res, 201, helpers.createApiKeys(perm as ApiKey["permissions"]));
  });
  control.post("/products", (req, res) => sendJson(res, 201, helpers.createProduct(req.body ?? {})));
  control.post("/tax-rate", (req, res) => {
    helpers.setTaxRate(req.body?.rate ?? null, req.body?.shipping_taxable !== false);
    sendJson(res, 200, { rate: store.taxRate, shipping_taxable: store.shippingTaxable });
  });
  control.get("/webhook-deliveries", async (req, res) => {
    const all = await helpers.webhookDeliveries();
    const id = req.query.webhook_id === undefined ? undefined : Number(req.query.webhook_id);
    sendJson(res, 200, all.filter((d) => id === undefined || d.webhook_id === id));
  });
  control.post("/storefront-pages", (req, res) => {
    helpers.setStorefrontPage(String(req.body?.path ?? ""), String(req.body?.html ?? ""));
    sendJson(res, 201, { path: req.body.path });
  });
  control.post("/faults", (req, res) => { helpers.setFault({ path: String(req.body?.path ?? ""), status: Number(req.body?.status) }); sendJson(res, 201, fault); });
  control.delete("/faults", (_req, res) => { helpers.setFault(null); sendJson(res, 200, { cleared: true }); });
  app.use("/_sandbox", control);
  app.use(wcAuthRoutes(store));
  app.get(/^\/(?!wp-json|_sandbox)/, (req, res, next) => {
    const html = storefront.get(req.path);
    if (html === undefined) return next();
    res.type("html").send(html);
  });

  // The REST index: clients read the canonical home URL here (it is what signatures are built on).
  app.get(["/wp-json", "/wp-json/"], (_req, res) => {
    sendJson(res, 200, { name: "Settle WooCommerce sandbox", description: "", url: siteUrl.replace(/\/$/, ""), home: siteUrl.replace(/\/$/, ""), gmt_offset: 0, timezone_string: "UTC", namespaces: ["wc/v3"], authentication: {}, routes: {} });
  });

  const api = express.Router();
  api.use((req, res, next) => {
    // WordPress authenticates before routing: a bad signature is a 401 on any route.
    res.locals.key = authenticate(store, req, siteUrl);
    if (fault && req.method === "GET" && req.path.startsWith(`/${fault.path}`)) {
      throw new WpError(fault.status, "internal_server_error", "There has been a critical error on this website.");
    }
    next();
  });
  api.use(productRoutes(site), orderRoutes(site), noteRoutes(site), refundRoutes(site), webhookRoutes(site), customerRoutes(site), settingsRoutes(site));
  app.use("/wp-json/wc/v3", api);
  app.use(() => { throw noRoute(); });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof WpError) {
      if (err.status >= 500) console.error(`[woo-sandbox] ${err.code}: ${err.message}`);
      return sendJson(res, err.status, err.body());
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === "entity.parse.failed") {
      return sendJson(res, 400, { code: "rest_invalid_json", message: "Invalid JSON body passed.", data: { status: 400, json_error_code: 4, json_error_message: "Syntax error" } });
    }
    console.error("[woo-sandbox] unexpected error", err);
    sendJson(res, 500, { code: "internal_server_error", message: String(e?.message ?? err), data: { status: 500 } });
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, () => resolve(s));
    s.on("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  siteUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;

  return {
    url: siteUrl,
    port,
    ...helpers,
    close: async () => {
      await site.hooks.idle();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
