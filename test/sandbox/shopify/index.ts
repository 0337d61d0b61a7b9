// Shopify sandbox: shops on loopback, each under /shops/{shop}/ (what `https://{shop}/` is for real
// Shopify; Settle reaches it by setting SHOPIFY_SHOP_URL=http://127.0.0.1:PORT/shops/{shop}). It serves
// OAuth and token exchange, the Admin GraphQL API and the Payments Apps API over Shopify's published
// 2026-07 schemas, signed webhooks with Shopify's retries, billing approval pages, and cost-based
// throttling. Control endpoints under /_sandbox/ play the merchant, the partner and the customer.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import { adminFrameRoutes } from "./admin-frame";
import { billingRoutes } from "./billing";
import type { Services } from "./context";
import { controls, type Controls } from "./control";
import { ControlError } from "./errors";
import { PaymentsApps, paymentsRoot } from "./payments-apps";
import { graphqlHandler } from "./graphql";
import { oauthRoutes } from "./oauth";
import { adminMutations } from "./resolvers/admin-mutations";
import { adminQuery } from "./resolvers/admin-query";
import { appMutations } from "./resolvers/apps";
import { orderChanges } from "./resolvers/order-changes";
import { schemaFor } from "./schema";
import { Store } from "./store";
import { Buckets } from "./throttle";
import { Webhooks } from "./webhooks";

export type { Delivery } from "./webhooks";
export { API_VERSION } from "./schema";
export { adminQueryHmac } from "./oauth";

export interface ShopifySandboxOptions { port?: number; host?: string }

