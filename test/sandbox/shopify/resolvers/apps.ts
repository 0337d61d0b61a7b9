// The app's own corner of the Admin API: its installation (scopes, active plan), its webhook
// subscriptions, and Billing (appSubscriptionCreate answers a confirmation URL the merchant must
// accept in the sandbox's charge page before the plan is ACTIVE).
import { type GraphQLResolveInfo } from "graphql";
import { idempotent, userError, type Ctx } from "../context";
import { subscriptionUpdatePayload } from "../billing";
import { moneyV2, toMinor } from "../money";
import { gid, idOf, type AppSubscription, type WebhookSubscription } from "../store";
import { API_VERSION, schemaFor } from "../schema";
import { connection, type PageArgs } from "./connection";

const iso = (ms: number) => new Date(ms).toISOString();

export function webhookSubscriptionView(s: WebhookSubscription) {
  return {
    __typename: "WebhookSubscription", id: gid("WebhookSubscription", s.id), legacyResourceId: s.id, topic: s.topic, uri: s.uri,
    format: s.format, includeFields: s.includeFields, metafieldNamespaces: [], metafields: [], filter: s.filter, name: null,
    apiVersion: { __typename: "ApiVersion", handle: API_VERSION, displayName: API_VERSION, supported: true },
    createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt),
  };
}

export function appSubscriptionView(s: AppSubscription) {
  return {
    __typename: "AppSubscription", id: gid("AppSubscription", s.id), name: s.name, status: s.status, test: s.test, trialDays: s.trialDays,
    returnUrl: s.returnUrl, createdAt: iso(s.createdAt), currentPeriodEnd: s.currentPeriodEnd ? iso(s.currentPeriodEnd) : null,
    lineItems: s.lineItems.map((l) => ({
      __typename: "AppSubscriptionLineItem", id: gid("AppSubscriptionLineItem", `${l.id}?v=1&index=0`),
      plan: { __typename: "AppPlanV2", pricingDetails: { __typename: "AppRecurringPricing", interval: l.interval, price: moneyV2(l.price, l.currency), discount: null, planHandle: null } },
      usageRecords: (a: PageArgs) => connection([], a, (x) => x),
    })),
  };
}

export function appInstallationView(ctx: Ctx) {
  const subs = [...ctx.shop.appSubscriptions.values()].filter((s) => s.clientId === ctx.app.clientId);
  return {
    __typename: "AppInstallation", id: gid("AppInstallation", `${ctx.shop.id}${ctx.app.clientId.length}`),
    accessScopes: ctx.token.scopes.map((handle) => ({ __typename: "AccessScope", handle, description: handle })),
    activeSubscriptions: subs.filter((s) => s.status === "ACTIVE").map(appSubscriptionView),
    allSubscriptions: (a: PageArgs) => connection(subs, a, appSubscriptionView),
    launchUrl: `https://admin.shopify.com/store/${ctx.shop.domain.split(".")[0]}/apps/${ctx.app.clientId}`,
    uninstallUrl: null,
    app: { __typename: "App", id: gid("App", ctx.app.clientId.replace(/\D/g, "") || "1"), title: ctx.app.name, apiKey: ctx.app.clientId, handle: ctx.app.name.toLowerCase().replace(/\W+/g, "-") },
  };
}

let topics: Set<string> | undefined;
/** The WebhookSubscriptionTopic values of the admin schema (ORDERS_PAID, ...). */
export const topicValues = () =>
  (topics ??= new Set((schemaFor("admin").getType("WebhookSubscriptionTopic") as unknown as { getValues(): { name: string }[] }).getValues().map((v) => v.name)));

type WebhookInput = { uri?: string | null; format?: string | null; includeFields?: string[] | null; filter?: string | null };

