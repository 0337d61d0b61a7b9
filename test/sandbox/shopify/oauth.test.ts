// OAuth, token exchange and session tokens: what @shopify/shopify-api accepts from the sandbox, and
// what the sandbox refuses (a used or unknown code, a redirect URI the app did not register, a
// session token not signed with the app's secret, a token of an uninstalled app).
import { createHmac } from "node:crypto";
import { RequestedTokenType } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_VERSION, startShopifySandbox, type ShopifySandbox } from "./index";
import { shopifyFor } from "./shopify-api-client";
import { gql } from "./test-helpers";

let sandbox: ShopifySandbox;
const SHOP = "oauth-shop.myshopify.com";
const REDIRECT = "https://settle.example/auth/callback";
let app: { clientId: string; clientSecret: string };
beforeAll(async () => {
  sandbox = await startShopifySandbox();
  sandbox.createShop({ domain: SHOP });
  app = sandbox.registerApp({ name: "Settle", appUrl: "https://settle.example", redirectUrls: [REDIRECT], scopes: ["read_orders", "write_orders"] });
});
afterAll(async () => { await sandbox.close(); });

const authorizeUrl = (o: { redirect?: string; state?: string } = {}) =>
  `${sandbox.url}/shops/${SHOP}/admin/oauth/authorize?${new URLSearchParams({ client_id: app.clientId, scope: "read_orders,write_orders", redirect_uri: o.redirect ?? REDIRECT, state: o.state ?? "nonce-1" })}`;

/** The merchant presses Install on the consent page; returns the redirect's query. */
async function consent(state = "nonce-1"): Promise<Record<string, string>> {
  const page = await fetch(authorizeUrl({ state }), { redirect: "manual" });
  if (page.status === 302) return Object.fromEntries(new URL(page.headers.get("location")!).searchParams); // already installed
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("write_orders");
  const res = await fetch(authorizeUrl({ state }), {
    method: "POST", redirect: "manual",
    body: new URLSearchParams({ client_id: app.clientId, scope: "read_orders,write_orders", redirect_uri: REDIRECT, state, decision: "install" }),
  });
  expect(res.status).toBe(302);
  const url = new URL(res.headers.get("location")!);
  expect(url.origin + url.pathname).toBe(REDIRECT);
  return Object.fromEntries(url.searchParams);
}