export interface ShopifySandbox extends Controls {
  /** Base URL, no trailing slash, e.g. http://127.0.0.1:5123 */
  url: string;
  port: number;
  /** Settle's SHOPIFY_SHOP_URL for this sandbox: `${url}/shops/{shop}`. */
  shopUrlTemplate: string;
  close(): Promise<void>;
  /** Resolves when no webhook or payments session is being sent (retries waiting on the clock do not count). */
  webhooksIdle(): Promise<void>;
  /** Installs the app as a merchant would and returns an offline access token (skips the browser consent). */
  install(shop: string, clientId: string, scopes?: string[]): Promise<string>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export async function startShopifySandbox(opts: ShopifySandboxOptions = {}): Promise<ShopifySandbox> {
  schemaFor("admin"); // build the 20 MB schema now, not on the first request
  schemaFor("payments");
  const host = opts.host ?? "127.0.0.1";
  const store = new Store();
  let baseUrl = "";
  const services: Services = { store, hooks: new Webhooks(store), baseUrl: () => baseUrl };
  const buckets = new Buckets();
  const oauth = oauthRoutes(services);
  const payments = new PaymentsApps(services);
  const ctl = controls(services, payments, oauth.uninstall);

  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "5mb" }));
  app.use(express.urlencoded({ extended: false }));

  const control = express.Router();
  control.use((req, _res, next) => {
    if (!LOOPBACK.test(req.socket.remoteAddress ?? "")) throw new ControlError(403, "Control endpoints answer loopback clients only.");
    next();
  });
  const b = (req: Request) => (req.body ?? {}) as never;
  const p = (req: Request, k: string) => String(req.params[k]);
  control.post("/shops", (req, res) => void res.status(201).json(ctl.createShop(b(req))));
  control.post("/apps", (req, res) => void res.status(201).json(ctl.registerApp(b(req))));
  control.post("/shops/:shop/products", (req, res) => void res.status(201).json(ctl.createProduct(p(req, "shop"), b(req))));
  control.get("/shops/:shop/stock/:variant", (req, res) => void res.json(ctl.stock(p(req, "shop"), p(req, "variant"))));
  control.post("/shops/:shop/customers", (req, res) => void res.status(201).json(ctl.createCustomer(p(req, "shop"), b(req))));
  control.post("/shops/:shop/session-tokens", (req, res) => {
    const body = (req.body ?? {}) as { clientId?: string; userId?: string };
    res.status(201).json({ token: ctl.sessionToken(p(req, "shop"), String(body.clientId ?? ""), body.userId ? String(body.userId) : undefined) });
  });
  control.post("/shops/:shop/install", async (req, res) => {
    const body = (req.body ?? {}) as { clientId?: string; scopes?: string[] };
    res.status(201).json({ access_token: await sandbox.install(p(req, "shop"), String(body.clientId ?? ""), body.scopes) });
  });
  control.post("/shops/:shop/apps/:clientId/uninstall", (req, res) => void res.json(ctl.uninstall(p(req, "shop"), p(req, "clientId"))));
  control.post("/shops/:shop/customers/:customer/data-request", (req, res) => void res.json(ctl.customersDataRequest(p(req, "shop"), p(req, "customer"))));
  control.post("/shops/:shop/customers/:customer/redact", (req, res) => void res.json(ctl.customersRedact(p(req, "shop"), p(req, "customer"))));
  control.post("/shops/:shop/redact", (req, res) => void res.json(ctl.shopRedact(p(req, "shop"))));
  control.post("/shops/:shop/payment-sessions", async (req, res) => void res.status(201).json(await ctl.startPaymentSession(p(req, "shop"), b(req))));
  for (const kind of ["refund", "capture", "void"] as const) {
    control.post(`/shops/:shop/${kind}-sessions`, async (req, res) => void res.status(201).json(await ctl.startFollowUpSession(p(req, "shop"), kind, b(req))));
  }
  control.get("/shops/:shop/apps/:clientId/payments-configuration", (req, res) => void res.json(ctl.paymentsConfiguration(p(req, "shop"), p(req, "clientId"))));
  control.post("/shops/:shop/apps/:clientId/plan/end", (req, res) => void res.json(ctl.endPlan(p(req, "shop"), p(req, "clientId"), (req.body as { status?: "CANCELLED" | "FROZEN" | "EXPIRED" } | undefined)?.status)));
  control.get("/shops/:shop/sessions/:id", (req, res) => void res.json(ctl.paymentSession(p(req, "shop"), p(req, "id"))));
  control.post("/shops/:shop/sessions/:id/resend", async (req, res) => void res.json(await ctl.resendSession(p(req, "shop"), p(req, "id"))));
  control.post("/webhook-deliveries/:webhookId/redeliver", (req, res) => void res.json(ctl.redeliverWebhook(p(req, "webhookId"))));
  control.get("/webhook-deliveries", async (req, res) => {
    await services.hooks.idle();
    res.json(ctl.deliveries({ shop: req.query.shop as string | undefined, topic: req.query.topic as string | undefined }));
  });
  control.post("/clock/advance", (req, res) => void res.json(ctl.advanceClock(Number((req.body as { seconds?: unknown } | undefined)?.seconds))));
  app.use("/_sandbox", control);

  const shops = express.Router({ mergeParams: true });
  shops.use(oauth.router, billingRoutes(services), adminFrameRoutes(services));
  shops.post("/admin/api/:version/graphql.json", graphqlHandler(services, { api: "admin", root: { ...adminQuery, ...adminMutations, ...orderChanges, ...appMutations } }, buckets));
  shops.post("/payments_apps/api/:version/graphql.json", graphqlHandler(services, { api: "payments", root: paymentsRoot(payments) }, buckets));
  app.use("/shops/:shop", shops);

  app.use((_req: Request, res: Response) => void res.status(404).json({ errors: "Not Found" }));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ControlError) return void res.status(err.status).json({ error: err.message });
    const e = err as { type?: string; message?: string };
    if (e?.type === "entity.parse.failed") return void res.status(400).json({ errors: "Invalid JSON in request body" });
    console.error("[shopify-sandbox] unexpected error", err);
    res.status(500).json({ errors: "Internal Server Error" });
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, () => resolve(s));
    s.on("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const sandbox: ShopifySandbox = {
    ...ctl,
    url: baseUrl,
    port,
    shopUrlTemplate: `${baseUrl}/shops/{shop}`,
    webhooksIdle: async () => { await Promise.all([services.hooks.idle(), payments.idle()]); },
    async install(shop, clientId, scopes) {
      const a = store.apps.get(clientId);
      if (!a) throw new ControlError(404, `No app with client id ${clientId}`);
      const form = { client_id: clientId, scope: (scopes ?? a.scopes).join(","), redirect_uri: a.redirectUrls[0] ?? "", state: "sandbox", decision: "install" };
      const approve = await fetch(`${baseUrl}/shops/${shop}/admin/oauth/authorize`, { method: "POST", body: new URLSearchParams(form), redirect: "manual" });
      const code = new URL(approve.headers.get("location") ?? "http://x/").searchParams.get("code");
      if (!code) throw new ControlError(approve.status, `install failed: ${await approve.text()}`);
      const tok = await fetch(`${baseUrl}/shops/${shop}/admin/oauth/access_token`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ client_id: clientId, client_secret: a.clientSecret, code }),
      });
      return ((await tok.json()) as { access_token: string }).access_token;
    },
    close: async () => {
      await Promise.all([services.hooks.idle(), payments.idle()]);
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
  return sandbox;
}
