// Orders, stock and the webhooks they raise, shared by orderCreate, the Payments Apps sessions and
// the control endpoints. Stock follows orderCreate's `inventoryBehaviour`: BYPASS leaves it,
// DECREMENT_IGNORING_POLICY takes it even below zero, DECREMENT_OBEYING_POLICY refuses the order when
// a variant that does not sell out of stock (inventoryPolicy DENY) has too few.
import type { Services } from "./context";
import { financialStatus, inventoryLevelPayload, orderPayload, refundPayload, transactionPayload } from "./payloads";
import { emptyQuantities, type LineItem, type Order, type Quantities, type Shop, type Transaction } from "./store";

export type InventoryBehaviour = "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY";

export interface NewOrder {
  currency: string;
  email: string | null;
  customerId: string | null;
  lines: Omit<LineItem, "id">[];
  shipping?: number;
  tax?: number;
  transactions?: Omit<Transaction, "id" | "createdAt">[];
  test?: boolean;
  sourceName?: string;
  sourceIdentifier?: string | null;
  tags?: string[];
  note?: string | null;
  processedAt?: number;
  appClientId: string | null;
}

export function levelOf(shop: Shop, inventoryItemId: string): Quantities {
  const byLocation = shop.inventory.get(inventoryItemId) ?? new Map<string, Quantities>();
  shop.inventory.set(inventoryItemId, byLocation);
  const q = byLocation.get(shop.locationId) ?? emptyQuantities();
  byLocation.set(shop.locationId, q);
  return q;
}

/** Lines that cannot be sold under the behaviour (as "title: n available"), empty when all can. */
export function stockShortfalls(shop: Shop, lines: NewOrder["lines"], behaviour: InventoryBehaviour): string[] {
  if (behaviour !== "DECREMENT_OBEYING_POLICY") return [];
  const out: string[] = [];
  for (const l of lines) {
    const v = l.variantId ? shop.variants.get(l.variantId) : undefined;
    if (!v || !v.tracked || v.inventoryPolicy === "CONTINUE") continue;
    const have = levelOf(shop, v.inventoryItemId).available;
    if (have < l.quantity) out.push(`${l.title}: ${have} available, ${l.quantity} ordered`);
  }
  return out;
}

export function createOrder(services: Services, shop: Shop, o: NewOrder, behaviour: InventoryBehaviour): Order {
  const { store, hooks } = services;
  const t = store.now();
  const id = store.nextId();
  const number = shop.nextOrderNumber++;
  const order: Order = {
    id, number, name: `#${number}`, email: o.email, customerId: o.customerId, currency: o.currency,
    lineItems: o.lines.map((l) => ({ ...l, id: store.nextId() })), shipping: o.shipping ?? 0, tax: o.tax ?? 0,
    transactions: (o.transactions ?? []).map((x) => ({ ...x, id: store.nextId(), createdAt: t })), refunds: [],
    test: o.test ?? false, sourceName: o.sourceName ?? "web", sourceIdentifier: o.sourceIdentifier ?? null, tags: o.tags ?? [],
    note: o.note ?? null, cancelledAt: null, createdAt: t, updatedAt: t, processedAt: o.processedAt ?? t, appClientId: o.appClientId,
  };
  shop.orders.set(id, order);
  if (behaviour !== "BYPASS") {
    for (const l of order.lineItems) {
      const v = l.variantId ? shop.variants.get(l.variantId) : undefined;
      if (!v || !v.tracked) continue;
      const q = levelOf(shop, v.inventoryItemId);
      q.available -= l.quantity;
      q.committed += l.quantity;
      hooks.emit(shop, "inventory_levels/update", inventoryLevelPayload(shop, v.inventoryItemId, q.available, t));
    }
  }
  hooks.emit(shop, "orders/create", orderPayload(shop, order, "orders/create"));
  for (const x of order.transactions) hooks.emit(shop, "order_transactions/create", transactionPayload(order, x));
  if (financialStatus(order) === "PAID") hooks.emit(shop, "orders/paid", orderPayload(shop, order, "orders/paid"));
  return order;
}

/** Records a transaction on an order and raises what Shopify raises for it. */
export function addTransaction(services: Services, shop: Shop, order: Order, tx: Omit<Transaction, "id" | "createdAt">): Transaction {
  const { store, hooks } = services;
  const before = financialStatus(order);
  const t: Transaction = { ...tx, id: store.nextId(), createdAt: store.now() };
  order.transactions.push(t);
  order.updatedAt = t.createdAt;
  hooks.emit(shop, "order_transactions/create", transactionPayload(order, t));
  if (before !== "PAID" && financialStatus(order) === "PAID") hooks.emit(shop, "orders/paid", orderPayload(shop, order, "orders/paid"));
  hooks.emit(shop, "orders/updated", orderPayload(shop, order, "orders/updated"));
  return t;
}

/** A refund: one REFUND transaction per amount given (a Payments App refund session, or refundCreate). */
export function addRefund(services: Services, shop: Shop, order: Order, txs: { amount: number; gateway: string; paymentId: string | null; parentId: string | null }[], note: string | null = null) {
  const { store, hooks } = services;
  const at = store.now();
  const made: Transaction[] = txs.map((x) => ({ ...x, id: store.nextId(), kind: "REFUND", status: "SUCCESS", test: order.test, createdAt: at }));
  order.transactions.push(...made);
  const refund = { id: store.nextId(), note, amount: made.reduce((s, t) => s + t.amount, 0), transactionIds: made.map((t) => t.id), createdAt: at };
  order.refunds.push(refund);
  order.updatedAt = at;
  hooks.emit(shop, "refunds/create", refundPayload(shop, order, refund));
  for (const t of made) hooks.emit(shop, "order_transactions/create", transactionPayload(order, t));
  hooks.emit(shop, "orders/updated", orderPayload(shop, order, "orders/updated"));
  return refund;
}
