// The Admin API answers over Shopify's real 2026-07 schema and refuses what Shopify refuses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gql, installedShop, type Installed } from "./test-helpers";

let s: Installed;
beforeAll(async () => { s = await installedShop(); });
afterAll(async () => { await s.sandbox.close(); });

describe("Admin GraphQL", () => {
  it("answers the shop with its cost", async () => {
    const r = await gql(s, "{ shop { name myshopifyDomain currencyCode } }");
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ shop: { name: s.shop.split(".")[0], myshopifyDomain: s.shop, currencyCode: "USD" } });
    expect(r.body.extensions?.cost).toMatchObject({ requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } });
  });

  it("refuses a field the schema does not have, in Shopify's words", async () => {
    const r = await gql(s, "{ shop { name balance } }");
    expect(r.status).toBe(200);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors).toEqual([expect.objectContaining({ message: "Field 'balance' doesn't exist on type 'Shop'", extensions: { code: "undefinedField", typeName: "Shop", fieldName: "balance" } })]);
  });

  it("refuses a wrong access token with 401", async () => {
    const r = await gql({ ...s, token: "shpat_not-a-token" }, "{ shop { name } }");
    expect(r.status).toBe(401);
    expect(r.body.errors).toBe("[API] Invalid API key or access token (unrecognized login or wrong password)");
  });

  it("refuses a field the token's scopes do not cover", async () => {
    const narrow = await installedShop({ sandbox: s.sandbox, scopes: ["read_products"] });
    const r = await gql(narrow, "{ orders(first: 1) { nodes { id } } }");
    expect(r.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "ACCESS_DENIED" }) })]);
  });

  it("keeps ids as strings larger than 2^53 and stock by quantity name", async () => {
    const p = s.sandbox.createProduct(s.shop, { title: "Mug", variants: [{ sku: "MUG-1", price: "12.50", available: 7 }] });
    const r = await gql(s, `query($id: ID!) { productVariant(id: $id) { id sku price inventoryQuantity
      inventoryItem { inventoryLevels(first: 1) { nodes { quantities(names: ["available", "on_hand"]) { name quantity } } } } } }`, { id: p.variants[0]!.id });
    const v = r.body.data!.productVariant as { id: string; price: string; inventoryQuantity: number };
    expect(v.id).toBe(p.variants[0]!.id);
    expect(BigInt(v.id.split("/").pop()!) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(v.price).toBe("12.5");
    expect(v.inventoryQuantity).toBe(7);
  });
});

