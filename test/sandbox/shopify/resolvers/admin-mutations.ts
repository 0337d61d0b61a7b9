// Admin API mutations on stock and orders: inventoryAdjustQuantities (which requires @idempotent
// since 2026-04) and orderCreate (line items by variant, stock per `options.inventoryBehaviour`).
import type { GraphQLResolveInfo } from "graphql";
import { idempotent, need, userError, type Ctx } from "../context";
import { toMinor } from "../money";
import { addTransaction, createOrder, levelOf, stockShortfalls, type InventoryBehaviour, type NewOrder } from "../orders";
import { inventoryLevelPayload, orderTotals } from "../payloads";
import { gid, idOf, type Transaction } from "../store";
import { inventoryItemView, locationView, orderView } from "./views";

interface ChangeInput { inventoryItemId: string; locationId: string; delta: number; changeFromQuantity?: number | null; ledgerDocumentUri?: string | null }
interface AdjustInput { name: string; reason: string; referenceDocumentUri?: string | null; changes: ChangeInput[] }

const REASONS = new Set(["correction", "cycle_count_available", "damaged", "movement_created", "movement_updated", "movement_received", "movement_canceled", "other", "promotion", "quality_control", "received", "reservation_created", "reservation_deleted", "reservation_updated", "restock", "safety_stock", "shrinkage"]);
const ADJUSTABLE = new Set(["available", "damaged", "incoming", "quality_control", "reserved", "safety_stock"]);

function adjust(input: AdjustInput, ctx: Ctx) {
  const fail = (field: string[], message: string, code: string) => ({ inventoryAdjustmentGroup: null, userErrors: [userError(["input", ...field], message, code)] });
  if (!ADJUSTABLE.has(input.name)) return fail(["name"], `The quantity name must be one of: ${[...ADJUSTABLE].join(", ")}.`, "INVALID_QUANTITY_NAME");
  if (!REASONS.has(input.reason)) return fail(["reason"], "The specified reason is invalid.", "INVALID_REASON");
  const shop = ctx.shop;
  const resolved = [];
  for (const [i, c] of input.changes.entries()) {
    const v = [...shop.variants.values()].find((x) => x.inventoryItemId === idOf("InventoryItem", c.inventoryItemId));
    if (!v) return fail(["changes", String(i), "inventoryItemId"], "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM");
    if (idOf("Location", c.locationId) !== shop.locationId) return fail(["changes", String(i), "locationId"], "The specified location could not be found.", "INVALID_LOCATION");
    const q = levelOf(shop, v.inventoryItemId);
    const current = q[input.name as keyof typeof q];
    if (typeof c.changeFromQuantity === "number" && c.changeFromQuantity !== current) {
      return fail(["changes", String(i), "changeFromQuantity"], `The quantity changed from ${c.changeFromQuantity} to ${current} since it was read.`, "CHANGE_FROM_QUANTITY_STALE");
    }
    resolved.push({ v, q, c });
  }
  const changes = resolved.map(({ v, q, c }) => {
    q[input.name as keyof typeof q] += c.delta;
    // Moving stock into or out of `available` moves on_hand with it (Shopify's quantity states).
    if (input.name === "available" || input.name === "damaged" || input.name === "quality_control" || input.name === "safety_stock") q.on_hand += c.delta;
    if (input.name === "available") ctx.hooks.emit(shop, "inventory_levels/update", inventoryLevelPayload(shop, v.inventoryItemId, q.available, ctx.store.now()));
    return [
      { name: input.name, delta: c.delta, quantityAfterChange: q[input.name as keyof typeof q], ledgerDocumentUri: c.ledgerDocumentUri ?? null, item: () => inventoryItemView(shop, v), location: () => locationView(shop) },
      ...(input.name === "available" ? [{ name: "on_hand", delta: c.delta, quantityAfterChange: q.on_hand, ledgerDocumentUri: null, item: () => inventoryItemView(shop, v), location: () => locationView(shop) }] : []),
    ];
  }).flat();
  const id = ctx.store.nextId();
  return {
    inventoryAdjustmentGroup: {
      __typename: "InventoryAdjustmentGroup", id: gid("InventoryAdjustmentGroup", id), reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? null, createdAt: new Date(ctx.store.now()).toISOString(), app: null, staffMember: null,
      changes: (a: { quantityNames?: string[] | null }) => changes.filter((c) => !a.quantityNames?.length || a.quantityNames.includes(c.name)),
    },
    userErrors: [],
  };
}

