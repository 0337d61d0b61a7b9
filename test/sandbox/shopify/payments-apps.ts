// Shopify's side of a Payments App (shopify.dev/docs/apps/build/payments, NOTES.md): at checkout
// Shopify POSTs a payment session to the app's payment session URL (headers Shopify-Shop-Domain,
// Shopify-Request-Id, Shopify-Api-Version) and the app answers 2xx with `redirect_url`; later the app
// calls paymentSessionResolve / Reject / Pending on the Payments Apps API. Refund, capture and void
// sessions go the same way. Each checkout's payment session has an order, which a resolved sale
// marks paid. A session the app does not accept (no 2xx) is sent again on the sandbox clock; Shopify
// documents only "several times", so the sandbox retries 5 times: after 10 s, 1 min, 5 min, 30 min, 1 h.
import { randomBytes, randomUUID } from "node:crypto";
import { need, userError, type Ctx, type Services } from "./context";
import { ControlError } from "./errors";
import { toMinor, toRestAmount } from "./money";
import { addRefund, addTransaction, createOrder } from "./orders";
import { API_VERSION } from "./schema";
import { gid, type Order, type Shop } from "./store";

export const SESSION_RETRY_DELAYS_S = [10, 60, 300, 1800, 3600];
type Kind = "payment" | "refund" | "capture" | "void";
type Outcome = { state: "RESOLVED"; authorizationExpiresAt?: string | null } | { state: "REJECTED"; reason: string; merchantMessage: string | null; source?: string | null } | { state: "PENDING"; reason: string; expiresAt: string };

export interface Session {
  kind: Kind;
  id: string;
  shop: string;
  clientId: string;
  orderId: string;
  /** For refund/capture/void: the payment session they act on. */
  paymentId: string | null;
  amount: number;
  currency: string;
  test: boolean;
  /** sale or authorization (payment sessions). */
  paymentKind: "sale" | "authorization";
  body: Record<string, unknown>;
  outcome: Outcome | null;
  redirectUrl: string | null;
  cancelUrl: string;
  attempts: { at: string; status: number | null; error: string | null; body: string }[];
  nextRetryAt: number | null;
}

const TYPE: Record<Kind, string> = { payment: "PaymentSession", refund: "RefundSession", capture: "CaptureSession", void: "VoidSession" };
const URL_KEY = { payment: "paymentSessionUrl", refund: "refundSessionUrl", capture: "captureSessionUrl", void: "voidSessionUrl" } as const;

export class PaymentsApps {
  readonly sessions = new Map<string, Session>();
  private waiting: { id: string; due: number }[] = [];
  private inflight = new Set<Promise<unknown>>();

  constructor(private services: Services) {}

  /** Shopify posts a session it already posted (a retry after a lost answer): same body, new request id. */
  resend(id: string): Promise<Session> | undefined {
    const s = this.sessions.get(id);
    return s && this.send(s);
  }

  private send(s: Session): Promise<Session> {
    const p = this.post(s).finally(() => this.inflight.delete(p));
    this.inflight.add(p);
    return p;
  }