describe("customers and nodes", () => {
  it("finds a customer by email, with their orders, and any object by gid", async () => {
    const c = s.sandbox.createCustomer(s.shop, { email: "dee@example.com", firstName: "Dee", lastName: "Diaz" });
    s.sandbox.createCustomer(s.shop, { email: "eve@example.com" });
    const r = await gql(s, `{ customers(first: 5, query: "email:dee@example.com") { nodes { id displayName defaultEmailAddress { emailAddress } numberOfOrders } } }`);
    expect(r.body.data!.customers).toEqual({ nodes: [{ id: c.id, displayName: "Dee Diaz", defaultEmailAddress: { emailAddress: "dee@example.com" }, numberOfOrders: "0" }] });
    const n = await gql(s, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids: [c.id, "gid://shopify/Order/1"] });
    expect(n.body.data!.nodes).toEqual([{ __typename: "Customer", id: c.id }, null]);
  });

  it("pages through a connection and requires first or last, as Shopify does", async () => {
    const q = `query($after: String) { customers(first: 1, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
    const one = (await gql(s, q)).body.data!.customers as { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    const two = (await gql(s, q, { after: one.pageInfo.endCursor })).body.data!.customers as { nodes: { id: string }[] };
    expect(one.pageInfo.hasNextPage).toBe(true);
    expect(two.nodes[0]!.id).not.toBe(one.nodes[0]!.id);
    const r = await gql(s, `{ customers { nodes { id } } }`);
    expect(r.body.errors).toEqual([expect.objectContaining({ message: "you must provide one of first or last" })]);
  });
});

describe("inventoryAdjustQuantities", () => {
  const ADJUST = `mutation($input: InventoryAdjustQuantitiesInput!, $key: String!) {
    inventoryAdjustQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } } userErrors { field message code } } }`;

  it("moves stock once per idempotency key", async () => {
    const p = s.sandbox.createProduct(s.shop, { title: "Tea", variants: [{ sku: "TEA", price: "4.00", available: 10 }] });
    const location = (await gql(s, "{ locations(first: 1) { nodes { id } } }")).body.data!.locations as { nodes: { id: string }[] };
    const input = { name: "available", reason: "correction", changes: [{ inventoryItemId: p.variants[0]!.inventoryItemId, locationId: location.nodes[0]!.id, delta: -3 }] };
    const first = await gql(s, ADJUST, { input, key: "adj-1" });
    expect(first.body.errors).toBeUndefined();
    await gql(s, ADJUST, { input, key: "adj-1" });
    expect(s.sandbox.stock(s.shop, p.variants[0]!.id)).toMatchObject({ available: 7, on_hand: 7 });
    const mismatch = await gql(s, ADJUST, { input: { ...input, changes: [{ ...input.changes[0], delta: -1 }] }, key: "adj-1" });
    expect((mismatch.body.data!.inventoryAdjustQuantities as { userErrors: { code: string }[] }).userErrors[0]!.code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
  });

  it("refuses an adjustment without @idempotent, as 2026-04 and later do", async () => {
    const r = await gql(s, `mutation { inventoryAdjustQuantities(input: { name: "available", reason: "correction", changes: [] }) { userErrors { message } } }`);
    expect(r.body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining("@idempotent") })]);
  });
});

describe("cost-based throttling (Standard plan: 2000 points, 100 restored per second)", () => {
  const WIDE = `query($n: Int!) { products(first: $n) { nodes { id variants(first: 8) { nodes { id sku } } } } }`;

  it("prices a connection at 2 plus its page size times one item, however the items are reached", async () => {
    const viaEdges = await gql(s, `{ products(first: 10) { edges { cursor node { id title } } pageInfo { hasNextPage } } }`);
    const viaNodes = await gql(s, `{ products(first: 10) { nodes { id title } } }`);
    expect(viaEdges.body.extensions?.cost.requestedQueryCost).toBe(12);
    expect(viaNodes.body.extensions?.cost.requestedQueryCost).toBe(12);
  });

  it("refuses a single query over 1000 points with MAX_COST_EXCEEDED, charging nothing", async () => {
    const r = await gql(s, WIDE, { n: 100 }); // 2 + 100 × (1 + 2 + 8) = 1102
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "MAX_COST_EXCEEDED" }) })]);
    expect(r.body.extensions?.cost).toMatchObject({ requestedQueryCost: 1102, actualQueryCost: null });
  });

  it("charges what a query actually cost and answers THROTTLED once the bucket is empty", async () => {
    const shop = await installedShop({ sandbox: s.sandbox });
    const small = await gql(shop, WIDE, { n: 90 }); // nothing to return yet: requested 992, actual 2
    expect(small.body.extensions?.cost).toMatchObject({ requestedQueryCost: 992, actualQueryCost: 2 });
    expect((small.body.extensions!.cost.throttleStatus as { currentlyAvailable: number }).currentlyAvailable).toBeGreaterThanOrEqual(1998);

    for (let i = 0; i < 90; i++) shop.sandbox.createProduct(shop.shop, { title: `P${i}`, variants: Array.from({ length: 8 }, (_, k) => ({ sku: `P${i}-${k}`, price: "1.00" })) });
    const full = await gql(shop, WIDE, { n: 90 });
    expect(full.body.extensions?.cost).toMatchObject({ requestedQueryCost: 992, actualQueryCost: 992 });
    await gql(shop, WIDE, { n: 90 });
    const throttled = await gql(shop, WIDE, { n: 90 });
    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors).toEqual([expect.objectContaining({ message: "Throttled", extensions: expect.objectContaining({ code: "THROTTLED" }) })]);
    expect(throttled.body.extensions?.cost).toMatchObject({ requestedQueryCost: 992, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } });

    // The bucket refills at 100 points a second of sandbox time.
    shop.sandbox.advanceClock(10);
    expect((await gql(shop, WIDE, { n: 90 })).body.errors).toBeUndefined();
  });
});
