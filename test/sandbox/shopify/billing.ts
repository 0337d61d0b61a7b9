// The page where the merchant accepts or declines an app's plan (the confirmation URL that
// appSubscriptionCreate answers). Accepting makes the subscription ACTIVE (replacing the app's
// previous plan); either way the merchant is sent back to the app's returnUrl with `charge_id`.
import express from "express";
import type { Services } from "./context";
import { toDecimal } from "./money";
import { gid, type AppSubscription, type Shop } from "./store";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const PATH = "/admin/charges/:clientId/:id/RecurringApplicationCharge/confirm_recurring_application_charge";

export function billingRoutes(services: Services) {
  const { store, hooks } = services;
  const r = express.Router({ mergeParams: true });
  const find = (shopDomain: string, clientId: string, id: string) => {
    const shop = store.shop(shopDomain);
    const s = shop?.appSubscriptions.get(id);
    return shop && s && s.clientId === clientId ? { shop, s } : undefined;
  };

  r.get(PATH, (req, res) => {
    const f = find(String((req.params as Record<string, string>).shop), String((req.params as Record<string, string>).clientId), String((req.params as Record<string, string>).id));
    if (!f) return void res.status(404).type("html").send("<h1>Charge not found</h1>");
    const app = store.apps.get(f.s.clientId);
    const price = f.s.lineItems.map((l) => `${toDecimal(l.price, l.currency)} ${l.currency} ${l.interval === "ANNUAL" ? "a year" : "every 30 days"}`).join(" + ");
    res.type("html").send(`<!doctype html><html><head><meta charset="utf-8"><title>Approve subscription</title></head><body>
<h1>Approve subscription</h1><p>${esc(app?.name ?? "The app")} asks for the plan <strong>${esc(f.s.name)}</strong>: ${esc(price)}${f.s.test ? " (test charge: no money moves)" : ""}.</p>
<p>Status: <span id="status">${f.s.status}</span></p>
${f.s.status === "PENDING" ? `<form method="post"><button name="decision" value="approve">Approve</button> <button name="decision" value="decline">Decline</button></form>` : ""}
</body></html>`);
  });

  r.post(PATH, (req, res) => {
    const f = find(String((req.params as Record<string, string>).shop), String((req.params as Record<string, string>).clientId), String((req.params as Record<string, string>).id));
    if (!f) return void res.status(404).type("html").send("<h1>Charge not found</h1>");
    const { shop, s } = f;
    if (s.status !== "PENDING") return void res.status(409).type("html").send(`<h1>This charge is ${s.status.toLowerCase()}</h1>`);
    if ((req.body as { decision?: string } | undefined)?.decision === "approve") {
      for (const other of shop.appSubscriptions.values()) if (other.clientId === s.clientId && other.status === "ACTIVE") other.status = "CANCELLED";
      s.status = "ACTIVE";
      s.currentPeriodEnd = store.now() + (s.trialDays + 30) * 86_400_000;
    } else {
      s.status = "DECLINED";
    }
    hooks.emit(shop, "app_subscriptions/update", subscriptionUpdatePayload(shop, s, store.now()), s.clientId);
    const back = new URL(s.returnUrl);
    back.searchParams.set("charge_id", s.id);
    res.redirect(302, back.toString());
  });
  return r;
}

/** The app_subscriptions/update webhook's body for a subscription's new status (REST's lower-case form). */
export function subscriptionUpdatePayload(shop: Shop, s: AppSubscription, now: number) {
  return {
    app_subscription: {
      admin_graphql_api_id: gid("AppSubscription", s.id), name: s.name, status: s.status.toLowerCase(), admin_graphql_api_shop_id: gid("Shop", shop.id),
      created_at: new Date(s.createdAt).toISOString(), updated_at: new Date(now).toISOString(), currency: s.lineItems[0]?.currency ?? shop.currency,
      capped_amount: null, price: s.lineItems[0] ? toDecimal(s.lineItems[0].price, s.lineItems[0].currency) : "0.0", interval: s.lineItems[0]?.interval.toLowerCase() ?? "every_30_days", plan_handle: null,
    },
  };
}
