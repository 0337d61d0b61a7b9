// OAuth as a shop answers it: the merchant's consent page (/admin/oauth/authorize), the redirect
// back to the app with `code, hmac, host, shop, state, timestamp` (hex HMAC-SHA256 of the sorted
// query, keyed with the client secret), and /admin/oauth/access_token for an authorization code
// (single use), a token exchange from an App Bridge session token, or an expiring token's refresh.
import { createHmac, randomBytes } from "node:crypto";
import express, { type Request, type Response } from "express";
import type { Services } from "./context";
import { verifySessionToken } from "./session-tokens";
import type { AccessToken, AppRegistration, Shop } from "./store";
import { shopPayload } from "./payloads";

const CODE_LIFETIME_MS = 10 * 60_000;
const ONLINE_LIFETIME_S = 86_399;
const EXPIRING_OFFLINE_S = 3600;
const REFRESH_LIFETIME_S = 90 * 86_400;
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
const OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";
const ONLINE = "urn:shopify:params:oauth:token-type:online-access-token";

interface Grant { code: string; shop: string; clientId: string; scopes: string[]; redirectUri: string; perUser: boolean; userId: string; expiresAt: number; used: boolean }

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The admin query HMAC Shopify puts on redirects (and @shopify/shopify-api checks). */
export function adminQueryHmac(params: Record<string, string>, secret: string): string {
  const q = new URLSearchParams();
  for (const k of Object.keys(params).filter((k) => k !== "hmac" && k !== "signature").sort((a, b) => a.localeCompare(b))) q.append(k, params[k]!);
  return createHmac("sha256", secret).update(q.toString()).digest("hex");
}

/** `host`: base64 of the shop's admin address, as Shopify passes it to embedded apps. */
export const hostParam = (shop: string) => Buffer.from(`admin.shopify.com/store/${shop.split(".")[0]}`).toString("base64").replace(/=+$/, "");

function oauthError(res: Response, status: number, error: string, description: string) {
  res.status(status).json({ error, error_description: description });
}

