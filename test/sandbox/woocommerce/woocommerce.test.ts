// End-to-end checks of the WooCommerce sandbox through the official JS client.
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import WooPkg from "@woocommerce/woocommerce-rest-api";
import OAuth from "oauth-1.0a";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooSandbox, validateResponse, type WooSandbox } from "./index";

// The package is CommonJS with `exports.default`; depending on the loader the class is one level down.
const WooCommerceRestApi = ((WooPkg as unknown as { default?: typeof WooPkg }).default ?? WooPkg) as typeof WooPkg;
type Client = InstanceType<typeof WooCommerceRestApi>;

interface Hit { headers: IncomingMessage["headers"]; body: string }
async function receiver(status: number): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => { hits.push({ headers: req.headers, body }); res.statusCode = status; res.end("ok"); });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits, server };
}

/** Runs a client call and returns the HTTP error response instead of throwing. */
async function failure(p: Promise<unknown>): Promise<{ status: number; data: { code: string; message: string; data: Record<string, unknown> } }> {
  try { await p; } catch (e) {
    const r = (e as { response?: { status: number; data: never } }).response;
    if (r) return r;
    throw e;
  }
  throw new Error("expected the request to fail");
}

let sb: WooSandbox;
let api: Client;
let keys: { consumer_key: string; consumer_secret: string };
const servers: Server[] = [];

beforeAll(async () => {
  sb = await startWooSandbox();
  const res = await fetch(`${sb.url}_sandbox/api-keys`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ permissions: "read_write" }) });
  expect(res.status).toBe(201);
  keys = (await res.json()) as typeof keys;
  expect(keys.consumer_key).toMatch(/^ck_[0-9a-f]{40}$/);
  expect(keys.consumer_secret).toMatch(/^cs_[0-9a-f]{40}$/);
  api = new WooCommerceRestApi({ url: sb.url, consumerKey: keys.consumer_key, consumerSecret: keys.consumer_secret, version: "wc/v3" });
});
afterAll(async () => {
  await sb.close();
  for (const s of servers) s.close();
});

