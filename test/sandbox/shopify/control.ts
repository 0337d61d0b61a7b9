// What the people around Shopify do by hand, as functions: a merchant opens a shop, stocks it and
// has customers; a partner registers an app (what shopify.app.toml says); the merchant removes an
// app; a customer asks for their data or its erasure. index.ts serves each one under /_sandbox/.
import { randomBytes } from "node:crypto";
import type { Services } from "./context";
import { ControlError } from "./errors";
import { toMinor } from "./money";
import { levelOf } from "./orders";
import { customerRedactPayload, dataRequestPayload, shopRedactPayload } from "./payloads";
import { issueSessionToken, type SessionTokenClaims } from "./session-tokens";
import type { AppRegistration, Customer, Product, Shop, Variant } from "./store";
import { PRIVACY_TOPICS, topicEnum } from "./webhooks";
import { API_VERSION } from "./schema";
import { topicValues } from "./resolvers/apps";
import { subscriptionUpdatePayload } from "./billing";
import type { PaymentsApps, Session } from "./payments-apps";

export interface NewProduct {
  title: string;
  status?: Product["status"];
  vendor?: string;
  variants?: { title?: string; sku?: string | null; price: string; available?: number; inventoryPolicy?: Variant["inventoryPolicy"]; tracked?: boolean }[];
}