const exchange = (body: Record<string, string>) =>
  fetch(`${sandbox.url}/shops/${SHOP}/admin/oauth/access_token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

describe("OAuth install", () => {
  it("redirects with code, hmac, host, shop, state and timestamp that @shopify/shopify-api verifies", async () => {
    const q = await consent();
    expect(Object.keys(q).sort()).toEqual(["code", "hmac", "host", "shop", "state", "timestamp"]);
    const shopify = shopifyFor(sandbox, app);
    expect(await shopify.utils.validateHmac(q)).toBe(true);
    expect(await shopify.utils.validateHmac({ ...q, shop: "other-shop.myshopify.com" })).toBe(false);
    expect(await shopify.utils.validateHmac({ ...q, hmac: createHmac("sha256", "not-the-secret").update("x").digest("hex") })).toBe(false);
  });

  it("trades a code for an offline token once, and refuses it the second time as Shopify does", async () => {
    const { code } = await consent();
    const first = await exchange({ client_id: app.clientId, client_secret: app.clientSecret, code: code! });
    expect(first.status).toBe(200);
    const token = (await first.json()) as { access_token: string; scope: string };
    expect(token.scope).toBe("read_orders,write_orders");
    expect((await gql({ sandbox, shop: SHOP, token: token.access_token }, "{ shop { myshopifyDomain } }")).status).toBe(200);

    const again = await exchange({ client_id: app.clientId, client_secret: app.clientSecret, code: code! });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: "invalid_request", error_description: "The authorization code was not found or was already used" });
  });

  it("sends a merchant who already granted the scopes straight back, with a code that works", async () => {
    const page = await fetch(authorizeUrl({ state: "nonce-9" }), { redirect: "manual" });
    expect(page.status).toBe(302);
    const q = Object.fromEntries(new URL(page.headers.get("location")!).searchParams);
    expect(q.state).toBe("nonce-9");
    expect(await shopifyFor(sandbox, app).utils.validateHmac(q)).toBe(true);
    expect((await exchange({ client_id: app.clientId, client_secret: app.clientSecret, code: q.code! })).status).toBe(200);
  });

  it("refuses an unknown code, a wrong client secret and an unregistered redirect URI", async () => {
    const bad = await exchange({ client_id: app.clientId, client_secret: app.clientSecret, code: "0123456789abcdef" });
    expect(bad.status).toBe(400);
    const { code } = await consent();
    const wrongSecret = await exchange({ client_id: app.clientId, client_secret: "shpss_wrong", code: code! });
    expect(wrongSecret.status).toBe(400);
    expect(((await wrongSecret.json()) as { error: string }).error).toBe("invalid_client");
    const page = await fetch(authorizeUrl({ redirect: "https://evil.example/callback" }));
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("The redirect_uri is not whitelisted");
  });
});

describe("session tokens and token exchange", () => {
  it("issues session tokens @shopify/shopify-api decodes, and exchanges them for offline and online tokens", async () => {
    const shopify = shopifyFor(sandbox, app);
    const sessionToken = sandbox.sessionToken(SHOP, app.clientId, "42");
    const claims = await shopify.session.decodeSessionToken(sessionToken);
    expect(claims).toMatchObject({ iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: app.clientId, sub: "42" });

    const offline = await shopify.auth.tokenExchange({ shop: SHOP, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken });
    expect(offline.session.isOnline).toBe(false);
    const client = new shopify.clients.Graphql({ session: offline.session });
    const answer = await client.request("{ shop { myshopifyDomain } }");
    expect(answer.data).toEqual({ shop: { myshopifyDomain: SHOP } });

    const online = await shopify.auth.tokenExchange({ shop: SHOP, sessionToken, requestedTokenType: RequestedTokenType.OnlineAccessToken });
    expect(online.session.isOnline).toBe(true);
    expect(online.session.onlineAccessInfo?.associated_user.id).toBe(42);
  });

  it("refuses a session token not signed with the app's secret, or meant for another app or shop", async () => {
    const forged = (() => {
      const head = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url")}.${sandbox.sessionToken(SHOP, app.clientId).split(".")[1]}`;
      return `${head}.${createHmac("sha256", "someone-elses-secret").update(head).digest("base64url")}`;
    })();
    const other = sandbox.registerApp({ name: "Other", appUrl: "https://other.example", redirectUrls: ["https://other.example/cb"], scopes: [] });
    for (const subject of [forged, sandbox.sessionToken(SHOP, other.clientId), sandbox.sessionToken(SHOP, app.clientId, "1", { dest: "https://another.myshopify.com" }),
      sandbox.sessionToken(SHOP, app.clientId, "1", { exp: Math.floor(Date.now() / 1000) - 60 })]) {
      const r = await exchange({
        client_id: app.clientId, client_secret: app.clientSecret, grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: subject, subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
      });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe("invalid_subject_token");
    }
  });

  it("expiring offline tokens expire on the sandbox clock and are renewed by their refresh token once", async () => {
    const shopify = shopifyFor(sandbox, app);
    const { session } = await shopify.auth.tokenExchange({ shop: SHOP, sessionToken: sandbox.sessionToken(SHOP, app.clientId), requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true });
    expect(session.refreshToken).toBeTruthy();
    sandbox.advanceClock(3601);
    expect((await gql({ sandbox, shop: SHOP, token: session.accessToken! }, "{ shop { name } }")).status).toBe(401);
    const renewed = await shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! });
    expect((await gql({ sandbox, shop: SHOP, token: renewed.session.accessToken! }, "{ shop { name } }")).status).toBe(200);
    await expect(shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! })).rejects.toThrow();
  });

  it("revokes every token when the merchant uninstalls the app", async () => {
    const token = await sandbox.install(SHOP, app.clientId);
    expect((await gql({ sandbox, shop: SHOP, token }, "{ shop { name } }")).status).toBe(200);
    sandbox.uninstall(SHOP, app.clientId);
    const after = await fetch(`${sandbox.url}/shops/${SHOP}/admin/api/${API_VERSION}/graphql.json`, {
      method: "POST", headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token }, body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(after.status).toBe(401);
  });
});