describe("orders, payment and stock", () => {
  let productId = 0;
  let orderId = 0;

  it("creates a product with managed stock", async () => {
    const { status, data } = await api.post("products", { name: "Mug", regular_price: "12.50", sku: "MUG-1", manage_stock: true, stock_quantity: 10 });
    expect(status).toBe(201);
    expect(data).toMatchObject({ price: "12.50", manage_stock: true, stock_quantity: 10, stock_status: "instock", backorders: "no" });
    productId = data.id;
  });

  it("an unpaid order does not take stock", async () => {
    const { status, data } = await api.post("orders", {
      payment_method: "settle", payment_method_title: "Settle",
      line_items: [{ product_id: productId, quantity: 2 }],
      shipping_lines: [{ method_id: "flat_rate", method_title: "Flat rate", total: "5.00" }],
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({ status: "pending", total: "30.00", shipping_total: "5.00", date_paid: null });
    expect(data.line_items[0]).toMatchObject({ product_id: productId, quantity: 2, subtotal: "25.00", total: "25.00", price: 12.5 });
    orderId = data.id;
    expect((await api.get(`products/${productId}`)).data.stock_quantity).toBe(10);
  });

  it("set_paid moves it to processing, stamps date_paid and reduces stock once", async () => {
    const { data } = await api.put(`orders/${orderId}`, { set_paid: true, transaction_id: "pi_123" });
    expect(data.status).toBe("processing");
    expect(data.transaction_id).toBe("pi_123");
    expect(data.date_paid).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect((await api.get(`products/${productId}`)).data.stock_quantity).toBe(8);

    await api.put(`orders/${orderId}`, { set_paid: true, status: "processing", transaction_id: "pi_123" });
    await api.put(`orders/${orderId}`, { status: "completed" });
    expect((await api.get(`products/${productId}`)).data.stock_quantity).toBe(8);
    const notes = (await api.get(`orders/${orderId}/notes`)).data as { note: string }[];
    expect(notes.filter((n) => n.note.startsWith("Stock levels reduced"))).toHaveLength(1);
  });

  it("cancelling a paid order restores stock", async () => {
    const { data } = await api.post("orders", { line_items: [{ product_id: productId, quantity: 3 }], set_paid: true });
    expect(data.status).toBe("processing");
    expect((await api.get(`products/${productId}`)).data.stock_quantity).toBe(5);
    await api.put(`orders/${data.id}`, { status: "cancelled" });
    expect((await api.get(`products/${productId}`)).data.stock_quantity).toBe(8);
  });

  it("a bad OAuth signature is a 401 and changes nothing", async () => {
    const bad = new WooCommerceRestApi({ url: sb.url, consumerKey: keys.consumer_key, consumerSecret: "cs_wrong", version: "wc/v3" });
    const r = await failure(bad.put(`orders/${orderId}`, { status: "cancelled" }));
    expect(r.status).toBe(401);
    expect(r.data).toMatchObject({ code: "woocommerce_rest_authentication_error", message: "Invalid signature - provided signature does not match.", data: { status: 401 } });
    expect((await api.get(`orders/${orderId}`)).data.status).toBe("completed");
    expect((await api.get(`products/${productId}`)).data.stock_quantity).toBe(8);

    const anon = await fetch(`${sb.url}wp-json/wc/v3/orders`);
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { code: string }).code).toBe("woocommerce_rest_cannot_view");
    // Query-string keys are an HTTPS-only method: over plain HTTP they are ignored.
    const qs = await fetch(`${sb.url}wp-json/wc/v3/orders?consumer_key=${keys.consumer_key}&consumer_secret=${keys.consumer_secret}`);
    expect(qs.status).toBe(401);
    const viaProxy = await fetch(`${sb.url}wp-json/wc/v3/orders?consumer_key=${keys.consumer_key}&consumer_secret=${keys.consumer_secret}`, { headers: { "x-forwarded-proto": "https" } });
    expect(viaProxy.status).toBe(200);
  });

  it("invalid fields are 400 rest_invalid_param; unknown fields are ignored", async () => {
    const r = await failure(api.put(`orders/${orderId}`, { status: "shipped" }));
    expect(r.status).toBe(400);
    expect(r.data.code).toBe("rest_invalid_param");
    expect(r.data.data.params).toHaveProperty("status");
    const q = await failure(api.post("orders", { line_items: [{ product_id: productId, quantity: "two" }] }));
    expect(q.status).toBe(400);
    expect(q.data.data.params).toHaveProperty("line_items");
    const ok = await api.put(`orders/${orderId}`, { no_such_field: 1, total: "999.00" });
    expect(ok.data.total).toBe("30.00"); // total is read-only
    const missing = await failure(api.get("orders/999999"));
    expect(missing.status).toBe(404);
    expect(missing.data).toMatchObject({ code: "woocommerce_rest_shop_order_invalid_id", message: "Invalid ID." });
  });

  it("records a refund without the gateway when api_refund is false", async () => {
    const { status, data } = await api.post(`orders/${orderId}/refunds`, { amount: "10.00", reason: "damaged", api_refund: false });
    expect(status).toBe(201);
    expect(data).toMatchObject({ amount: "10.00", reason: "damaged", refunded_payment: false });
    const list = await api.get(`orders/${orderId}/refunds`);
    expect(list.data.map((x: { id: number }) => x.id)).toEqual([data.id]);
    const order = (await api.get(`orders/${orderId}`)).data;
    expect(order.refunds).toEqual([{ id: data.id, reason: "damaged", total: "-10.00" }]);
    const tooMuch = await failure(api.post(`orders/${orderId}/refunds`, { amount: "25.00", api_refund: false }));
    expect(tooMuch.status).toBe(500);
    expect(tooMuch.data.message).toBe("Invalid refund amount.");
  });

  it("applies the sandbox tax rate to items and shipping", async () => {
    sb.setTaxRate("9.0000");
    const { data } = await api.post("orders", { line_items: [{ product_id: productId, quantity: 2 }], shipping_lines: [{ method_id: "flat_rate", total: "10.00" }] });
    sb.setTaxRate(null);
    expect(data).toMatchObject({ cart_tax: "2.25", shipping_tax: "0.90", total_tax: "3.15", total: "38.15" });
    expect(data.tax_lines).toHaveLength(1);
  });
});

