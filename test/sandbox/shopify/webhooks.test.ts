// Webhooks arrive signed as Shopify signs them (checked with @shopify/shopify-api's own
// shopify.webhooks.validate), with payloads that match the topic's published schema, and are retried
// on Shopify's schedule over the sandbox clock when the app does not answer 2xx.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETRY_DELAYS_S } from "./webhooks";
import { shopifyFor } from "./shopify-api-client";
import { gql, installedShop, receiver, SCOPES, type Installed } from "./test-helpers";

let s: Installed;
let app: Awaited<ReturnType<typeof receiver>>;
let shopify: ReturnType<typeof shopifyFor>;

beforeAll(async () => {
  app = await receiver({ check: (req, res, body) => shopify.webhooks.validate({ rawBody: body, rawRequest: req, rawResponse: res }) });
  s = await installedShop({
    scopes: [...SCOPES, "read_customers"],
    app: {
      appUrl: app.url,
      webhooks: [
        { topics: ["orders/create", "orders/paid", "orders/updated", "order_transactions/create", "inventory_levels/update", "app/uninstalled"], uri: "/webhooks" },
        { compliance_topics: ["customers/data_request", "customers/redact", "shop/redact"], uri: "/privacy" },
      ],
    },
  });
  shopify = shopifyFor(s.sandbox, { clientId: s.clientId, clientSecret: s.clientSecret });
});
afterAll(async () => { await s.sandbox.close(); await app.close(); });

const ORDER = `mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id name } userErrors { field message } } }`;

describe("webhook delivery", () => {
  it("sends orders/create and orders/paid signed so that shopify.webhooks.validate accepts them", async () => {
    const r = await gql(s, ORDER, { order: { email: "ann@example.com", financialStatus: "PAID", lineItems: [{ title: "Gift card", quantity: 1, priceSet: { shopMoney: { amount: "25.00", currencyCode: "USD" } } }] } });
    const order = (r.body.data!.orderCreate as { order: { id: string } }).order;
    await s.sandbox.webhooksIdle();
    const topics = app.got.map((g) => g.headers["x-shopify-topic"]);
    expect(topics).toEqual(expect.arrayContaining(["orders/create", "orders/paid"]));
    for (const g of app.got) {
      expect(g.check).toMatchObject({ valid: true, topic: String(g.headers["x-shopify-topic"]).replace("/", "_").toUpperCase(), domain: s.shop, apiVersion: "2026-07" });
      expect(g.headers["x-shopify-event-id"]).toBeTruthy();
      expect(g.headers["x-shopify-triggered-at"]).toBeTruthy();
    }
    const paid = app.got.find((g) => g.headers["x-shopify-topic"] === "orders/paid")!;
    // The id is written with all its digits: read it as text, never through a JS number.
    expect(paid.body).toContain(`"id":${order.id.split("/").pop()}`);
    expect(JSON.parse(paid.body)).toMatchObject({ admin_graphql_api_id: order.id, financial_status: "paid", total_price: "25.00", email: "ann@example.com" });
    expect(s.sandbox.deliveries({ shop: s.shop }).flatMap((d) => d.contractErrors)).toEqual([]);
  });

  it("a redelivery repeats the webhook id, event id and body", async () => {
    const first = s.sandbox.deliveries({ shop: s.shop, topic: "orders/paid" })[0]!;
    const before = app.got.length;
    s.sandbox.redeliverWebhook(first.webhookId);
    await s.sandbox.webhooksIdle();
    const again = app.got[before]!;
    expect(again.headers["x-shopify-event-id"]).toBe(first.eventId);
    expect(again.headers["x-shopify-webhook-id"]).toBe(first.webhookId);
    expect(again.body).toBe(first.body);
    expect(again.check).toMatchObject({ valid: true });
  });

  it("a body changed in transit no longer validates", async () => {
    const g = app.got[0]!;
    const tampered = await receiver({ check: (req, res, body) => shopify.webhooks.validate({ rawBody: body.replace("25.00", "2.50"), rawRequest: req, rawResponse: res }) });
    await fetch(tampered.url, { method: "POST", headers: Object.fromEntries(Object.entries(g.headers).filter(([k]) => k.startsWith("x-shopify")).map(([k, v]) => [k, String(v)])), body: g.body });
    expect(tampered.got[0]!.check).toMatchObject({ valid: false, reason: "invalid_hmac" });
    await tampered.close();
  });

  it("retries a failed delivery 8 times over 4 hours on the sandbox clock", async () => {
    app.answerWith(500);
    const before = app.got.length;
    await gql(s, ORDER, { order: { email: "cy@example.com", lineItems: [{ title: "Tea", quantity: 1, priceSet: { shopMoney: { amount: "4.00", currencyCode: "USD" } } }] } });
    await s.sandbox.webhooksIdle();
    expect(app.got.length).toBe(before + 1);
    const first = app.got[before]!;
    s.sandbox.advanceClock(RETRY_DELAYS_S[0]! - 1);
    await s.sandbox.webhooksIdle();
    expect(app.got.length).toBe(before + 1); // not due yet
    for (const delay of RETRY_DELAYS_S) {
      s.sandbox.advanceClock(delay);
      await s.sandbox.webhooksIdle();
    }
    const attempts = app.got.slice(before);
    expect(attempts).toHaveLength(9);
    expect(RETRY_DELAYS_S.reduce((a, b) => a + b, 0)).toBe(4 * 3600);
    // Retries carry the original payload, webhook id and event id.
    expect(new Set(attempts.map((a) => a.body))).toEqual(new Set([first.body]));
    expect(new Set(attempts.map((a) => a.headers["x-shopify-webhook-id"]))).toEqual(new Set([first.headers["x-shopify-webhook-id"]]));
    s.sandbox.advanceClock(24 * 3600);
    await s.sandbox.webhooksIdle();
    expect(app.got.length).toBe(before + 9); // gave up
    app.answerWith(200);
  });
});

