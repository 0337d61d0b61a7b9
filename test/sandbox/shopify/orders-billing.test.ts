// orderCreate takes stock as its inventoryBehaviour says, and the Billing API's plan waits for the
// merchant's approval on the confirmation page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gql, installedShop, type Installed } from "./test-helpers";

let s: Installed;
beforeAll(async () => { s = await installedShop(); });
afterAll(async () => { await s.sandbox.close(); });

const CREATE = `mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) { order { id name displayFinancialStatus totalPriceSet { shopMoney { amount currencyCode } }
    lineItems(first: 5) { nodes { sku quantity variant { id } } } } userErrors { field message code } } }`;

type Created = { order: { id: string; name: string; displayFinancialStatus: string; totalPriceSet: { shopMoney: { amount: string } } } | null; userErrors: { code: string; message: string }[] };
const create = async (order: Record<string, unknown>, behaviour?: string) =>
  (await gql(s, CREATE, { order, options: behaviour ? { inventoryBehaviour: behaviour } : null })).body.data!.orderCreate as Created;

describe("orderCreate", () => {
  it("a counter sale by variant takes the stock when asked to, and leaves it when not", async () => {
    const p = s.sandbox.createProduct(s.shop, { title: "Candle", variants: [{ sku: "CANDLE", price: "18.00", available: 5 }] });
    const variantId = p.variants[0]!.id;
    const sale = await create({ email: "shop@example.com", financialStatus: "PAID", sourceName: "settle-terminal", lineItems: [{ variantId, quantity: 2 }] }, "DECREMENT_OBEYING_POLICY");
    expect(sale.userErrors).toEqual([]);
    expect(sale.order).toMatchObject({ name: "#1001", displayFinancialStatus: "PAID", totalPriceSet: { shopMoney: { amount: "36.0", currencyCode: "USD" } } });
    expect(s.sandbox.stock(s.shop, variantId)).toMatchObject({ available: 3, committed: 2 });

    await create({ email: "shop@example.com", lineItems: [{ variantId, quantity: 1 }] });
    expect(s.sandbox.stock(s.shop, variantId).available).toBe(3); // BYPASS, the default
  });

  it("refuses to sell more than the shelf holds when obeying the variant's policy", async () => {
    const p = s.sandbox.createProduct(s.shop, { title: "Vase", variants: [{ sku: "VASE", price: "40.00", available: 1 }] });
    const r = await create({ email: "shop@example.com", lineItems: [{ variantId: p.variants[0]!.id, quantity: 2 }] }, "DECREMENT_OBEYING_POLICY");
    expect(r.order).toBeNull();
    expect(r.userErrors[0]!.code).toBe("INVENTORY_CLAIM_FAILED");
    expect(s.sandbox.stock(s.shop, p.variants[0]!.id).available).toBe(1);
    const ignoring = await create({ email: "shop@example.com", lineItems: [{ variantId: p.variants[0]!.id, quantity: 2 }] }, "DECREMENT_IGNORING_POLICY");
    expect(ignoring.userErrors).toEqual([]);
    expect(s.sandbox.stock(s.shop, p.variants[0]!.id).available).toBe(-1);
  });

  it("refuses an unknown variant, a price in another currency, and an input field Shopify does not have", async () => {
    expect((await create({ lineItems: [{ variantId: "gid://shopify/ProductVariant/1", quantity: 1 }] })).userErrors[0]!.message).toMatch(/variant/);
    const eur = await create({ lineItems: [{ title: "Fee", quantity: 1, priceSet: { shopMoney: { amount: "3.00", currencyCode: "EUR" } } }] });
    expect(eur.order).toBeNull();
    const unknownField = await gql(s, CREATE, { order: { lineItems: [{ title: "Fee", quantity: 1, price: "3.00" }] } });
    expect(unknownField.body.data).toBeUndefined();
    expect(unknownField.body.errors).toBeDefined();
  });

  it("the same @idempotent key makes one order", async () => {
    const q = `mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) @idempotent(key: "sale-77") { order { id } userErrors { message } } }`;
    const order = { email: "shop@example.com", lineItems: [{ title: "Coffee", quantity: 1, priceSet: { shopMoney: { amount: "3.50", currencyCode: "USD" } } }] };
    const a = (await gql(s, q, { order })).body.data!.orderCreate as { order: { id: string } };
    const b = (await gql(s, q, { order })).body.data!.orderCreate as { order: { id: string } };
    expect(b.order.id).toBe(a.order.id);
  });
});

