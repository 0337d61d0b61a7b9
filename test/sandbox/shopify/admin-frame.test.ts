// The embedded app inside the sandbox's Shopify admin, in Chromium: the app's URL gets Shopify's
// launch query (HMAC-signed), and the page's session-token channel hands the frame tokens that
// @shopify/shopify-api accepts.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchChromium, newPerson } from "../../support/browser";
import { shopifyFor } from "./shopify-api-client";
import { installedShop, type Installed } from "./test-helpers";

const APP_PAGE = `<!doctype html><html><body><p id="token"></p><script>
window.addEventListener("message", (e) => {
  if (e.data && e.data.type === "shopify-sandbox:id-token" && e.data.requestId === "r1") document.getElementById("token").textContent = e.data.token;
});
parent.postMessage({ type: "shopify-sandbox:id-token", requestId: "r1" }, "*");
</script></body></html>`;

let s: Installed;
let appServer: Server;
let browser: Browser;
beforeAll(async () => {
  appServer = createServer((_req, res) => void res.writeHead(200, { "Content-Type": "text/html" }).end(APP_PAGE));
  await new Promise<void>((resolve) => appServer.listen(0, "127.0.0.1", resolve));
  s = await installedShop({ appUrl: `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/app` });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s.sandbox.close();
  await new Promise((resolve) => appServer.close(resolve));
});

it("frames the app with a signed launch query and gives it session tokens on request", async () => {
  const shopify = shopifyFor(s.sandbox, { clientId: s.clientId, clientSecret: s.clientSecret });
  const page = await (await newPerson(browser)).newPage();
  await page.goto(`${s.sandbox.url}/shops/${s.shop}/admin/apps/${s.clientId}`);
  const frame = page.frame({ name: "app-iframe" })!;
  await frame.waitForFunction(() => document.getElementById("token")?.textContent !== "");
  const launch = Object.fromEntries(new URL(frame.url()).searchParams);
  expect(Object.keys(launch).sort()).toEqual(["embedded", "hmac", "host", "id_token", "locale", "session", "shop", "timestamp"]);
  expect(await shopify.utils.validateHmac(launch)).toBe(true);
  expect(await shopify.session.decodeSessionToken(launch.id_token!)).toMatchObject({ dest: `https://${s.shop}` });
  const token = (await frame.textContent("#token"))!;
  expect(await shopify.session.decodeSessionToken(token)).toMatchObject({ aud: s.clientId, dest: `https://${s.shop}`, sub: "1" });
});