export function oauthRoutes(services: Services) {
  const { store, hooks } = services;
  const grants = new Map<string, Grant>();
  const refreshTokens = new Map<string, { shop: string; clientId: string; expiresAt: number }>();
  const r = express.Router({ mergeParams: true });

  const page = (res: Response, status: number, title: string, body: string) =>
    res.status(status).type("html").send(`<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`);

  /** Checks the authorize request as Shopify does; answers the error page itself and returns undefined on failure. */
  function authorizeRequest(req: Request, res: Response, q: Record<string, unknown>): { shop: Shop; app: AppRegistration; scopes: string[]; redirectUri: string } | undefined {
    const shop = store.shop(String((req.params as Record<string, string>).shop));
    if (!shop) return void page(res, 404, "Shop not found", "<p>There is no store at this address.</p>");
    const app = store.apps.get(String(q.client_id ?? ""));
    if (!app) return void page(res, 400, "Oauth error invalid_request", `<p>Could not find Shopify API application with api_key ${esc(String(q.client_id ?? ""))}</p>`);
    const redirectUri = String(q.redirect_uri ?? "");
    if (!app.redirectUrls.some((u) => u === redirectUri.split("?")[0])) {
      return void page(res, 400, "Oauth error invalid_request", "<p>The redirect_uri is not whitelisted</p>");
    }
    const scopes = String(q.scope ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    return { shop, app, scopes, redirectUri };
  }

  /** Sends the merchant back to the app with a fresh single-use code, signed as Shopify signs it. */
  function approve(res: Response, ok: { shop: Shop; app: AppRegistration; scopes: string[]; redirectUri: string }, state: string, perUser: boolean, userId: string) {
    const code = randomBytes(16).toString("hex");
    grants.set(code, {
      code, shop: ok.shop.domain, clientId: ok.app.clientId, scopes: ok.scopes, redirectUri: ok.redirectUri, perUser, userId,
      expiresAt: store.now() + CODE_LIFETIME_MS, used: false,
    });
    // The timestamp is the wall clock: the app checks it against its own (90 s tolerance).
    const params: Record<string, string> = { code, host: hostParam(ok.shop.domain), shop: ok.shop.domain, state, timestamp: String(Math.floor(Date.now() / 1000)) };
    const url = new URL(ok.redirectUri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    url.searchParams.set("hmac", adminQueryHmac(params, ok.app.clientSecret));
    res.redirect(302, url.toString());
  }

  // The consent page the merchant sees; "Install" posts back here. An app already installed with
  // every scope it asks for is sent straight back, without asking the merchant again.
  r.get("/admin/oauth/authorize", (req, res) => {
    const q = req.query as Record<string, unknown>;
    const ok = authorizeRequest(req, res, q);
    if (!ok) return;
    const perUser = ([] as unknown[]).concat(q["grant_options[]"] ?? q.grant_options ?? []).includes("per-user");
    const inst = ok.shop.installations.get(ok.app.clientId);
    if (inst && !inst.uninstalledAt && !perUser && ok.scopes.every((sc) => inst.scopes.includes(sc))) return approve(res, ok, String(q.state ?? ""), false, "1");
    const hidden = { client_id: ok.app.clientId, scope: ok.scopes.join(","), redirect_uri: ok.redirectUri, state: String(q.state ?? ""), per_user: perUser ? "1" : "" };
    page(res, 200, `Install ${ok.app.name}`, `<p>${esc(ok.app.name)} wants to access ${esc(ok.shop.name)} (${esc(ok.shop.domain)}):</p>
<ul>${ok.scopes.map((s) => `<li>${esc(s)}</li>`).join("")}</ul>
<form method="post" action="">${Object.entries(hidden).map(([k, v]) => `<input type="hidden" name="${k}" value="${esc(v)}">`).join("")}
<label>Staff member id <input name="user_id" value="1"></label>
<button type="submit" name="decision" value="install">Install</button> <button type="submit" name="decision" value="cancel">Cancel</button></form>`);
  });

  r.post("/admin/oauth/authorize", (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const ok = authorizeRequest(req, res, b);
    if (!ok) return;
    if (b.decision !== "install") return void page(res, 200, "Installation cancelled", `<p>${esc(ok.app.name)} was not installed.</p>`);
    approve(res, ok, String(b.state ?? ""), b.per_user === "1", String(b.user_id || "1"));
  });

  function install(shop: Shop, app: AppRegistration, scopes: string[]): void {
    const inst = shop.installations.get(app.clientId);
    if (inst && !inst.uninstalledAt) { inst.scopes = [...new Set([...inst.scopes, ...scopes])]; return; }
    shop.installations.set(app.clientId, { clientId: app.clientId, scopes, installedAt: store.now() });
  }

  function issue(shop: Shop, app: AppRegistration, online: boolean, userId: string, expiring: boolean): Record<string, unknown> {
    const inst = shop.installations.get(app.clientId)!;
    const t: AccessToken = { token: `shpat_${randomBytes(16).toString("hex")}`, shop: shop.domain, clientId: app.clientId, scopes: inst.scopes };
    if (online) { t.token = `shpua_${randomBytes(16).toString("hex")}`; t.userId = userId; t.expiresAt = store.now() + ONLINE_LIFETIME_S * 1000; }
    else if (expiring) t.expiresAt = store.now() + EXPIRING_OFFLINE_S * 1000;
    store.tokens.set(t.token, t);
    const out: Record<string, unknown> = { access_token: t.token, scope: inst.scopes.join(",") };
    if (online) {
      Object.assign(out, {
        expires_in: ONLINE_LIFETIME_S, associated_user_scope: inst.scopes.join(","),
        associated_user: { id: Number(userId), first_name: "Staff", last_name: `Member ${userId}`, email: `staff${userId}@${shop.domain}`, account_owner: userId === "1", locale: "en", collaborator: false, email_verified: true },
      });
    } else if (expiring) {
      const refresh = `shprt_${randomBytes(16).toString("hex")}`;
      refreshTokens.set(refresh, { shop: shop.domain, clientId: app.clientId, expiresAt: store.now() + REFRESH_LIFETIME_S * 1000 });
      Object.assign(out, { expires_in: EXPIRING_OFFLINE_S, refresh_token: refresh, refresh_token_expires_in: REFRESH_LIFETIME_S });
    }
    return out;
  }

  r.post("/admin/oauth/access_token", (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const shop = store.shop(String((req.params as Record<string, string>).shop));
    if (!shop) return void res.status(404).json({ errors: "Not Found" });
    const app = store.apps.get(String(b.client_id ?? ""));
    if (!app || b.client_secret !== app.clientSecret) return oauthError(res, 400, "invalid_client", "Client credentials are invalid");
    const expiring = b.expiring === "1" || b.expiring === 1 || b.expiring === true;

    if (b.grant_type === TOKEN_EXCHANGE) {
      if (b.subject_token_type !== ID_TOKEN) return oauthError(res, 400, "invalid_request", `subject_token_type must be ${ID_TOKEN}`);
      const v = verifySessionToken(app, shop.domain, String(b.subject_token ?? ""));
      if (!v.ok) return oauthError(res, 400, "invalid_subject_token", `The session token is not valid: ${v.reason}`);
      const wanted = b.requested_token_type ?? OFFLINE;
      if (wanted !== OFFLINE && wanted !== ONLINE) return oauthError(res, 400, "invalid_request", "requested_token_type is not supported");
      install(shop, app, app.scopes); // Shopify-managed installation: the TOML's scopes
      return void res.json(issue(shop, app, wanted === ONLINE, v.claims.sub, expiring));
    }
    if (b.grant_type === "refresh_token") {
      const rt = refreshTokens.get(String(b.refresh_token ?? ""));
      if (!rt || rt.shop !== shop.domain || rt.clientId !== app.clientId || rt.expiresAt <= store.now()) {
        return oauthError(res, 400, "invalid_grant", "The refresh token is invalid, expired or was already used");
      }
      refreshTokens.delete(String(b.refresh_token));
      return void res.json(issue(shop, app, false, "", true));
    }
    const g = grants.get(String(b.code ?? ""));
    if (!g || g.used || g.expiresAt <= store.now() || g.shop !== shop.domain || g.clientId !== app.clientId) {
      return oauthError(res, 400, "invalid_request", "The authorization code was not found or was already used");
    }
    g.used = true;
    install(shop, app, g.scopes);
    res.json(issue(shop, app, g.perUser, g.userId, expiring));
  });

  /** The merchant removes the app: tokens stop working and the app gets app/uninstalled. */
  const uninstall = (shop: Shop, clientId: string): boolean => {
    const inst = shop.installations.get(clientId);
    if (!inst || inst.uninstalledAt) return false;
    inst.uninstalledAt = store.now();
    for (const [k, t] of store.tokens) if (t.shop === shop.domain && t.clientId === clientId) store.tokens.delete(k);
    hooks.emit(shop, "app/uninstalled", shopPayload(shop), clientId);
    // Subscriptions the app made through the API go with it; the TOML's come back on reinstall.
    for (const [k, s] of shop.webhookSubscriptions) if (s.clientId === clientId) shop.webhookSubscriptions.delete(k);
    return true;
  };

  return { router: r, uninstall };
}
