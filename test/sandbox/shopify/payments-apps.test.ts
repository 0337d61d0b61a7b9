// A Payments App's life with the sandbox: Shopify posts a payment session with its headers, the app
// answers a redirect URL and later resolves or rejects it over the Payments Apps API (real 2026-07
// schema); a resolved sale marks the checkout's order paid; refunds, captures and voids follow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_RETRY_DELAYS_S } from "./payments-apps";
import { gql, installedShop, receiver, SCOPES, type Installed } from "./test-helpers";

let s: Installed;
let app: Awaited<ReturnType<typeof receiver>>;
let failPayments = false;

beforeAll(async () => {
  app = await receiver({
    answer: (path, body) => {
      if (path === "/payment" && failPayments) return { status: 503 };
      if (path === "/payment") return { status: 200, body: JSON.stringify({ redirect_url: `https://settle.example/pay/${(JSON.parse(body) as { id: string }).id}` }) };
      return { status: 201 };
    },
  });
  s = await installedShop({
    scopes: [...SCOPES, "write_payment_gateways", "write_payment_sessions"],
    app: {
      webhooks: [{ topics: ["orders/paid", "refunds/create"], uri: `${app.url}/webhooks` }],
      payments: { paymentSessionUrl: `${app.url}/payment`, refundSessionUrl: `${app.url}/refund`, captureSessionUrl: `${app.url}/capture`, voidSessionUrl: `${app.url}/void` },
    },
  });
});
afterAll(async () => { await s.sandbox.close(); await app.close(); });

const RESOLVE = `mutation($id: ID!) { paymentSessionResolve(id: $id) { paymentSession { id state { ... on PaymentSessionState { code } } nextAction { action context { ... on PaymentSessionActionsRedirect { redirectUrl } } } } userErrors { field message } } }`;
const REJECT = `mutation($id: ID!) { paymentSessionReject(id: $id, reason: { code: INSUFFICIENT_FUNDS, merchantMessage: "Declined by the bank" }) {
  paymentSession { state { ... on PaymentSessionState { code } ... on PaymentSessionStateRejected { reason merchantMessage } } nextAction { action } } userErrors { field message } } }`;
const REFUND_RESOLVE = `mutation($id: ID!) { refundSessionResolve(id: $id) { refundSession { id state { ... on RefundSessionState { code } } } userErrors { field message } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { displayFinancialStatus totalReceivedSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } } transactions { kind status gateway paymentId amountSet { shopMoney { amount currencyCode } } } } }`;
const payments = (q: string, variables: Record<string, unknown>) => gql(s, q, variables, "payments_apps");
const order = async (id: string) => (await gql(s, ORDER, { id })).body.data!.order as { displayFinancialStatus: string; transactions: { kind: string; paymentId: string }[]; totalRefundedSet: { shopMoney: { amount: string } } };

const CONFIGURE = `mutation($ready: Boolean!, $handle: String) { paymentsAppConfigure(ready: $ready, externalHandle: $handle) { paymentsAppConfiguration { ready externalHandle } userErrors { field message } } }`;

describe("payments app configuration", () => {
  it("offers the app at checkout only while it has configured the shop ready: before, and after ready: false, no session is posted", async () => {
    const before = app.got.length;
    await expect(s.sandbox.startPaymentSession(s.shop, { clientId: s.clientId, amount: "9.00" })).rejects.toThrow(/has not called paymentsAppConfigure\(ready: true\)/);
    expect(s.sandbox.paymentsConfiguration(s.shop, s.clientId)).toBeNull();

    const ready = await payments(CONFIGURE, { ready: true, handle: "mer_123" });
    expect(ready.body.data!.paymentsAppConfigure).toEqual({ paymentsAppConfiguration: { ready: true, externalHandle: "mer_123" }, userErrors: [] });
    expect(s.sandbox.paymentsConfiguration(s.shop, s.clientId)).toMatchObject({ ready: true, externalHandle: "mer_123" });
    const posted = await s.sandbox.startPaymentSession(s.shop, { clientId: s.clientId, amount: "9.00" });
    expect(posted.attempts.map((a) => a.status)).toEqual([200]);

    await payments(CONFIGURE, { ready: false, handle: "mer_123" });
    const sent = app.got.length;
    await expect(s.sandbox.startPaymentSession(s.shop, { clientId: s.clientId, amount: "9.00" })).rejects.toThrow(/configured it with ready: false/);
    expect(app.got.length).toBe(sent);
    expect(sent).toBe(before + 1);

    // Configuring is the payment gateway's business: a token without write_payment_gateways is refused.
    const narrow = await installedShop({ sandbox: s.sandbox, scopes: ["write_payment_sessions"] });
    const denied = await gql(narrow, CONFIGURE, { ready: true }, "payments_apps");
    expect(denied.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "ACCESS_DENIED" }) })]);
    await payments(CONFIGURE, { ready: true, handle: "mer_123" });
  });
});