export const appMutations = {
  webhookSubscriptionCreate: (a: { topic: string; webhookSubscription: WebhookInput }, ctx: Ctx) => {
    const uri = a.webhookSubscription.uri ?? "";
    if (!/^https?:\/\/[^\s]+$/i.test(uri) && !/^(pubsub|arn):/.test(uri)) {
      return { webhookSubscription: null, userErrors: [userError(["webhookSubscription", "callbackUrl"], "Address is invalid")] };
    }
    if (!topicValues().has(a.topic)) return { webhookSubscription: null, userErrors: [userError(["topic"], "Topic is invalid")] };
    const dup = [...ctx.shop.webhookSubscriptions.values()].find((s) => s.clientId === ctx.app.clientId && s.topic === a.topic && s.uri === uri);
    if (dup) return { webhookSubscription: null, userErrors: [userError(["webhookSubscription", "callbackUrl"], "Address for this topic has already been taken")] };
    const now = ctx.store.now();
    const s: WebhookSubscription = {
      id: ctx.store.nextId(), clientId: ctx.app.clientId, topic: a.topic, uri, format: "JSON",
      includeFields: a.webhookSubscription.includeFields ?? [], filter: a.webhookSubscription.filter ?? null, createdAt: now, updatedAt: now,
    };
    ctx.shop.webhookSubscriptions.set(s.id, s);
    return { webhookSubscription: webhookSubscriptionView(s), userErrors: [] };
  },
  webhookSubscriptionDelete: ({ id }: { id: string }, ctx: Ctx) => {
    const s = ctx.shop.webhookSubscriptions.get(idOf("WebhookSubscription", id) ?? "");
    if (!s || s.clientId !== ctx.app.clientId) return { deletedWebhookSubscriptionId: null, userErrors: [userError(["id"], "Webhook subscription does not exist")] };
    ctx.shop.webhookSubscriptions.delete(s.id);
    return { deletedWebhookSubscriptionId: id, userErrors: [] };
  },
  appSubscriptionCreate: (a: { name: string; returnUrl: string; test?: boolean | null; trialDays?: number | null; lineItems: { plan: { appRecurringPricingDetails?: { price: { amount: string; currencyCode: string }; interval?: string | null } | null } }[] }, ctx: Ctx, info: GraphQLResolveInfo) =>
    idempotent(ctx, info, a, false, () => {
      const lines: AppSubscription["lineItems"] = [];
      for (const [i, l] of a.lineItems.entries()) {
        const r = l.plan.appRecurringPricingDetails;
        if (!r) return { appSubscription: null, confirmationUrl: null, userErrors: [userError(["lineItems", String(i), "plan"], "The sandbox bills recurring plans only (appRecurringPricingDetails)")] };
        try {
          lines.push({ id: ctx.store.nextId(), price: toMinor(r.price.amount, r.price.currencyCode), currency: r.price.currencyCode, interval: r.interval ?? "EVERY_30_DAYS" });
        } catch (e) {
          return { appSubscription: null, confirmationUrl: null, userErrors: [userError(["lineItems", String(i), "plan", "appRecurringPricingDetails", "price"], (e as Error).message)] };
        }
      }
      if (!lines.length) return { appSubscription: null, confirmationUrl: null, userErrors: [userError(["lineItems"], "Line items must have at least one plan")] };
      const s: AppSubscription = {
        id: ctx.store.nextId(), clientId: ctx.app.clientId, name: a.name, status: "PENDING", test: a.test ?? false, trialDays: a.trialDays ?? 0,
        returnUrl: a.returnUrl, lineItems: lines, createdAt: ctx.store.now(), currentPeriodEnd: null,
      };
      ctx.shop.appSubscriptions.set(s.id, s);
      const confirmationUrl = `${ctx.baseUrl()}/shops/${ctx.shop.domain}/admin/charges/${ctx.app.clientId}/${s.id}/RecurringApplicationCharge/confirm_recurring_application_charge`;
      return { appSubscription: appSubscriptionView(s), confirmationUrl, userErrors: [] };
    }, () => ({ appSubscription: null, confirmationUrl: null, userErrors: [userError(null, "The idempotency key was used with different arguments")] })),
  appSubscriptionCancel: ({ id }: { id: string }, ctx: Ctx) => {
    const s = ctx.shop.appSubscriptions.get(idOf("AppSubscription", id) ?? "");
    if (!s || s.clientId !== ctx.app.clientId) return { appSubscription: null, userErrors: [userError(["id"], "Couldn't find RecurringApplicationCharge")] };
    if (s.status !== "ACTIVE") return { appSubscription: null, userErrors: [userError(["id"], "The subscription is not active")] };
    s.status = "CANCELLED";
    ctx.hooks.emit(ctx.shop, "app_subscriptions/update", subscriptionUpdatePayload(ctx.shop, s, ctx.store.now()), s.clientId);
    return { appSubscription: appSubscriptionView(s), userErrors: [] };
  },
};
