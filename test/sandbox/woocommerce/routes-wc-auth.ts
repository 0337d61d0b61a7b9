// WooCommerce's app authorization (/wc-auth/v1/authorize): the store owner approves an app, which
// creates REST API keys and POSTs them as JSON to the app's callback_url, then redirects to return_url.
// Real WooCommerce requires https for callback_url; the sandbox also allows http on loopback (where
// Settle runs in tests) and nothing else. The WordPress log-in step is left out (one admin user).
import { Router, type Request, type Response } from "express";
import { createKey } from "./auth";
import { WpError } from "./errors";
import type { ApiKey, Store } from "./state";

const SCOPES = new Set<ApiKey["permissions"]>(["read", "write", "read_write"]);
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function endpointUrl(v: unknown, name: string): URL {
  let u: URL;
  try { u = new URL(String(v ?? "")); } catch { throw new WpError(400, "woocommerce_rest_authentication_error", `Invalid ${name}`); }
  const loopbackHttp = u.protocol === "http:" && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname);
  if (name === "callback_url" && u.protocol !== "https:" && !loopbackHttp) throw new WpError(400, "woocommerce_rest_authentication_error", "The callback_url needs to be over SSL");
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new WpError(400, "woocommerce_rest_authentication_error", `Invalid ${name}`);
  return u;
}

function params(q: Record<string, unknown>) {
  for (const name of ["app_name", "scope", "user_id", "return_url", "callback_url"]) {
    if (typeof q[name] !== "string" || q[name] === "") throw new WpError(400, "woocommerce_rest_authentication_error", `Missing parameter ${name}`);
  }
  const scope = q.scope as ApiKey["permissions"];
  if (!SCOPES.has(scope)) throw new WpError(400, "woocommerce_rest_authentication_error", "Invalid scope");
  return { appName: String(q.app_name), scope, userId: String(q.user_id), returnUrl: endpointUrl(q.return_url, "return_url"), callbackUrl: endpointUrl(q.callback_url, "callback_url") };
}

function back(returnUrl: URL, success: boolean, userId: string): string {
  const u = new URL(returnUrl);
  u.searchParams.set("success", success ? "1" : "0");
  u.searchParams.set("user_id", userId);
  return u.toString();
}

export function wcAuthRoutes(store: Store): Router {
  const router = Router();
  router.get("/wc-auth/v1/authorize", (req: Request, res: Response) => {
    const p = params(req.query as Record<string, unknown>);
    const hidden = ["app_name", "scope", "user_id", "return_url", "callback_url"]
      .map((n) => `<input type="hidden" name="${n}" value="${esc(String(req.query[n]))}">`).join("");
    res.type("html").send(`<!doctype html><title>Authorize ${esc(p.appName)}</title>
<h1>${esc(p.appName)} would like to connect to your store</h1><p>Access: ${esc(p.scope)}</p>
<form method="post" action="/wc-auth/v1/access_granted">${hidden}<button name="wc_auth_approve" value="1">Approve</button></form>
<a href="${esc(back(p.returnUrl, false, p.userId))}">Deny</a>`);
  });
  router.post("/wc-auth/v1/access_granted", async (req: Request, res: Response) => {
    const p = params(req.body as Record<string, unknown>);
    const key = createKey(store, p.scope);
    const r = await fetch(p.callbackUrl, {
      method: "POST", headers: { "Content-Type": "application/json" }, redirect: "manual",
      body: JSON.stringify({ key_id: key.keyId, user_id: p.userId, consumer_key: key.consumerKey, consumer_secret: key.consumerSecret, key_permissions: key.permissions }),
    }).catch(() => null);
    if (!r || r.status < 200 || r.status > 299) {
      store.keys.delete(key.consumerKey); // WooCommerce revokes the key when the app refuses it
      throw new WpError(400, "woocommerce_rest_authentication_error", "An error occurred in the request and at the time were unable to send the consumer data");
    }
    res.redirect(302, back(p.returnUrl, true, p.userId));
  });
  return router;
}