describe("changes to an order", () => {
  const REFUND = `mutation($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) {
    refund { id note totalRefundedSet { shopMoney { amount } } } order { displayFinancialStatus } userErrors { field message } } }`;

  it("records a refund once per idempotency key and refuses more than was paid", async () => {
    const c = s.sandbox.createCustomer(s.shop, { email: "fay@example.com" });
    const made = await create({ customer: { toAssociate: { email: "fay@example.com" } }, lineItems: [{ title: "Scarf", quantity: 1, priceSet: { shopMoney: { amount: "50.00", currencyCode: "USD" } } }],
      transactions: [{ kind: "SALE", gateway: "settle", amountSet: { shopMoney: { amount: "50.00", currencyCode: "USD" } } }] });
    const orderId = made.order!.id;
    const customer = await gql(s, `query($id: ID!) { order(id: $id) { customer { id email } } }`, { id: orderId });
    expect(customer.body.data!.order).toEqual({ customer: { id: c.id, email: "fay@example.com" } });

    const input = { orderId, note: "settle:re_1", transactions: [{ orderId, kind: "REFUND", gateway: "settle", amount: "20.00" }] };
    const first = (await gql(s, REFUND, { input, key: "re_1" })).body.data!.refundCreate as { refund: { id: string }; order: { displayFinancialStatus: string } };
    const again = (await gql(s, REFUND, { input, key: "re_1" })).body.data!.refundCreate as { refund: { id: string } };
    expect(again.refund.id).toBe(first.refund.id);
    expect(first.order.displayFinancialStatus).toBe("PARTIALLY_REFUNDED");
    const tooMuch = (await gql(s, REFUND, { input: { ...input, transactions: [{ ...input.transactions[0], amount: "30.01" }] }, key: "re_2" })).body.data!.refundCreate as { refund: null; userErrors: unknown[] };
    expect(tooMuch.refund).toBeNull();
    expect(tooMuch.userErrors).toHaveLength(1);
    const listed = await gql(s, `query($id: ID!) { order(id: $id) { refunds(first: 10) { note totalRefundedSet { shopMoney { amount } } } } }`, { id: orderId });
    expect(listed.body.data!.order).toEqual({ refunds: [{ note: "settle:re_1", totalRefundedSet: { shopMoney: { amount: "20.0" } } }] });
  });

  it("updates the note and finds orders by tag, by update time and variants by SKU", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const made = await create({ email: "gus@example.com", tags: ["settle:pi_42"], lineItems: [{ title: "Soap", quantity: 1, priceSet: { shopMoney: { amount: "6.00", currencyCode: "USD" } } }] });
    await gql(s, `mutation($input: OrderInput!) { orderUpdate(input: $input) { order { note } userErrors { message } } }`, { input: { id: made.order!.id, note: "Paid at the counter" } });
    const byTag = await gql(s, `query($q: String!) { orders(first: 5, query: $q, sortKey: UPDATED_AT) { nodes { id note } } }`, { q: "tag:settle:pi_42" });
    expect(byTag.body.data!.orders).toEqual({ nodes: [{ id: made.order!.id, note: "Paid at the counter" }] });
    const recent = await gql(s, `query($q: String!) { orders(first: 50, query: $q) { nodes { id } } }`, { q: `updated_at:>='${since}'` });
    expect((recent.body.data!.orders as { nodes: { id: string }[] }).nodes.map((n) => n.id)).toContain(made.order!.id);
    const future = await gql(s, `query($q: String!) { orders(first: 50, query: $q) { nodes { id } } }`, { q: `updated_at:>='2999-01-01T00:00:00Z'` });
    expect(future.body.data!.orders).toEqual({ nodes: [] });
    s.sandbox.createProduct(s.shop, { title: "Odd", variants: [{ sku: 'A "quoted" sku', price: "1.00" }] });
    const bySku = await gql(s, `query($q: String!) { productVariants(first: 5, query: $q) { nodes { sku product { title } } } }`, { q: 'sku:"A \\"quoted\\" sku"' });
    expect(bySku.body.data!.productVariants).toEqual({ nodes: [{ sku: 'A "quoted" sku', product: { title: "Odd" } }] });
  });
});