export function controls(services: Services, payments: PaymentsApps, uninstall: (shop: Shop, clientId: string) => boolean) {
  const { store, hooks } = services;
  const shopOf = (domain: string) => {
    const s = store.shop(domain);
    if (!s) throw new ControlError(404, `No shop ${domain}`);
    return s;
  };
  const appOf = (clientId: string) => {
    const a = store.apps.get(clientId);
    if (!a) throw new ControlError(404, `No app with client id ${clientId}`);
    return a;
  };
  const customerOf = (shop: Shop, id: string) => {
    const c = shop.customers.get(id.replace(/^gid:\/\/shopify\/Customer\//, ""));
    if (!c) throw new ControlError(404, `No customer ${id} in ${shop.domain}`);
    return c;
  };

  return {
    createShop(o: { domain: string; name?: string; email?: string; currency?: string; plan?: Shop["plan"] }) {
      if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i.test(o.domain ?? "")) throw new ControlError(400, "domain must look like name.myshopify.com");
      if (store.shop(o.domain)) throw new ControlError(409, `${o.domain} already exists`);
      const s = store.createShop(o);
      return { domain: s.domain, id: s.id, name: s.name, currency: s.currency, locationId: `gid://shopify/Location/${s.locationId}` };
    },

    registerApp(input: (Partial<AppRegistration> & { name: string; appUrl: string; redirectUrls: string[]; scopes: string[] }) | TomlApp) {
      const o = "application_url" in input ? fromToml(input) : input;
      if (!o.name || !o.appUrl || !Array.isArray(o.redirectUrls) || !Array.isArray(o.scopes)) throw new ControlError(400, "name, appUrl, redirectUrls and scopes are required");
      const webhooks = o.webhooks ?? [];
      const known = topicValues();
      for (const w of webhooks) {
        if (typeof w.uri !== "string" || (!Array.isArray(w.topics) && !Array.isArray(w.compliance_topics))) {
          throw new ControlError(400, "each webhook subscription needs a uri and topics[] or compliance_topics[]");
        }
        const privacy = (w.topics ?? []).filter((t) => PRIVACY_TOPICS.includes(t));
        if (privacy.length) throw new ControlError(400, `${privacy.join(", ")} go in compliance_topics, not topics`);
        const unknown = [...(w.topics ?? []).filter((t) => !known.has(topicEnum(t))), ...(w.compliance_topics ?? []).filter((t) => !PRIVACY_TOPICS.includes(t))];
        if (unknown.length) throw new ControlError(400, `Shopify has no webhook topic ${unknown.join(", ")} in ${API_VERSION}`);
      }
      const app: AppRegistration = {
        clientId: o.clientId ?? randomBytes(16).toString("hex"), clientSecret: o.clientSecret ?? `shpss_${randomBytes(16).toString("hex")}`,
        name: o.name, appUrl: o.appUrl, redirectUrls: o.redirectUrls, scopes: o.scopes, webhooks, complianceUri: o.complianceUri, payments: o.payments,
      };
      store.apps.set(app.clientId, app);
      return { clientId: app.clientId, clientSecret: app.clientSecret };
    },

    createProduct(domain: string, p: NewProduct) {
      const shop = shopOf(domain);
      if (!p.title) throw new ControlError(400, "title is required");
      const t = store.now();
      const product: Product = {
        id: store.nextId(), title: p.title, handle: p.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""),
        status: p.status ?? "ACTIVE", vendor: p.vendor ?? shop.name, productType: "", variantIds: [], createdAt: t, updatedAt: t,
      };
      const variants = p.variants?.length ? p.variants : [{ price: "0" }];
      for (const v of variants) {
        let price: number;
        try { price = toMinor(v.price, shop.currency); } catch (e) { throw new ControlError(400, (e as Error).message); }
        const variant: Variant = {
          id: store.nextId(), productId: product.id, title: v.title ?? "Default Title", sku: v.sku ?? null, price,
          inventoryItemId: store.nextId(), inventoryPolicy: v.inventoryPolicy ?? "DENY", tracked: v.tracked ?? true, createdAt: t,
        };
        shop.variants.set(variant.id, variant);
        product.variantIds.push(variant.id);
        const q = levelOf(shop, variant.inventoryItemId);
        q.available = v.available ?? 0;
        q.on_hand = q.available;
      }
      shop.products.set(product.id, product);
      return {
        id: `gid://shopify/Product/${product.id}`,
        variants: product.variantIds.map((id) => {
          const v = shop.variants.get(id)!;
          return { id: `gid://shopify/ProductVariant/${id}`, sku: v.sku, inventoryItemId: `gid://shopify/InventoryItem/${v.inventoryItemId}` };
        }),
      };
    },

    /** Stock of a variant at the shop's location, by quantity name (what the merchant's admin shows). */
    stock(domain: string, variantGid: string) {
      const shop = shopOf(domain);
      const v = shop.variants.get(variantGid.replace(/^gid:\/\/shopify\/ProductVariant\//, ""));
      if (!v) throw new ControlError(404, `No variant ${variantGid}`);
      return { ...levelOf(shop, v.inventoryItemId) };
    },

    createCustomer(domain: string, c: { email?: string; firstName?: string; lastName?: string; phone?: string }) {
      const shop = shopOf(domain);
      const customer: Customer = { id: store.nextId(), email: c.email ?? null, phone: c.phone ?? null, firstName: c.firstName ?? null, lastName: c.lastName ?? null, createdAt: store.now() };
      shop.customers.set(customer.id, customer);
      return { id: `gid://shopify/Customer/${customer.id}` };
    },

    /** What App Bridge's `shopify.idToken()` gives the app's page for this staff member. */
    sessionToken(domain: string, clientId: string, userId = "1", overrides: Partial<SessionTokenClaims> = {}) {
      const shop = shopOf(domain);
      return issueSessionToken(appOf(clientId), shop.domain, userId, overrides);
    },

    uninstall(domain: string, clientId: string) {
      if (!uninstall(shopOf(domain), appOf(clientId).clientId)) throw new ControlError(409, `${clientId} is not installed on ${domain}`);
      return { uninstalled: true };
    },

    customersDataRequest(domain: string, customerId: string) {
      const shop = shopOf(domain);
      const c = customerOf(shop, customerId);
      hooks.emit(shop, "customers/data_request", dataRequestPayload(shop, c.id, store.nextId()));
      return { requested: true };
    },

    customersRedact(domain: string, customerId: string) {
      const shop = shopOf(domain);
      const c = customerOf(shop, customerId);
      hooks.emit(shop, "customers/redact", customerRedactPayload(shop, c.id));
      return { requested: true };
    },

    /** Sent 48 hours after an uninstall, to every app that was uninstalled. */
    shopRedact(domain: string) {
      const shop = shopOf(domain);
      const gone = [...shop.installations.values()].filter((i) => i.uninstalledAt);
      if (!gone.length) throw new ControlError(409, "shop/redact follows an uninstall: no app has been uninstalled from this shop");
      for (const inst of gone) hooks.emit(shop, "shop/redact", shopRedactPayload(shop), inst.clientId);
      return { requested: true };
    },

    deliveries(filter: { shop?: string; topic?: string } = {}) {
      return hooks.deliveries.filter((d) => (!filter.shop || d.shop === filter.shop) && (!filter.topic || d.topic === filter.topic)).map((d) => ({ ...d }));
    },

    /** Moves the sandbox clock and sends the webhook retries that come due. */
    advanceClock(seconds: number) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new ControlError(400, "seconds must be a non-negative number");
      const now = store.advance(seconds);
      return { now: new Date(now).toISOString(), retriesSent: hooks.runDue() + payments.runDue() };
    },

    /**
     * A buyer pays at checkout with the app's payment method: Shopify creates the order and posts a
     * payment session to the app. Resolves once the app has answered (or failed to).
     */
    async startPaymentSession(domain: string, o: Parameters<PaymentsApps["startPayment"]>[1]) {
      return sessionSummary(await payments.startPayment(shopOf(domain), o));
    },

    /** The merchant refunds, captures or voids a payment taken by the app. */
    async startFollowUpSession(domain: string, kind: "refund" | "capture" | "void", o: { paymentId: string; amount?: string }) {
      return sessionSummary(await payments.startFollowUp(shopOf(domain), kind, o));
    },

    /** Shopify posts the session to the app again, as it does when it did not get (or lost) the answer. */
    async resendSession(domain: string, id: string) {
      const s = payments.sessions.get(id.replace(/^gid:\/\/shopify\/\w+\//, ""));
      if (!s || s.shop !== domain) throw new ControlError(404, `No session ${id} in ${domain}`);
      return sessionSummary((await payments.resend(s.id))!);
    },

    /** Delivers a webhook again with the same webhook id and event id (the app must de-duplicate it). */
    redeliverWebhook(webhookId: string) {
      if (!hooks.redeliver(webhookId)) throw new ControlError(404, `No webhook delivery ${webhookId}`);
      return { redelivered: true };
    },

    /** What the app last told Shopify with paymentsAppConfigure for this shop (null: never). */
    paymentsConfiguration(domain: string, clientId: string) {
      const inst = shopOf(domain).installations.get(appOf(clientId).clientId);
      if (!inst || inst.uninstalledAt) throw new ControlError(409, `${clientId} is not installed on ${domain}`);
      const c = inst.paymentsConfiguration;
      return c ? { ready: c.ready, externalHandle: c.externalHandle, configuredAt: new Date(c.configuredAt).toISOString() } : null;
    },

    /**
     * Shopify ends the app's active plan without the app asking (the merchant's shop froze or closed,
     * the charge was cancelled from the Partner Dashboard): app_subscriptions/update tells the app.
     */
    endPlan(domain: string, clientId: string, status: "CANCELLED" | "FROZEN" | "EXPIRED" = "CANCELLED") {
      const shop = shopOf(domain);
      const s = [...shop.appSubscriptions.values()].find((x) => x.clientId === appOf(clientId).clientId && x.status === "ACTIVE");
      if (!s) throw new ControlError(409, `${clientId} has no active plan on ${domain}`);
      s.status = status;
      hooks.emit(shop, "app_subscriptions/update", subscriptionUpdatePayload(shop, s, store.now()), s.clientId);
      return { id: `gid://shopify/AppSubscription/${s.id}`, status };
    },

    paymentSession(domain: string, id: string) {
      const s = payments.sessions.get(id.replace(/^gid:\/\/shopify\/\w+\//, ""));
      if (!s || s.shop !== domain) throw new ControlError(404, `No session ${id} in ${domain}`);
      return sessionSummary(s);
    },
  };
}

export type Controls = ReturnType<typeof controls>;

/** shopify.app.toml, as JSON (its tables and keys unchanged), plus the secret the Partner Dashboard shows. */
export interface TomlApp {
  client_id: string;
  client_secret?: string;
  name: string;
  application_url: string;
  access_scopes?: { scopes?: string };
  auth?: { redirect_urls?: string[] };
  webhooks?: { api_version?: string; subscriptions?: { topics?: string[]; compliance_topics?: string[]; uri: string }[] };
  /** Not in the TOML: the payments extension's session URLs. */
  payments?: AppRegistration["payments"];
}

function fromToml(t: TomlApp): Partial<AppRegistration> & { name: string; appUrl: string; redirectUrls: string[]; scopes: string[] } {
  return {
    clientId: t.client_id, clientSecret: t.client_secret, name: t.name, appUrl: t.application_url,
    redirectUrls: t.auth?.redirect_urls ?? [], scopes: (t.access_scopes?.scopes ?? "").split(",").map((x) => x.trim()).filter(Boolean),
    webhooks: t.webhooks?.subscriptions ?? [], payments: t.payments,
  };
}

/** What the sandbox tells a test about a session: what Shopify sent, how the app answered, where it stands. */
function sessionSummary(s: Session) {
  const types = { payment: "PaymentSession", refund: "RefundSession", capture: "CaptureSession", void: "VoidSession" };
  return {
    id: s.id, gid: `gid://shopify/${types[s.kind]}/${s.id}`, kind: s.kind, orderId: `gid://shopify/Order/${s.orderId}`,
    state: s.outcome?.state ?? "PENDING", outcome: s.outcome, redirectUrl: s.redirectUrl, request: s.body, attempts: s.attempts,
    nextRetryAt: s.nextRetryAt === null ? null : new Date(s.nextRetryAt).toISOString(),
  };
}
