// What the sandbox's own tests share: a shop with an app installed, and a GraphQL call as an app makes it.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { API_VERSION, startShopifySandbox, type ShopifySandbox } from "./index";
import type { AppRegistration } from "./store";

export interface Installed { sandbox: ShopifySandbox; shop: string; clientId: string; clientSecret: string; token: string }

export const SCOPES = ["read_products", "write_products", "read_inventory", "write_inventory", "read_orders", "write_orders", "read_customers", "write_customers", "read_locations"];

export async function installedShop(o: { shop?: string; scopes?: string[]; appUrl?: string; sandbox?: ShopifySandbox; app?: Partial<AppRegistration> } = {}): Promise<Installed> {
  const sandbox = o.sandbox ?? await startShopifySandbox();
  const shop = o.shop ?? `test-${Math.random().toString(36).slice(2, 8)}.myshopify.com`;
  sandbox.createShop({ domain: shop, currency: "USD" });
  const appUrl = o.appUrl ?? "https://settle.example";
  const { clientId, clientSecret } = sandbox.registerApp({
    name: "Settle", appUrl, redirectUrls: [`${appUrl}/auth/callback`], scopes: o.scopes ?? SCOPES, ...o.app,
  });
  const token = await sandbox.install(shop, clientId);
  return { sandbox, shop, clientId, clientSecret, token };
}

export interface GqlAnswer { status: number; body: { data?: Record<string, unknown> | null; errors?: unknown; extensions?: { cost: Record<string, unknown> } } }

export async function gql(i: Pick<Installed, "sandbox" | "shop" | "token">, query: string, variables: Record<string, unknown> = {}, api: "admin" | "payments_apps" = "admin"): Promise<GqlAnswer> {
  const res = await fetch(`${i.sandbox.url}/shops/${i.shop}/${api === "admin" ? "admin" : "payments_apps"}/api/${API_VERSION}/graphql.json`, {
    method: "POST", headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": i.token }, body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GqlAnswer["body"] };
}

export interface Received { path: string; headers: Record<string, string | string[] | undefined>; body: string; check?: unknown }

/**
 * An app's HTTP endpoint on loopback: records what arrives, answers `status` (changeable), and
 * runs `check` on each request while it is open (e.g. @shopify/shopify-api's webhook validation).
 */
export async function receiver(o: { check?: (req: IncomingMessage, res: ServerResponse, body: string) => Promise<unknown>; answer?: (path: string, body: string) => { status: number; body?: string } } = {}) {
  const got: Received[] = [];
  let status = 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void (async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const r: Received = { path: req.url ?? "", headers: req.headers, body };
      if (o.check) r.check = await o.check(req, res, body);
      got.push(r);
      const a = o.answer?.(r.path, body) ?? { status };
      res.writeHead(a.status, { "Content-Type": "application/json" }).end(a.body ?? "{}");
    })());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, got,
    answerWith(s: number) { status = s; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