describe("OAuth replay protection", () => {
  const signed = (ageSeconds: number) => {
    const oauth = new OAuth({
      consumer: { key: keys.consumer_key, secret: keys.consumer_secret },
      signature_method: "HMAC-SHA256",
      hash_function: (base, key) => createHmac("sha256", key).update(base).digest("base64"),
    });
    oauth.getTimeStamp = () => Math.floor(Date.now() / 1000) - ageSeconds;
    const url = `${sb.url}wp-json/wc/v3/webhooks`;
    return `${url}?${new URLSearchParams(oauth.authorize({ url, method: "GET" }) as unknown as Record<string, string>)}`;
  };

  it("refuses a reused nonce and a timestamp older than 15 minutes", async () => {
    const url = signed(0);
    expect((await fetch(url)).status).toBe(200);
    const again = await fetch(url);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { message: string }).message).toBe("Invalid nonce - nonce has already been used.");
    const old = await fetch(signed(16 * 60));
    expect(old.status).toBe(401);
    expect(((await old.json()) as { message: string }).message).toBe("Invalid timestamp.");
    expect((await fetch(signed(14 * 60))).status).toBe(200);
  });
});

describe("paging", () => {
  it("pages products with X-WP-Total, X-WP-TotalPages and Link", async () => {
    for (let i = 0; i < 12; i++) sb.createProduct({ name: `Seed ${i}`, regular_price: "1.00" });
    const total = (await api.get("products")).headers["x-wp-total"];
    const n = Number(total);
    expect(n).toBeGreaterThanOrEqual(12);
    const r = await api.get("products", { per_page: 5, page: 2 });
    expect(r.data).toHaveLength(5);
    expect(r.headers["x-wp-totalpages"]).toBe(String(Math.ceil(n / 5)));
    expect(r.headers.link).toContain('rel="next"');
    expect(r.headers.link).toContain('rel="prev"');
    expect(r.headers.link).toContain("page=3");
    const big = await failure(api.get("products", { per_page: 101 }));
    expect(big.status).toBe(400);
  });
});

describe("webhooks", () => {
  it("delivers order.updated signed with the webhook secret", async () => {
    const rx = await receiver(200);
    servers.push(rx.server);
    const { data: hook } = await api.post("webhooks", { name: "orders", topic: "order.updated", delivery_url: rx.url, secret: "s3cret" });
    expect(hook).toMatchObject({ status: "active", resource: "order", event: "updated" });
    const p = sb.createProduct({ name: "Hooked", regular_price: "4.00" });
    const { data: order } = await api.post("orders", { line_items: [{ product_id: p.id, quantity: 1 }] });
    await api.put(`orders/${order.id}`, { status: "on-hold" });
    await sb.waitForWebhooks();
    expect(rx.hits[0]?.body).toBe(`webhook_id=${hook.id}`); // ping
    const hit = rx.hits.find((h) => h.headers["x-wc-webhook-topic"] === "order.updated");
    expect(hit).toBeDefined();
    const expected = createHmac("sha256", "s3cret").update(hit!.body).digest("base64");
    expect(hit!.headers["x-wc-webhook-signature"]).toBe(expected);
    expect(hit!.headers["x-wc-webhook-source"]).toBe(sb.url);
    expect(hit!.headers["x-wc-webhook-id"]).toBe(String(hook.id));
    expect(hit!.headers["user-agent"]).toMatch(/^WooCommerce\/9\.\S+ Hookshot \(WordPress\/6\.\S+\)$/);
    expect(JSON.parse(hit!.body)).toMatchObject({ id: order.id, status: "on-hold" });
    const forged = createHmac("sha256", "other").update(hit!.body).digest("base64");
    expect(forged).not.toBe(hit!.headers["x-wc-webhook-signature"]);
  });

  it("disables a webhook after 7 failed deliveries", async () => {
    const rx = await receiver(500);
    servers.push(rx.server);
    const { data: hook } = await api.post("webhooks", { topic: "product.updated", delivery_url: rx.url, secret: "x" });
    const p = sb.createProduct({ name: "Flaky", regular_price: "2.00" });
    for (let i = 0; i < 7; i++) {
      await api.put(`products/${p.id}`, { description: `v${i}` });
      await sb.waitForWebhooks();
    }
    const log = (await (await fetch(`${sb.url}_sandbox/webhook-deliveries?webhook_id=${hook.id}`)).json()) as { kind: string; failure_count: number; webhook_status: string }[];
    const deliveries = log.filter((d) => d.kind === "delivery");
    expect(deliveries.map((d) => d.failure_count)).toEqual([1, 2, 3, 4, 5, 6, 6]);
    expect(deliveries.at(-1)?.webhook_status).toBe("disabled");
    expect((await api.get(`webhooks/${hook.id}`)).data.status).toBe("disabled");
    await api.put(`products/${p.id}`, { description: "after" });
    await sb.waitForWebhooks();
    expect(rx.hits.filter((h) => h.headers["x-wc-webhook-topic"])).toHaveLength(7);
  });
});