  private async post(s: Session): Promise<Session> {
    const app = this.services.store.apps.get(s.clientId);
    const url = app?.payments?.[URL_KEY[s.kind]];
    if (!url) throw new ControlError(409, `The app has no ${URL_KEY[s.kind]} in its payments extension`);
    let status: number | null = null;
    let error: string | null = null;
    let text = "";
    try {
      const res = await fetch(url, {
        method: "POST", redirect: "manual", signal: AbortSignal.timeout(10_000), body: JSON.stringify(s.body),
        headers: { "Content-Type": "application/json", "Shopify-Shop-Domain": s.shop, "Shopify-Request-Id": randomUUID(), "Shopify-Api-Version": API_VERSION },
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    s.attempts.push({ at: new Date(this.services.store.now()).toISOString(), status, error, body: text.slice(0, 8192) });
    let ok = status !== null && status >= 200 && status < 300;
    if (ok && s.kind === "payment") {
      // The app must say where to send the buyer, in under 8192 bytes.
      try {
        const r = (JSON.parse(text) as { redirect_url?: unknown }).redirect_url;
        ok = typeof r === "string" && /^https?:\/\//.test(r) && text.length < 8192;
        if (ok) s.redirectUrl = r as string;
        else s.attempts[s.attempts.length - 1]!.error = "answer has no absolute redirect_url";
      } catch {
        ok = false;
        s.attempts[s.attempts.length - 1]!.error = "answer is not JSON";
      }
    }
    const delay = SESSION_RETRY_DELAYS_S[s.attempts.length - 1];
    s.nextRetryAt = !ok && delay !== undefined ? this.services.store.now() + delay * 1000 : null;
    if (s.nextRetryAt !== null) this.waiting.push({ id: s.id, due: s.nextRetryAt });
    return s;
  }

  runDue(): number {
    const now = this.services.store.now();
    const due = this.waiting.filter((w) => w.due <= now);
    this.waiting = this.waiting.filter((w) => w.due > now);
    for (const w of due) { const s = this.sessions.get(w.id); if (s && !s.outcome) void this.send(s); }
    return due.length;
  }

  async idle(): Promise<void> { while (this.inflight.size) await Promise.allSettled([...this.inflight]); }

  private newId = () => randomBytes(12).toString("base64url");

  /** A buyer checks out with the app's payment method: an order and its payment session, posted to the app. */
  async startPayment(shop: Shop, o: { clientId: string; amount: string; currency?: string; test?: boolean; kind?: "sale" | "authorization"; email?: string; lines?: { variantId: string; quantity: number }[] }): Promise<Session> {
    const app = this.services.store.apps.get(o.clientId);
    const inst = shop.installations.get(o.clientId);
    if (!app || !inst || inst.uninstalledAt) throw new ControlError(409, `App ${o.clientId} is not installed on ${shop.domain}`);
    // Shopify shows a payments app at checkout only once the app said the merchant's account is ready.
    if (!inst.paymentsConfiguration?.ready) {
      throw new ControlError(409, `${app.name} is not offered at checkout on ${shop.domain}: ${inst.paymentsConfiguration
        ? "the app configured it with ready: false (paymentsAppConfigure)" : "the app has not called paymentsAppConfigure(ready: true) for this shop"}`);
    }
    const currency = (o.currency ?? shop.currency).toUpperCase();
    let amount: number;
    try { amount = toMinor(o.amount, currency); } catch (e) { throw new ControlError(400, (e as Error).message); }
    if (amount <= 0) throw new ControlError(400, "amount must be positive");
    const lines = (o.lines ?? []).map((l) => {
      const v = shop.variants.get(l.variantId.replace(/^gid:\/\/shopify\/ProductVariant\//, ""));
      if (!v) throw new ControlError(404, `No variant ${l.variantId}`);
      return { variantId: v.id, productId: v.productId, title: shop.products.get(v.productId)?.title ?? v.title, sku: v.sku, quantity: l.quantity, unitPrice: v.price };
    });
    const order = createOrder(this.services, shop, {
      currency, email: o.email ?? "buyer@example.com", customerId: null, test: o.test ?? true, sourceName: "web", appClientId: null,
      lines: lines.length ? lines : [{ variantId: null, productId: null, title: "Checkout", sku: null, quantity: 1, unitPrice: amount }],
    }, "DECREMENT_IGNORING_POLICY");
    const id = this.newId();
    const cancelUrl = `https://${shop.domain}/checkouts/${order.id}/processing?cancelled=1`;
    const s: Session = {
      kind: "payment", id, shop: shop.domain, clientId: o.clientId, orderId: order.id, paymentId: null, amount, currency, test: o.test ?? true,
      paymentKind: o.kind ?? "sale", outcome: null, redirectUrl: null, cancelUrl, attempts: [], nextRetryAt: null,
      body: {
        id, gid: gid("PaymentSession", id), group: this.newId(), session_id: this.newId(), amount: toRestAmount(amount, currency),
        currency, test: o.test ?? true, merchant_locale: "en", kind: o.kind ?? "sale", proposed_at: new Date(this.services.store.now()).toISOString(),
        payment_method: { type: "offsite", data: { cancel_url: cancelUrl } },
        customer: { email: o.email ?? "buyer@example.com", phone_number: null, locale: "en", billing_address: null, shipping_address: null },
      },
    };
    this.sessions.set(id, s);
    return this.send(s);
  }

  /** The merchant refunds, captures or voids in Shopify admin: a session for the app that took the payment. */
  async startFollowUp(shop: Shop, kind: Exclude<Kind, "payment">, o: { paymentId: string; amount?: string }): Promise<Session> {
    const pay = this.sessions.get(o.paymentId.replace(/^gid:\/\/shopify\/PaymentSession\//, ""));
    if (!pay || pay.shop !== shop.domain || pay.kind !== "payment") throw new ControlError(404, `No payment session ${o.paymentId} in ${shop.domain}`);
    if (pay.outcome?.state !== "RESOLVED") throw new ControlError(409, "Only a resolved payment can be refunded, captured or voided");
    if (kind !== "refund" && pay.paymentKind !== "authorization") throw new ControlError(409, `A sale cannot be ${kind === "capture" ? "captured" : "voided"}; it was never only authorized`);
    // What is left to act on: sessions already made for this payment count unless the app rejected them.
    const earlier = [...this.sessions.values()].filter((x) => x.paymentId === pay.id && x.outcome?.state !== "REJECTED");
    const sum = (k: Kind) => earlier.filter((x) => x.kind === k).reduce((t, x) => t + x.amount, 0);
    if (earlier.some((x) => x.kind === "void")) throw new ControlError(409, "This authorization was voided");
    if (kind === "void" && sum("capture") > 0) throw new ControlError(409, "A captured authorization cannot be voided; refund it instead");
    const left = kind === "refund" ? (pay.paymentKind === "sale" ? pay.amount : sum("capture")) - sum("refund") : pay.amount - sum("capture");
    let amount = left;
    if (o.amount !== undefined) { try { amount = toMinor(o.amount, pay.currency); } catch (e) { throw new ControlError(400, (e as Error).message); } }
    if (amount <= 0 || amount > left) throw new ControlError(400, `amount must be more than 0 and at most ${toRestAmount(left, pay.currency)}`);
    const id = this.newId();
    const s: Session = {
      ...pay, kind, id, paymentId: pay.id, amount, outcome: null, redirectUrl: null, attempts: [], nextRetryAt: null,
      body: {
        id, gid: gid(TYPE[kind], id), payment_id: pay.id, amount: toRestAmount(amount, pay.currency), currency: pay.currency,
        test: pay.test, merchant_locale: "en", proposed_at: new Date(this.services.store.now()).toISOString(),
      },
    };
    this.sessions.set(id, s);
    return this.send(s);
  }

  /** What the app's mutation does to the session and the order. Errors are the mutation's userErrors. */
  settle(ctx: Ctx, kind: Kind, gidValue: string, outcome: Outcome): { session: Session | null; errors: ReturnType<typeof userError>[] } {
    const m = new RegExp(`^gid://shopify/${TYPE[kind]}/([\\w-]+)$`).exec(gidValue);
    const s = m ? this.sessions.get(m[1]!) : undefined;
    const code = (what: string) => `${kind.toUpperCase()}_SESSION_${what}`; // e.g. REFUND_SESSION_NOT_FOUND
    if (!s || s.kind !== kind || s.shop !== ctx.shop.domain || s.clientId !== ctx.app.clientId) {
      return { session: null, errors: [userError(["id"], `${TYPE[kind]} does not exist`, code("NOT_FOUND"))] };
    }
    const final = s.outcome && s.outcome.state !== "PENDING";
    if (final) {
      if (s.outcome!.state === outcome.state) return { session: s, errors: [] }; // the same answer again changes nothing
      return { session: null, errors: [userError(["id"], `${TYPE[kind]} is already ${s.outcome!.state.toLowerCase()}`, code("INVALID_STATE"))] };
    }
    s.outcome = outcome;
    if (outcome.state === "RESOLVED") this.apply(ctx, s);
    return { session: s, errors: [] };
  }

  private apply(ctx: Ctx, s: Session): void {
    const shop = ctx.shop;
    const order = shop.orders.get(s.orderId) as Order;
    const gateway = ctx.app.name;
    const parent = order.transactions.find((t) => t.paymentId === s.paymentId);
    if (s.kind === "payment") {
      addTransaction(ctx, shop, order, { kind: s.paymentKind === "sale" ? "SALE" : "AUTHORIZATION", status: "SUCCESS", amount: s.amount, gateway, test: s.test, parentId: null, paymentId: s.id });
    } else if (s.kind === "refund") {
      addRefund(ctx, shop, order, [{ amount: s.amount, gateway, paymentId: s.paymentId, parentId: parent?.id ?? null }]);
    } else {
      addTransaction(ctx, shop, order, { kind: s.kind === "capture" ? "CAPTURE" : "VOID", status: "SUCCESS", amount: s.kind === "capture" ? s.amount : 0, gateway, test: s.test, parentId: parent?.id ?? null, paymentId: s.paymentId });
    }
  }
}

function stateView(kind: Kind, o: Outcome | null) {
  const prefix = TYPE[kind];
  if (!o) return { __typename: "PaymentSessionStatePending", code: "PENDING", reason: null };
  if (o.state === "RESOLVED") return { __typename: `${prefix}StateResolved`, code: "RESOLVED" };
  if (o.state === "PENDING") return { __typename: "PaymentSessionStatePending", code: "PENDING", reason: o.reason };
  return { __typename: `${prefix}StateRejected`, code: "REJECTED", reason: o.reason, merchantMessage: o.merchantMessage, ...(kind === "payment" ? { source: o.source ?? null } : {}) };
}

function sessionView(s: Session) {
  if (s.kind !== "payment") return { id: gid(TYPE[s.kind], s.id), state: stateView(s.kind, s.outcome) };
  const redirectUrl = s.outcome?.state === "RESOLVED" ? `https://${s.shop}/checkouts/${s.orderId}/thank-you` : s.outcome?.state === "REJECTED" ? s.cancelUrl : null;
  return {
    id: gid("PaymentSession", s.id), state: stateView("payment", s.outcome),
    pendingExpiresAt: s.outcome?.state === "PENDING" ? s.outcome.expiresAt : null,
    authorizationExpiresAt: s.outcome?.state === "RESOLVED" ? s.outcome.authorizationExpiresAt ?? null : null,
    nextAction: redirectUrl ? { action: "REDIRECT", context: { __typename: "PaymentSessionActionsRedirect", redirectUrl } } : null,
  };
}

type Reason = { code: string; merchantMessage?: string | null; source?: string | null };

/** The Payments Apps API's mutation root. */
export function paymentsRoot(apps: PaymentsApps) {
  const answer = (kind: Kind, field: string, ctx: Ctx, id: string, outcome: Outcome) => {
    need(ctx, "write_payment_sessions", `${field}${outcome.state === "RESOLVED" ? "Resolve" : outcome.state === "REJECTED" ? "Reject" : "Pending"}`);
    const r = apps.settle(ctx, kind, id, outcome);
    return { [field]: r.session ? sessionView(r.session) : null, userErrors: r.errors };
  };
  const rejected = (reason: Reason): Outcome => ({ state: "REJECTED", reason: reason.code, merchantMessage: reason.merchantMessage ?? null, source: reason.source ?? null });
  return {
    paymentSessionResolve: (a: { id: string; authorizationExpiresAt?: string | null }, ctx: Ctx) =>
      answer("payment", "paymentSession", ctx, a.id, { state: "RESOLVED", authorizationExpiresAt: a.authorizationExpiresAt ?? null }),
    paymentSessionReject: (a: { id: string; reason: Reason }, ctx: Ctx) => answer("payment", "paymentSession", ctx, a.id, rejected(a.reason)),
    paymentSessionPending: (a: { id: string; pendingExpiresAt: string; reason: string }, ctx: Ctx) =>
      answer("payment", "paymentSession", ctx, a.id, { state: "PENDING", reason: a.reason, expiresAt: a.pendingExpiresAt }),
    refundSessionResolve: (a: { id: string }, ctx: Ctx) => answer("refund", "refundSession", ctx, a.id, { state: "RESOLVED" }),
    refundSessionReject: (a: { id: string; reason: Reason }, ctx: Ctx) => answer("refund", "refundSession", ctx, a.id, rejected(a.reason)),
    captureSessionResolve: (a: { id: string }, ctx: Ctx) => answer("capture", "captureSession", ctx, a.id, { state: "RESOLVED" }),
    captureSessionReject: (a: { id: string; reason: Reason }, ctx: Ctx) => answer("capture", "captureSession", ctx, a.id, rejected(a.reason)),
    voidSessionResolve: (a: { id: string }, ctx: Ctx) => answer("void", "voidSession", ctx, a.id, { state: "RESOLVED" }),
    voidSessionReject: (a: { id: string; reason: Reason }, ctx: Ctx) => answer("void", "voidSession", ctx, a.id, rejected(a.reason)),
    paymentsAppConfigure: (a: { externalHandle?: string | null; ready: boolean }, ctx: Ctx) => {
      need(ctx, "write_payment_gateways", "paymentsAppConfigure");
      // The token is live, so the app is installed: its answer holds until it configures again or is uninstalled.
      const inst = ctx.shop.installations.get(ctx.app.clientId)!;
      inst.paymentsConfiguration = { ready: a.ready, externalHandle: a.externalHandle ?? null, configuredAt: ctx.store.now() };
      return { paymentsAppConfiguration: { externalHandle: a.externalHandle ?? null, ready: a.ready }, userErrors: [] };
    },
  };
}