interface MoneyIn { shopMoney: { amount: string; currencyCode: string } }
interface OrderInput {
  currency?: string | null; email?: string | null; note?: string | null; tags?: string[] | null; test?: boolean | null;
  sourceName?: string | null; sourceIdentifier?: string | null; processedAt?: string | null; financialStatus?: string | null;
  customer?: { toAssociate?: { id?: string | null; email?: string | null } | null; toUpsert?: { email?: string | null; firstName?: string | null; lastName?: string | null; phone?: string | null } | null } | null;
  lineItems?: { variantId?: string | null; quantity: number; priceSet?: MoneyIn | null; title?: string | null; sku?: string | null }[] | null;
  shippingLines?: { priceSet: MoneyIn }[] | null;
  taxLines?: { priceSet?: MoneyIn | null }[] | null;
  transactions?: { amountSet: MoneyIn; kind?: string | null; status?: string | null; gateway?: string | null; test?: boolean | null }[] | null;
}

function orderCreate(a: { order: OrderInput; options?: { inventoryBehaviour?: InventoryBehaviour | null } | null }, ctx: Ctx) {
  const shop = ctx.shop;
  const fail = (field: string[], message: string, code = "INVALID") => ({ order: null, userErrors: [userError(["order", ...field], message, code)] });
  const o = a.order;
  const currency = (o.currency ?? shop.currency).toUpperCase();
  const money = (m: MoneyIn, field: string[]): number | string => {
    if (m.shopMoney.currencyCode !== currency) return `${field.join(".")} must be in ${currency}`;
    try { return toMinor(m.shopMoney.amount, currency); } catch (e) { return (e as Error).message; }
  };
  if (!o.lineItems?.length) return fail(["lineItems"], "Line items must have at least one line item");
  const lines: NewOrder["lines"] = [];
  for (const [i, l] of o.lineItems.entries()) {
    if (l.quantity < 1) return fail(["lineItems", String(i), "quantity"], "Quantity must be greater than or equal to 1");
    const v = l.variantId ? shop.variants.get(idOf("ProductVariant", l.variantId) ?? "") : undefined;
    if (l.variantId && !v) return fail(["lineItems", String(i), "variantId"], "The variant could not be found.");
    if (!v && !l.title) return fail(["lineItems", String(i), "title"], "Title is required for a line item without a variant");
    let unitPrice = v?.price ?? 0;
    if (l.priceSet) { const p = money(l.priceSet, ["lineItems", String(i), "priceSet"]); if (typeof p === "string") return fail(["lineItems", String(i), "priceSet"], p); unitPrice = p; }
    else if (!v) return fail(["lineItems", String(i), "priceSet"], "Price is required for a line item without a variant");
    const product = v ? shop.products.get(v.productId) : undefined;
    lines.push({ variantId: v?.id ?? null, productId: v?.productId ?? null, title: l.title ?? (product ? product.title : ""), sku: l.sku ?? v?.sku ?? null, quantity: l.quantity, unitPrice });
  }
  const sum = (xs: { priceSet?: MoneyIn | null }[] | null | undefined, field: string): number | string => {
    let t = 0;
    for (const x of xs ?? []) { if (!x.priceSet) continue; const m = money(x.priceSet, [field]); if (typeof m === "string") return m; t += m; }
    return t;
  };
  const shipping = sum(o.shippingLines, "shippingLines");
  if (typeof shipping === "string") return fail(["shippingLines"], shipping);
  const tax = sum(o.taxLines, "taxLines");
  if (typeof tax === "string") return fail(["taxLines"], tax);
  const txs: Omit<Transaction, "id" | "createdAt">[] = [];
  for (const [i, t] of (o.transactions ?? []).entries()) {
    const amount = money(t.amountSet, ["transactions", String(i), "amountSet"]);
    if (typeof amount === "string") return fail(["transactions", String(i), "amountSet"], amount);
    txs.push({ kind: (t.kind ?? "SALE") as Transaction["kind"], status: (t.status ?? "SUCCESS") as Transaction["status"], amount, gateway: t.gateway ?? "manual", test: t.test ?? false, parentId: null, paymentId: null });
  }
  const behaviour = a.options?.inventoryBehaviour ?? "BYPASS";
  const short = stockShortfalls(shop, lines, behaviour);
  if (short.length) return fail(["lineItems"], `Not enough stock: ${short.join("; ")}`, "INVENTORY_CLAIM_FAILED");

  let customerId: string | null = null;
  if (o.customer?.toAssociate) {
    const { id, email } = o.customer.toAssociate;
    customerId = id ? idOf("Customer", id) ?? null : [...shop.customers.values()].find((c) => email && c.email?.toLowerCase() === email.toLowerCase())?.id ?? null;
    if (!customerId || !shop.customers.has(customerId)) return fail(["customer", "toAssociate", id ? "id" : "email"], "Customer does not exist");
  } else if (o.customer?.toUpsert) {
    const u = o.customer.toUpsert;
    const found = [...shop.customers.values()].find((c) => u.email && c.email === u.email);
    customerId = found?.id ?? ctx.store.nextId();
    if (!found) shop.customers.set(customerId, { id: customerId, email: u.email ?? null, phone: u.phone ?? null, firstName: u.firstName ?? null, lastName: u.lastName ?? null, createdAt: ctx.store.now() });
  }
  const total = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0) + shipping + tax;
  if (!txs.length && (o.financialStatus === "PAID" || o.financialStatus === "AUTHORIZED")) {
    txs.push({ kind: o.financialStatus === "PAID" ? "SALE" : "AUTHORIZATION", status: "SUCCESS", amount: total, gateway: "manual", test: o.test ?? false, parentId: null, paymentId: null });
  }
  const order = createOrder(ctx, shop, {
    currency, email: o.email ?? (customerId ? shop.customers.get(customerId)?.email ?? null : null), customerId, lines, shipping, tax, transactions: txs,
    test: o.test ?? false, sourceName: o.sourceName ?? ctx.app.clientId, sourceIdentifier: o.sourceIdentifier ?? null, tags: o.tags ?? [], note: o.note ?? null,
    processedAt: o.processedAt ? Date.parse(o.processedAt) : undefined, appClientId: ctx.app.clientId,
  }, behaviour);
  return { order: orderView(shop, order), userErrors: [] };
}