describe("payment sessions", () => {
  it("posts the session with Shopify's headers and body, and a resolve marks the order paid", async () => {
    const session = await s.sandbox.startPaymentSession(s.shop, { clientId: s.clientId, amount: "42.50", currency: "USD", email: "buyer@example.com" });
    const posted = app.got.find((g) => g.path === "/payment" && JSON.parse(g.body).id === session.id)!;
    expect(posted.headers["shopify-shop-domain"]).toBe(s.shop);
    expect(posted.headers["shopify-api-version"]).toBe("2026-07");
    expect(posted.headers["shopify-request-id"]).toBeTruthy();
    expect(JSON.parse(posted.body)).toMatchObject({ id: session.id, gid: session.gid, amount: "42.50", currency: "USD", kind: "sale", test: true, payment_method: { type: "offsite" } });
    expect(session.redirectUrl).toBe(`https://settle.example/pay/${session.id}`);
    expect((await order(session.orderId)).displayFinancialStatus).toBe("PENDING");

    const r = await payments(RESOLVE, { id: session.gid });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.paymentSessionResolve).toMatchObject({ paymentSession: { state: { code: "RESOLVED" }, nextAction: { action: "REDIRECT" } }, userErrors: [] });
    const paid = await order(session.orderId);
    expect(paid.displayFinancialStatus).toBe("PAID");
    expect(paid.transactions).toEqual([expect.objectContaining({ kind: "SALE", status: "SUCCESS", paymentId: session.id, amountSet: { shopMoney: { amount: "42.5", currencyCode: "USD" } } })]);
    await s.sandbox.webhooksIdle();
    expect(app.got.filter((g) => g.headers["x-shopify-topic"] === "orders/paid")).toHaveLength(1);

    // Shopify may post the same session again: same id and body, a new request id.
    const again = await s.sandbox.resendSession(s.shop, session.id);
    const posts = app.got.filter((g) => g.path === "/payment" && JSON.parse(g.body).id === session.id);
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body).toBe(posts[0]!.body);
    expect(posts[1]!.headers["shopify-request-id"]).not.toBe(posts[0]!.headers["shopify-request-id"]);
    expect(again.attempts).toHaveLength(2);

    // Resolving again (a retry) changes nothing; rejecting a resolved session is refused.
    await payments(RESOLVE, { id: session.gid });
    expect((await order(session.orderId)).transactions).toHaveLength(1);
    const late = await payments(REJECT, { id: session.gid });
    expect((late.body.data!.paymentSessionReject as { userErrors: unknown[] }).userErrors).toHaveLength(1);
  });

  it("a rejected session leaves the order unpaid and sends the buyer back to checkout", async () => {
    const session = await s.sandbox.startPaymentSession(s.shop, { clientId: s.clientId, amount: "10.00" });
    const r = await payments(REJECT, { id: session.gid });
    expect(r.body.data!.paymentSessionReject).toMatchObject({ paymentSession: { state: { code: "REJECTED", reason: "INSUFFICIENT_FUNDS", merchantMessage: "Declined by the bank" }, nextAction: { action: "REDIRECT" } } });
    expect((await order(session.orderId)).displayFinancialStatus).toBe("PENDING");
  });

  it("refuses an unknown session id, a reason Shopify does not have, and a token without payment scopes", async () => {
    const unknown = await payments(RESOLVE, { id: "gid://shopify/PaymentSession/nope" });
    expect((unknown.body.data!.paymentSessionResolve as { userErrors: unknown[] }).userErrors).toHaveLength(1);
    const badEnum = await payments(`mutation { paymentSessionReject(id: "x", reason: { code: BECAUSE }) { userErrors { message } } }`, {});
    expect(badEnum.body.errors).toBeDefined();
    expect(badEnum.body.data).toBeUndefined();
    const narrow = await installedShop({ sandbox: s.sandbox, scopes: ["read_orders"] });
    const denied = await gql(narrow, RESOLVE, { id: "gid://shopify/PaymentSession/x" }, "payments_apps");
    expect(denied.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "ACCESS_DENIED" }) })]);
  });

  it("sends a session again on the sandbox clock when the app fails to take it", async () => {
    failPayments = true;
    const session = await s.sandbox.startPaymentSession(s.shop, { clientId: s.clientId, amount: "5.00" });
    expect(session.attempts).toHaveLength(1);
    expect(session.redirectUrl).toBeNull();
    failPayments = false;
    s.sandbox.advanceClock(SESSION_RETRY_DELAYS_S[0]!);
    await s.sandbox.webhooksIdle();
    const later = s.sandbox.paymentSession(s.shop, session.id);
    expect(later.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(later.redirectUrl).toBe(`https://settle.example/pay/${session.id}`);
  });
});

