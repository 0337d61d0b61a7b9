// Shopify admin as an embedded app sees it: /shops/{shop}/admin/apps/{clientId} is a page that frames
// the app's URL with the launch query Shopify adds (embedded, hmac, host, id_token, locale, session,
// shop, timestamp). App Bridge's own script cannot load here (Shopify's CDN is out of reach), so the
// frame's stand-in asks this page for session tokens: it posts `{ type: "shopify-sandbox:id-token",
// requestId }` to its parent, and the page answers `{ type: "shopify-sandbox:id-token", requestId,
// token }` with a token signed as Shopify signs it (a fresh one each time).
import express from "express";
import type { Services } from "./context";
import { adminQueryHmac, hostParam } from "./oauth";
import { issueSessionToken } from "./session-tokens";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function adminFrameRoutes(services: Services) {
  const r = express.Router({ mergeParams: true });
  r.get("/admin/apps/:clientId", (req, res) => {
    const params = req.params as Record<string, string>;
    const shop = services.store.shop(String(params.shop));
    const app = services.store.apps.get(String(params.clientId));
    const inst = shop && app ? shop.installations.get(app.clientId) : undefined;
    if (!shop || !app || !inst || inst.uninstalledAt) return void res.status(404).type("html").send("<h1>This app is not installed on this store</h1>");
    const userId = String(req.query.user_id ?? "1");
    const launch: Record<string, string> = {
      embedded: "1", host: hostParam(shop.domain), id_token: issueSessionToken(app, shop.domain, userId), locale: "en",
      session: `${shop.id}${userId}`, shop: shop.domain, timestamp: String(Math.floor(Date.now() / 1000)),
    };
    const src = new URL(app.appUrl);
    for (const [k, v] of Object.entries(launch)) src.searchParams.set(k, v);
    src.searchParams.set("hmac", adminQueryHmac(launch, app.clientSecret));
    const tokenUrl = `${services.baseUrl()}/_sandbox/shops/${shop.domain}/session-tokens`;
    res.type("html").send(`<!doctype html><html><head><meta charset="utf-8"><title>${esc(app.name)} · ${esc(shop.name)} · Shopify admin</title></head>
<body style="margin:0"><header style="height:48px;background:#1a1a1a;color:#fff;font:14px sans-serif;display:flex;align-items:center;padding:0 16px">${esc(shop.name)} — ${esc(app.name)}</header>
<iframe id="app" name="app-iframe" src="${esc(src.toString())}" style="border:0;width:100%;height:calc(100vh - 48px)"></iframe>
<script>
const frame = document.getElementById("app");
window.addEventListener("message", async (e) => {
  if (e.source !== frame.contentWindow || !e.data || e.data.type !== "shopify-sandbox:id-token") return;
  const r = await fetch(${JSON.stringify(tokenUrl)}, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ clientId: ${JSON.stringify(app.clientId)}, userId: ${JSON.stringify(userId)} }) });
  const { token } = await r.json();
  frame.contentWindow.postMessage({ type: "shopify-sandbox:id-token", requestId: e.data.requestId, token }, "*");
});
</script></body></html>`);
  });
  return r;
}