export const adminMutations = {
  inventoryAdjustQuantities: ({ input }: { input: AdjustInput }, ctx: Ctx, info: GraphQLResolveInfo) => {
    need(ctx, "write_inventory", "inventoryAdjustQuantities");
    return idempotent(ctx, info, input, true, () => adjust(input, ctx),
      () => ({ inventoryAdjustmentGroup: null, userErrors: [userError(["input"], "The idempotency key was already used with different parameters.", "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")] }));
  },
  orderCreate: (a: Parameters<typeof orderCreate>[0], ctx: Ctx, info: GraphQLResolveInfo) => {
    need(ctx, "write_orders", "orderCreate");
    return idempotent(ctx, info, a, false, () => orderCreate(a, ctx), () => ({ order: null, userErrors: [userError(null, "The idempotency key was already used with different parameters.", "INVALID")] }));
  },
  orderMarkAsPaid: ({ input }: { input: { id: string } }, ctx: Ctx) => {
    need(ctx, "write_orders", "orderMarkAsPaid");
    const o = ctx.shop.orders.get(idOf("Order", input.id) ?? "");
    if (!o) return { order: null, userErrors: [userError(["id"], "Order does not exist")] };
    const view = orderView(ctx.shop, o);
    if (!view.canMarkAsPaid) return { order: null, userErrors: [userError(["id"], "Order cannot be marked as paid.")] };
    addTransaction(ctx, ctx.shop, o, { kind: "SALE", status: "SUCCESS", amount: orderTotals(o).outstanding, gateway: "manual", test: o.test, parentId: null, paymentId: null });
    return { order: orderView(ctx.shop, o), userErrors: [] };
  },
};