describe("refund, capture and void sessions", () => {
  it("a resolved refund session refunds the order once and raises refunds/create", async () => {
    const pay = await s.sandbox.startPaymentSession(s.shop, { clientId: s.clientId, amount: "30.00" });
    await payments(RESOLVE, { id: pay.gid });
    const refund = await s.sandbox.startFollowUpSession(s.shop, "refund", { paymentId: pay.gid, amount: "12.00" });
    expect(JSON.parse(app.got.find((g) => g.path === "/refund")!.body)).toMatchObject({ id: refund.id, gid: refund.gid, payment_id: pay.id, amount: "12.00", currency: "USD" });
    await payments(REFUND_RESOLVE, { id: refund.gid });
    await payments(REFUND_RESOLVE, { id: refund.gid });
    await expect(s.sandbox.startFollowUpSession(s.shop, "refund", { paymentId: pay.gid, amount: "18.01" })).rejects.toThrow(/at most 18.00/);
    const o = await order(pay.orderId);
    expect(o.displayFinancialStatus).toBe("PARTIALLY_REFUNDED");
    expect(o.totalRefundedSet.shopMoney.amount).toBe("12.0");
    await s.sandbox.webhooksIdle();
    expect(app.got.filter((g) => g.headers["x-shopify-topic"] === "refunds/create")).toHaveLength(1);
    expect(s.sandbox.deliveries({ shop: s.shop }).flatMap((d) => d.contractErrors.map((e) => `${d.topic}: ${e}`))).toEqual([]);
  });

  it("an authorization is captured or voided through its sessions", async () => {
    const auth = await s.sandbox.startPaymentSession(s.shop, { clientId: s.clientId, amount: "20.00", kind: "authorization" });
    await payments(RESOLVE, { id: auth.gid });
    expect((await order(auth.orderId)).displayFinancialStatus).toBe("AUTHORIZED");
    const capture = await s.sandbox.startFollowUpSession(s.shop, "capture", { paymentId: auth.gid });
    await payments(`mutation($id: ID!) { captureSessionResolve(id: $id) { captureSession { state { ... on CaptureSessionState { code } } } userErrors { message } } }`, { id: capture.gid });
    expect((await order(auth.orderId)).displayFinancialStatus).toBe("PAID");

    const other = await s.sandbox.startPaymentSession(s.shop, { clientId: s.clientId, amount: "8.00", kind: "authorization" });
    await payments(RESOLVE, { id: other.gid });
    const voided = await s.sandbox.startFollowUpSession(s.shop, "void", { paymentId: other.gid });
    expect(JSON.parse(app.got.find((g) => g.path === "/void")!.body)).toMatchObject({ id: voided.id, payment_id: other.id, amount: "8.00", currency: "USD" });
    await payments(`mutation($id: ID!) { voidSessionResolve(id: $id) { voidSession { state { ... on VoidSessionState { code } } } userErrors { message } } }`, { id: voided.gid });
    expect((await order(other.orderId)).displayFinancialStatus).toBe("VOIDED");
    await expect(s.sandbox.startFollowUpSession(s.shop, "capture", { paymentId: (await s.sandbox.startPaymentSession(s.shop, { clientId: s.clientId, amount: "1.00" })).gid })).rejects.toThrow();
  });
});
