// Admin API query root: the shop, catalogue and stock, orders, customers, webhook subscriptions
// and the app's own installation. Each root field checks the scope Shopify requires for it.
import { need, type Ctx } from "../context";
import { idOf, type Shop } from "../store";
import { connection, matchesQuery, type PageArgs } from "./connection";
import { customerView, inventoryItemView, locationView, orderView, productView, shopView, variantView } from "./views";
import { appInstallationView, appSubscriptionView, webhookSubscriptionView } from "./apps";

type Search = PageArgs & { query?: string | null; sortKey?: string | null };
const byNewest = <T extends { createdAt: number }>(xs: Iterable<T>) => [...xs].sort((a, b) => a.createdAt - b.createdAt);
const iso = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString());

/** `sortKey`s on time and title; anything else keeps creation order (which is id order here). */
function sorted<T extends { createdAt: number; updatedAt?: number; processedAt?: number; title?: string }>(xs: T[], key: string | null | undefined): T[] {
  const by: Record<string, (x: T) => number | string> = {
    UPDATED_AT: (x) => x.updatedAt ?? x.createdAt, PROCESSED_AT: (x) => x.processedAt ?? x.createdAt, TITLE: (x) => x.title ?? "",
  };
  const f = key ? by[key] : undefined;
  return f ? [...xs].sort((a, b) => (f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0)) : xs;
}

/** Any object the sandbox holds, by gid (for `node` / `nodes`). */
function nodeById(ctx: Ctx, id: string): unknown {
  const s: Shop = ctx.shop;
  const m = /^gid:\/\/shopify\/(\w+)\//.exec(id);
  const look = <T>(map: Map<string, T>, type: string) => { const k = idOf(type, id); return k ? map.get(k) : undefined; };
  switch (m?.[1]) {
    case "Order": { const o = look(s.orders, "Order"); return o ? orderView(s, o) : null; }
    case "Product": { const p = look(s.products, "Product"); return p ? productView(s, p) : null; }
    case "ProductVariant": { const v = look(s.variants, "ProductVariant"); return v ? variantView(s, v) : null; }
    case "Customer": { const c = look(s.customers, "Customer"); return c ? customerView(s, c) : null; }
    case "InventoryItem": { const v = [...s.variants.values()].find((x) => x.inventoryItemId === idOf("InventoryItem", id)); return v ? inventoryItemView(s, v) : null; }
    case "Location": return idOf("Location", id) === s.locationId ? locationView(s) : null;
    // An app sees its own subscriptions by id, never another app's (Shopify answers null).
    case "AppSubscription": { const a = look(s.appSubscriptions, "AppSubscription"); return a && a.clientId === ctx.app.clientId ? appSubscriptionView(a) : null; }
    default: return null;
  }
}

export const adminQuery = {
  shop: (_a: unknown, ctx: Ctx) => shopView(ctx.shop, ctx.baseUrl()),
  products: (a: Search, ctx: Ctx) => {
    need(ctx, "read_products", "products");
    const list = sorted(byNewest(ctx.shop.products.values()), a.sortKey).filter((p) => matchesQuery(a.query, (f) => ({
      updated_at: [iso(p.updatedAt)], created_at: [iso(p.createdAt)],
      title: [p.title], handle: [p.handle], status: [p.status], id: [p.id], product_type: [p.productType], vendor: [p.vendor],
      sku: p.variantIds.map((v) => ctx.shop.variants.get(v)?.sku ?? ""),
    })[f]));
    return connection(list, a, (p) => productView(ctx.shop, p));
  },
  product: ({ id }: { id: string }, ctx: Ctx) => { need(ctx, "read_products", "product"); return nodeById(ctx, id.startsWith("gid://shopify/Product/") ? id : "x"); },
  productVariant: ({ id }: { id: string }, ctx: Ctx) => { need(ctx, "read_products", "productVariant"); return nodeById(ctx, id.startsWith("gid://shopify/ProductVariant/") ? id : "x"); },
  productVariants: (a: Search, ctx: Ctx) => {
    need(ctx, "read_products", "productVariants");
    const list = byNewest(ctx.shop.variants.values()).filter((v) => matchesQuery(a.query, (f) => ({ sku: [v.sku ?? ""], id: [v.id], product_id: [v.productId], title: [v.title] })[f]));
    return connection(list, a, (v) => variantView(ctx.shop, v));
  },
  inventoryItem: ({ id }: { id: string }, ctx: Ctx) => { need(ctx, "read_inventory", "inventoryItem"); return nodeById(ctx, id.startsWith("gid://shopify/InventoryItem/") ? id : "x"); },
  location: ({ id }: { id?: string | null }, ctx: Ctx) => { need(ctx, "read_locations", "location"); return id ? nodeById(ctx, id) : locationView(ctx.shop); },
  locations: (a: PageArgs, ctx: Ctx) => { need(ctx, "read_locations", "locations"); return connection([ctx.shop], a, (s) => locationView(s)); },
  orders: (a: Search, ctx: Ctx) => {
    need(ctx, "read_orders", "orders");
    const list = sorted(byNewest(ctx.shop.orders.values()), a.sortKey).filter((o) => matchesQuery(a.query, (f) => ({
      name: [o.name, o.name.replace("#", "")], id: [o.id], email: [o.email ?? ""], source_identifier: [o.sourceIdentifier ?? ""],
      updated_at: [iso(o.updatedAt)], created_at: [iso(o.createdAt)], processed_at: [iso(o.processedAt)],
      source_name: [o.sourceName], tag: o.tags, test: [String(o.test)],
      financial_status: [orderView(ctx.shop, o).displayFinancialStatus.toLowerCase()],
      customer_id: [o.customerId ?? ""],
    })[f]));
    return connection(list, a, (o) => orderView(ctx.shop, o));
  },
  order: ({ id }: { id: string }, ctx: Ctx) => { need(ctx, "read_orders", "order"); return nodeById(ctx, id.startsWith("gid://shopify/Order/") ? id : "x"); },
  customers: (a: Search, ctx: Ctx) => {
    need(ctx, "read_customers", "customers");
    const list = byNewest(ctx.shop.customers.values()).filter((c) => matchesQuery(a.query, (f) => ({ email: [c.email ?? ""], id: [c.id], phone: [c.phone ?? ""] })[f]));
    return connection(list, a, (c) => customerView(ctx.shop, c));
  },
  customer: ({ id }: { id: string }, ctx: Ctx) => { need(ctx, "read_customers", "customer"); return nodeById(ctx, id.startsWith("gid://shopify/Customer/") ? id : "x"); },
  node: ({ id }: { id: string }, ctx: Ctx) => nodeById(ctx, id),
  nodes: ({ ids }: { ids: string[] }, ctx: Ctx) => ids.map((id) => nodeById(ctx, id)),
  webhookSubscriptions: (a: PageArgs & { topics?: string[] | null; uri?: string | null }, ctx: Ctx) => {
    const list = byNewest(ctx.shop.webhookSubscriptions.values())
      .filter((s) => s.clientId === ctx.app.clientId && (!a.topics?.length || a.topics.includes(s.topic)) && (!a.uri || s.uri === a.uri));
    return connection(list, a, (s) => webhookSubscriptionView(s));
  },
  webhookSubscription: ({ id }: { id: string }, ctx: Ctx) => {
    const s = ctx.shop.webhookSubscriptions.get(idOf("WebhookSubscription", id) ?? "");
    return s && s.clientId === ctx.app.clientId ? webhookSubscriptionView(s) : null;
  },
  currentAppInstallation: (_a: unknown, ctx: Ctx) => appInstallationView(ctx),
};
