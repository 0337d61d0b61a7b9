// What the sandbox's own tests share: a shop with an app installed, and a GraphQL call as an app makes it.
import { API_VERSION, startShopifySandbox, type ShopifySandbox } from "./index";

export interface Installed { sandbox: ShopifySandbox; shop: string; clientId: string; clientSecret: string; token: string }

export const SCOPES = ["read_products", "write_products", "read_inventory", "write_inventory", "read_orders", "write_orders", "read_customers", "write_customers", "read_locations"];

export async function installedShop(o: { shop?: string; scopes?: string[]; appUrl?: string; sandbox?: ShopifySandbox } = {}): Promise<Installed> {
  const sandbox = o.sandbox ?? await startShopifySandbox();
  const shop = o.shop ?? `test-${Math.random().toString(36).slice(2, 8)}.myshopify.com`;
  sandbox.createShop({ domain: shop, currency: "USD" });
  const appUrl = o.appUrl ?? "https://settle.example";
  const { clientId, clientSecret } = sandbox.registerApp({
    name: "Settle", appUrl, redirectUrls: [`${appUrl}/auth/callback`], scopes: o.scopes ?? SCOPES,
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