describe("response contract", () => {
  it("accepts real orders and refuses a broken one", async () => {
    const { data } = await api.get("orders", { per_page: 1 });
    const order = data[0] as Record<string, unknown>;
    expect(validateResponse("order", order)).toEqual({ ok: true, errors: [] });
    const broken = validateResponse("order", { ...order, total: 30 });
    expect(broken.ok).toBe(false);
    expect(broken.errors.join()).toContain("/total");
    const { date_created: _d, ...missing } = order;
    expect(validateResponse("order", missing).ok).toBe(false);
    expect(validateResponse("order", { ...order, status: "shipped" }).ok).toBe(false);
  });
});

describe("storefront pages (the store's own site)", () => {
  it("serves a page a plugin renders at the store's origin, and never shadows the REST API", async () => {
    sb.setStorefrontPage("/checkout/order-1", "<!doctype html><title>Checkout</title><p>Pay here</p>");
    const page = await fetch(`${sb.url}checkout/order-1`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("Pay here");
    expect(() => sb.setStorefrontPage("/wp-json/wc/v3/orders", "x")).toThrow();
    expect((await fetch(`${sb.url}checkout/other`)).status).toBe(404);
  });
});

describe("customers", () => {
  it("creates a customer, finds it by email (any case), and refuses a second account for the email", async () => {
    const { status, data } = await api.post("customers", { email: "ada@example.com", first_name: "Ada", last_name: "Lovelace" });
    expect(status).toBe(201);
    expect(validateResponse("customer", data).errors).toEqual([]);
    expect(data).toMatchObject({ email: "ada@example.com", first_name: "Ada", role: "customer", billing: { email: "ada@example.com" } });
    const found = await api.get("customers", { email: "ADA@example.com" });
    expect(found.data.map((c: { id: number }) => c.id)).toEqual([data.id]);
    expect((await api.get("customers", { email: "nobody@example.com" })).data).toEqual([]);
    const again = await failure(api.post("customers", { email: "ada@example.com" }));
    expect(again).toMatchObject({ status: 400, data: { code: "registration-error-email-exists" } });
    expect((await failure(api.post("customers", { first_name: "No email" }))).status).toBe(400);
    expect((await api.get("customers")).data).toHaveLength(1);
  });
});

describe("stock when short", () => {
  // Real WooCommerce refuses short stock only at checkout (cart validation); a paid REST order (what a
  // sale made outside the store becomes) still lowers stock, below zero, and the status says so.
  it("a paid REST order for more than is in stock takes stock below zero: out of stock, or on backorder when allowed", async () => {
    const plain = (await api.post("products", { name: "Short lamp", sku: "SHORT-1", regular_price: "5.00", manage_stock: true, stock_quantity: 1 })).data;
    const backordered = (await api.post("products", { name: "Backorder lamp", sku: "SHORT-2", regular_price: "5.00", manage_stock: true, stock_quantity: 1, backorders: "notify" })).data;
    const { data } = await api.post("orders", { line_items: [{ product_id: plain.id, quantity: 3 }, { product_id: backordered.id, quantity: 2 }], set_paid: true });
    expect(data.status).toBe("processing");
    expect((await api.get(`products/${plain.id}`)).data).toMatchObject({ stock_quantity: -2, stock_status: "outofstock" });
    expect((await api.get(`products/${backordered.id}`)).data).toMatchObject({ stock_quantity: -1, stock_status: "onbackorder", backordered: true });
    const notes = (await api.get(`orders/${data.id}/notes`)).data as { note: string }[];
    expect(notes.map((n) => n.note)).toContainEqual(expect.stringContaining("Stock levels reduced: Short lamp (SHORT-1) 1&rarr;-2"));
  });
});

describe("wc-auth app authorization", () => {
  const q = (callback: string) => new URLSearchParams({ app_name: "App", scope: "read_write", user_id: "u1", return_url: "https://app.example/back", callback_url: callback });
  it("refuses an http callback_url off loopback (real WooCommerce wants https) and an unknown scope", async () => {
    expect((await fetch(`${sb.url}wc-auth/v1/authorize?${q("http://app.example/cb")}`)).status).toBe(400);
    const badScope = q("https://app.example/cb"); badScope.set("scope", "admin");
    expect((await fetch(`${sb.url}wc-auth/v1/authorize?${badScope}`)).status).toBe(400);
    expect((await fetch(`${sb.url}wc-auth/v1/authorize?${q("https://app.example/cb")}`)).status).toBe(200);
  });
});
