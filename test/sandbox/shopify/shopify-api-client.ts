// @shopify/shopify-api pointed at the sandbox the way Settle points it (shopify-shared.md): the node
// adapter's fetch, with `https://{shop}/` sent to the sandbox's `/shops/{shop}/`. The sandbox's tests
// use the official library to prove that what the sandbox signs and serves is what Shopify would.
import "@shopify/shopify-api/adapters/node";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import type { ShopifySandbox } from "./index";

export function shopifyFor(sandbox: Pick<ShopifySandbox, "url">, app: { clientId: string; clientSecret: string; scopes?: string[] }) {
  setAbstractFetchFunc(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const m = /^https:\/\/([a-z0-9-]+\.myshopify\.com)\//.exec(url);
    return fetch(m ? `${sandbox.url}/shops/${m[1]}/${url.slice(m[0].length)}` : url, init);
  });
  return shopifyApi({
    apiKey: app.clientId, apiSecretKey: app.clientSecret, scopes: app.scopes ?? [], hostName: "settle.example", hostScheme: "https",
    apiVersion: ApiVersion.July26, isEmbeddedApp: true, logger: { level: LogSeverity.Error },
  });
}