describe("payload contracts", () => {
  it("every topic the sandbox raised matches its published schema", async () => {
    const p = s.sandbox.createProduct(s.shop, { title: "Lamp", variants: [{ sku: "LAMP", price: "30.00", available: 4 }] });
    const r = await gql(s, `mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order, options: { inventoryBehaviour: DECREMENT_OBEYING_POLICY }) { order { id } userErrors { message } } }`,
      { order: { email: "lamp@example.com", lineItems: [{ variantId: p.variants[0]!.id, quantity: 1 }], transactions: [{ kind: "SALE", amountSet: { shopMoney: { amount: "30.00", currencyCode: "USD" } } }] } });
    expect(r.body.errors).toBeUndefined();
    await s.sandbox.webhooksIdle();
    const deliveries = s.sandbox.deliveries({ shop: s.shop });
    expect(new Set(deliveries.map((d) => d.topic))).toEqual(new Set(["orders/create", "orders/paid", "order_transactions/create", "inventory_levels/update"]));
    expect(deliveries.flatMap((d) => d.contractErrors.map((e) => `${d.topic}: ${e}`))).toEqual([]);
  });
});

describe("privacy webhooks", () => {
  it("are configured as compliance_topics only, and unknown topics are refused at registration", () => {
    const base = { name: "X", appUrl: "https://x.example", redirectUrls: ["https://x.example/cb"], scopes: [] };
    expect(() => s.sandbox.registerApp({ ...base, webhooks: [{ topics: ["customers/redact"], uri: "/w" }] })).toThrow(/compliance_topics/);
    expect(() => s.sandbox.registerApp({ ...base, webhooks: [{ topics: ["orders/teleported"], uri: "/w" }] })).toThrow(/no webhook topic/);
    const toml = s.sandbox.registerApp({
      client_id: "toml-app", name: "From TOML", application_url: "https://toml.example", access_scopes: { scopes: "read_orders, write_orders" },
      auth: { redirect_urls: ["https://toml.example/auth/callback"] },
      webhooks: { api_version: "2026-07", subscriptions: [{ compliance_topics: ["customers/data_request", "customers/redact", "shop/redact"], uri: "/webhooks/privacy" }] },
    });
    expect(toml.clientId).toBe("toml-app");
  });

  it("sends customers/data_request, customers/redact and shop/redact to the compliance URI in Shopify's shapes", async () => {
    const c = s.sandbox.createCustomer(s.shop, { email: "bob@example.com", phone: "+15555550100", firstName: "Bob", lastName: "Baker" });
    await gql(s, ORDER, { order: { customer: { toAssociate: { id: c.id } }, lineItems: [{ title: "Cake", quantity: 1, priceSet: { shopMoney: { amount: "9.00", currencyCode: "USD" } } }] } });
    s.sandbox.customersDataRequest(s.shop, c.id);
    s.sandbox.customersRedact(s.shop, c.id);
    expect(() => s.sandbox.shopRedact(s.shop)).toThrow(/uninstall/);
    s.sandbox.uninstall(s.shop, s.clientId);
    s.sandbox.shopRedact(s.shop);
    await s.sandbox.webhooksIdle();
    const privacy = app.got.filter((g) => g.path === "/privacy");
    expect(privacy.map((g) => g.headers["x-shopify-topic"])).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);
    for (const g of privacy) expect(g.check).toMatchObject({ valid: true });
    const [request, redact, shopRedact] = privacy.map((g) => JSON.parse(g.body) as Record<string, unknown>);
    expect(request).toMatchObject({ shop_domain: s.shop, customer: { email: "bob@example.com", phone: "+15555550100" }, data_request: {} });
    expect((request!.orders_requested as unknown[]).length).toBe(1);
    expect(redact).toMatchObject({ shop_domain: s.shop, customer: { email: "bob@example.com" } });
    expect((redact!.orders_to_redact as unknown[]).length).toBe(1);
    expect(Object.keys(shopRedact!).sort()).toEqual(["shop_domain", "shop_id"]);
    expect(app.got.some((g) => g.headers["x-shopify-topic"] === "app/uninstalled")).toBe(true);
    expect(s.sandbox.deliveries({ shop: s.shop }).flatMap((d) => d.contractErrors)).toEqual([]);
  });
});