describe("billing", () => {
  const SUBSCRIBE = `mutation { appSubscriptionCreate(name: "Settle Standard", returnUrl: "https://settle.example/billing/return", test: true,
    lineItems: [{ plan: { appRecurringPricingDetails: { price: { amount: "19.00", currencyCode: USD } } } }]) {
    appSubscription { id status } confirmationUrl userErrors { message } } }`;
  const ACTIVE = `{ currentAppInstallation { activeSubscriptions { name status test } } }`;

  it("the plan is active only once the merchant approves it", async () => {
    const created = (await gql(s, SUBSCRIBE)).body.data!.appSubscriptionCreate as { appSubscription: { id: string; status: string }; confirmationUrl: string };
    expect(created.appSubscription.status).toBe("PENDING");
    expect((await gql(s, ACTIVE)).body.data!.currentAppInstallation).toEqual({ activeSubscriptions: [] });

    const page = await fetch(created.confirmationUrl);
    expect(await page.text()).toContain("Settle Standard");
    const approve = await fetch(created.confirmationUrl, { method: "POST", body: new URLSearchParams({ decision: "approve" }), redirect: "manual" });
    expect(approve.status).toBe(302);
    expect(approve.headers.get("location")).toBe(`https://settle.example/billing/return?charge_id=${created.appSubscription.id.split("/").pop()}`);
    expect((await gql(s, ACTIVE)).body.data!.currentAppInstallation).toEqual({ activeSubscriptions: [{ name: "Settle Standard", status: "ACTIVE", test: true }] });
  });

  it("a declined plan never becomes active", async () => {
    const other = await installedShop({ sandbox: s.sandbox });
    const created = (await gql(other, SUBSCRIBE)).body.data!.appSubscriptionCreate as { confirmationUrl: string };
    await fetch(created.confirmationUrl, { method: "POST", body: new URLSearchParams({ decision: "decline" }), redirect: "manual" });
    expect((await gql(other, ACTIVE)).body.data!.currentAppInstallation).toEqual({ activeSubscriptions: [] });
    const again = await fetch(created.confirmationUrl, { method: "POST", body: new URLSearchParams({ decision: "approve" }), redirect: "manual" });
    expect(again.status).toBe(409);
  });
});

describe("webhook subscriptions through the API", () => {
  it("creates, lists and refuses a topic Shopify does not have", async () => {
    const made = await gql(s, `mutation { webhookSubscriptionCreate(topic: ORDERS_PAID, webhookSubscription: { uri: "https://settle.example/webhooks" }) { webhookSubscription { id topic uri } userErrors { message } } }`);
    expect(made.body.data!.webhookSubscriptionCreate).toMatchObject({ webhookSubscription: { topic: "ORDERS_PAID", uri: "https://settle.example/webhooks" }, userErrors: [] });
    const list = await gql(s, `{ webhookSubscriptions(first: 10) { nodes { topic uri } } }`);
    expect(list.body.data!.webhookSubscriptions).toEqual({ nodes: [{ topic: "ORDERS_PAID", uri: "https://settle.example/webhooks" }] });
    const privacy = await gql(s, `mutation { webhookSubscriptionCreate(topic: CUSTOMERS_REDACT, webhookSubscription: { uri: "https://settle.example/x" }) { userErrors { message } } }`);
    expect(privacy.body.errors).toBeDefined(); // privacy topics live in the app's TOML only
  });
});
