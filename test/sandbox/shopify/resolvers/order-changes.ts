// Changes an app makes to an existing order: orderUpdate (note, tags, email, phone) and refundCreate,
// which records a refund the app's processor already made (with @idempotent honoured). A refund larger
// than what is left to refund is refused unless `allowOverRefunding`, as Shopify does.
import type { GraphQLResolveInfo } from "graphql";
import { idempotent, need, userError, type Ctx } from "../context";
import { toMinor } from "../money";
import { addRefund } from "../orders";
import { orderPayload, orderTotals } from "../payloads";
import { idOf } from "../store";
import { orderView, refundView } from "./views";

interface RefundInput {
  orderId: string; note?: string | null; currency?: string | null; allowOverRefunding?: boolean | null;
  transactions?: { orderId: string; parentId?: string | null; kind: string; gateway: string; amount: string }[] | null;
}

function refundCreate(input: RefundInput, ctx: Ctx) {
  const shop = ctx.shop;
  const fail = (field: string[], message: string) => ({ refund: null, order: null, userErrors: [userError(["input", ...field], message)] });
  const order = shop.orders.get(idOf("Order", input.orderId) ?? "");
  if (!order) return fail(["orderId"], "Order does not exist");
  if (input.currency && input.currency !== order.currency) return fail(["currency"], `The refund must be in the order's currency (${order.currency})`);
  const txs = [];
  for (const [i, t] of (input.transactions ?? []).entries()) {
    if (t.kind !== "REFUND") return fail(["transactions", String(i), "kind"], "Transactions on a refund must be of kind REFUND");
    if (idOf("Order", t.orderId) !== order.id) return fail(["transactions", String(i), "orderId"], "The transaction must belong to the refunded order");
    const parentId = t.parentId ? idOf("OrderTransaction", t.parentId) ?? "" : null;
    if (parentId !== null && !order.transactions.some((x) => x.id === parentId)) return fail(["transactions", String(i), "parentId"], "Parent transaction does not exist");
    let amount: number;
    try { amount = toMinor(t.amount, order.currency); } catch (e) { return fail(["transactions", String(i), "amount"], (e as Error).message); }
    if (amount <= 0) return fail(["transactions", String(i), "amount"], "Amount must be greater than 0");
    txs.push({ amount, gateway: t.gateway, paymentId: null, parentId });
  }
  const totals = orderTotals(order);
  const asked = txs.reduce((s, t) => s + t.amount, 0);
  if (!input.allowOverRefunding && asked > totals.received - totals.refunded) {
    return fail(["transactions"], "Refund amount must be less than or equal to the amount that can be refunded");
  }
  const refund = addRefund(ctx, shop, order, txs, input.note ?? null);
  return { refund: refundView(shop, order, refund), order: orderView(shop, order), userErrors: [] };
}

interface OrderInput { id: string; note?: string | null; tags?: string[] | null; email?: string | null; phone?: string | null; poNumber?: string | null }

export const orderChanges = {
  refundCreate: ({ input }: { input: RefundInput }, ctx: Ctx, info: GraphQLResolveInfo) => {
    need(ctx, "write_orders", "refundCreate");
    return idempotent(ctx, info, input, false, () => refundCreate(input, ctx),
      () => ({ refund: null, order: null, userErrors: [userError(["input"], "The idempotency key was already used with different parameters.")] }));
  },
  orderUpdate: ({ input }: { input: OrderInput }, ctx: Ctx) => {
    need(ctx, "write_orders", "orderUpdate");
    const o = ctx.shop.orders.get(idOf("Order", input.id) ?? "");
    if (!o) return { order: null, userErrors: [userError(["id"], "Order does not exist")] };
    if (input.note !== undefined) o.note = input.note;
    if (input.tags) o.tags = input.tags;
    if (input.email !== undefined) o.email = input.email;
    o.updatedAt = ctx.store.now();
    ctx.hooks.emit(ctx.shop, "orders/updated", orderPayload(ctx.shop, o, "orders/updated"));
    return { order: orderView(ctx.shop, o), userErrors: [] };
  },
};
